# step: create-table
# status: failed
# message: products_table has no "KeySchema" key. It has "PrimaryKey", which DynamoDB does not know
products_table = {
    "TableName": "Products",
    "PrimaryKey": "ProductID",
    "AttributeDefinitions": [{"AttributeName": "ProductID", "AttributeType": "S"}],
}
