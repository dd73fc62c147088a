# step: create-table
# status: failed
# message: NonKeyAttributes is not specified
products_table = {
    "TableName": "Products",
    "KeySchema": [{"AttributeName": "ProductID", "KeyType": "HASH"}],
    "AttributeDefinitions": [
        {"AttributeName": "ProductID", "AttributeType": "S"},
        {"AttributeName": "Category", "AttributeType": "S"},
    ],
    "BillingMode": "PAY_PER_REQUEST",
    "GlobalSecondaryIndexes": [
        {
            "IndexName": "ByCategory",
            "KeySchema": [{"AttributeName": "Category", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "INCLUDE"},
        }
    ],
}
