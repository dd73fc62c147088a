# step: create-table
# status: error
# message: has a SyntaxError on line 7
# message: missing bracket, quote, comma or colon
products_table = {
    "TableName": "Products"
    "KeySchema": [{"AttributeName": "ProductID", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "ProductID", "AttributeType": "S"}],
}
