# step: enable-streams
# status: failed
# message: StreamEnabled and StreamViewType must go inside it


products_table = {
    "TableName": "Products",
    "KeySchema": [{"AttributeName": "ProductID", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "ProductID", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
}

products_table["StreamEnabled"] = True
products_table["StreamViewType"] = "NEW_AND_OLD_IMAGES"

stream_arn = "arn:aws:dynamodb:region:account-id:table/Products/stream/2024-06-01T00:00:00.000"
