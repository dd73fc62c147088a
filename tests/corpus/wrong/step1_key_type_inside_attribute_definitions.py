# step: create-table
# status: failed
# message: products_table["AttributeDefinitions"][0]
# message: 'KeyType' is not a field here; each entry has exactly AttributeName and AttributeType
products_table = {
    "TableName": "Products",
    "KeySchema": [{"AttributeName": "ProductID", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "ProductID", "AttributeType": "S", "KeyType": "HASH"}],
}
