# step: create-table
# status: failed
# message: products_table["KeySchema"][0]["KeyType"]
# message: "RANGE" makes a sort key
# message: KeyType "HASH"
products_table = {
    "TableName": "Products",
    "KeySchema": [{"AttributeName": "ProductID", "KeyType": "RANGE"}],
    "AttributeDefinitions": [{"AttributeName": "ProductID", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
}
