# step: create-table
# status: failed
# message: does not define products_table
# message: It defines products_tabel: did you mean products_table?
products_tabel = {
    "TableName": "Products",
    "KeySchema": [{"AttributeName": "ProductID", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "ProductID", "AttributeType": "S"}],
}
