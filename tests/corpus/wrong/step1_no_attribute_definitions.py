# step: create-table
# status: failed
# message: products_table has no "AttributeDefinitions" key.
products_table = {
    "TableName": "Products",
    "KeySchema": [{"AttributeName": "ProductID", "KeyType": "HASH"}],
    "BillingMode": "PAY_PER_REQUEST",
}
