# step: create-table
# status: failed
# message: products_table["KeySchema"][0]
# message: This entry has no "KeyType"
products_table = {
    "TableName": "Products",
    "KeySchema": [{"AttributeName": "ProductID"}],
    "AttributeDefinitions": [{"AttributeName": "ProductID", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
}
