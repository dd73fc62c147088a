# step: create-table
# status: failed
# message: products_table["AttributeDefinitions"][0]["AttributeType"]
# message: declared as a number ("N")
# message: use "S"
products_table = {
    "TableName": "Products",
    "KeySchema": [{"AttributeName": "ProductID", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "ProductID", "AttributeType": "N"}],
    "BillingMode": "PAY_PER_REQUEST",
}
