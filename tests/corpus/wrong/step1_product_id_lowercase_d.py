# step: create-table
# status: failed
# message: products_table["KeySchema"]
# message: KeySchema names 'ProductId', but the attribute is "ProductID" (capital I and D)
products_table = {
    "TableName": "Products",
    "KeySchema": [{"AttributeName": "ProductId", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "ProductId", "AttributeType": "S"}],
}
