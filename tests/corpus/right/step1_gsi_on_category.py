# step: create-table
# why: a secondary index may declare its own key attribute in AttributeDefinitions
# right answer for step 1
# A GSI so we can list products per category later on.
products_table = {
    "TableName": "Products",
    "KeySchema": [{"AttributeName": "ProductID", "KeyType": "HASH"}],
    "AttributeDefinitions": [
        {"AttributeName": "ProductID", "AttributeType": "S"},
        {"AttributeName": "Category", "AttributeType": "S"},
    ],
    "GlobalSecondaryIndexes": [
        {
            "IndexName": "ByCategory",
            "KeySchema": [{"AttributeName": "Category", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "ALL"},
        }
    ],
    "BillingMode": "PAY_PER_REQUEST",
}
