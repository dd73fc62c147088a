# step: create-table
# Step 1 of 4: the Products table, with provisioned capacity instead of on-demand billing.
products_table = {
    "TableName": "Products",
    "KeySchema": [
        {"AttributeName": "ProductID", "KeyType": "HASH"},
    ],
    "AttributeDefinitions": [
        {"AttributeName": "ProductID", "AttributeType": "S"},
    ],
    "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
}
