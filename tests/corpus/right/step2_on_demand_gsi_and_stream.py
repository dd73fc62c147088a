# step: enable-streams
# why: an on-demand table with an index and a stream
# right answer for step 2
products_table = {
    "TableName": "Products",
    "KeySchema": [{"AttributeName": "ProductID", "KeyType": "HASH"}],
    "AttributeDefinitions": [
        {"AttributeName": "ProductID", "AttributeType": "S"},
        {"AttributeName": "Category", "AttributeType": "S"},
    ],
    "GlobalSecondaryIndexes": [{
        "IndexName": "category-index",
        "KeySchema": [{"AttributeName": "Category", "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["Stock"]},
    }],
    "BillingMode": "PAY_PER_REQUEST",
    "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
}

stream_arn = "arn:aws:dynamodb:region:account-id:table/Products/stream/2024-06-01T00:00:00.000"
