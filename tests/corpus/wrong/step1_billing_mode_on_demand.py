# step: create-table
# status: failed
# message: BillingMode
# message: ON_DEMAND
# message: PAY_PER_REQUEST


products_table = {
    "TableName": "Products",
    "KeySchema": [{"AttributeName": "ProductID", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "ProductID", "AttributeType": "S"}],
    "BillingMode": "ON_DEMAND",
}
