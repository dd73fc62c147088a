# step: create-table
# status: failed
# message: products_table["TableName"]
# message: The table must be named exactly "Products"
products_table = {
    "TableName": "Product",
    "KeySchema": [{"AttributeName": "ProductID", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "ProductID", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
}
