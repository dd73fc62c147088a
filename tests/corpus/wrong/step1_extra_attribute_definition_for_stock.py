# step: create-table
# status: failed
# message: products_table["AttributeDefinitions"]
# message: Declare only key attributes in AttributeDefinitions: ['Stock'] is not part of the key
products_table = {
    "TableName": "Products",
    "KeySchema": [{"AttributeName": "ProductID", "KeyType": "HASH"}],
    "AttributeDefinitions": [
        {"AttributeName": "ProductID", "AttributeType": "S"},
        {"AttributeName": "Stock", "AttributeType": "N"},
    ],
    "BillingMode": "PAY_PER_REQUEST",
}
