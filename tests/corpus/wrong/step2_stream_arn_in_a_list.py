# step: enable-streams
# status: failed
# message: In 
# message: stream_arn
# message: stream_arn must be a string: put the ARN in quotes.
# message: a list
products_table = {
    "TableName": "Products",
    "KeySchema": [{"AttributeName": "ProductID", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "ProductID", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
    "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
}

stream_arn = ["arn:aws:dynamodb:region:account-id:table/Products/stream/2024-06-01T00:00:00.000"]
