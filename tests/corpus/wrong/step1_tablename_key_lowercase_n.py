# step: create-table
# status: failed
# message: products_table has no "TableName" key. It has "Tablename"
products_table = {
    "Tablename": "Products",
    "KeySchema": [{"AttributeName": "ProductID", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "ProductID", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
}
