# step: create-table
# status: failed
# message: products_table["KeySchema"][0]["KeyType"]
# message: Key types are written in capitals: "HASH"
products_table = {
    "TableName": "Products",
    "KeySchema": [{"AttributeName": "ProductID", "KeyType": "hash"}],
    "AttributeDefinitions": [{"AttributeName": "ProductID", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
}
