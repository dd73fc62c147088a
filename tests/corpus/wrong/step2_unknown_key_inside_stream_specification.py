# step: enable-streams
# status: failed
# message: products_table["StreamSpecification"]
# message: StreamSpecification holds only StreamEnabled and StreamViewType; 'StreamArn' does not belong there


products_table = {
    "TableName": "Products",
    "KeySchema": [{"AttributeName": "ProductID", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "ProductID", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
    "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES", "StreamArn": "arn:aws:dynamodb:region:account-id:table/Products/stream/2024-06-01T00:00:00.000"},
}

stream_arn = "arn:aws:dynamodb:region:account-id:table/Products/stream/2024-06-01T00:00:00.000"
