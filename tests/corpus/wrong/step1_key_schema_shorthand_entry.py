# step: create-table
# status: failed
# message: products_table["KeySchema"][0]
# message: 'ProductID' is not a field here; each entry has exactly AttributeName and KeyType
products_table = {
    "TableName": "Products",
    "KeySchema": [{"ProductID": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "ProductID", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
}
