# step: create-table
# status: failed
# message: products_table["AttributeDefinitions"][0]["AttributeType"]
# message: Attribute types are one capital letter: "S" for string
products_table = {
    "TableName": "Products",
    "KeySchema": [{"AttributeName": "ProductID", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "ProductID", "AttributeType": "STRING"}],
    "BillingMode": "PAY_PER_REQUEST",
}
