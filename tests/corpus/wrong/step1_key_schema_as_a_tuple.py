# step: create-table
# status: failed
# message: products_table["KeySchema"] must be a list, but it is a tuple
# message: put the entries in square brackets
products_table = {
    "TableName": "Products",
    "KeySchema": ({"AttributeName": "ProductID", "KeyType": "HASH"},),
    "AttributeDefinitions": [{"AttributeName": "ProductID", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
}
