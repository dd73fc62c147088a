# step: create-table
# status: failed
# message: products_table["TableName"]
# message: Names in DynamoDB are case-sensitive: write "Products", not "products"
products_table = {
    "TableName": "products",
    "KeySchema": [{"AttributeName": "ProductID", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "ProductID", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
}
