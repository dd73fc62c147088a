# step: create-table
# status: failed
# message: products_table must be a dict, but it is a str
products_table = '''{
    "TableName": "Products",
    "KeySchema": [{"AttributeName": "ProductID", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "ProductID", "AttributeType": "S"}]
}'''
