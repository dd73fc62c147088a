# step: enable-streams
products_table = {
    "TableName": "Products",
    "KeySchema": [{"AttributeName": "ProductID", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "ProductID", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
}

stream_specification = {}
stream_specification["StreamEnabled"] = True
stream_specification["StreamViewType"] = "NEW_AND_OLD_IMAGES"
products_table["StreamSpecification"] = stream_specification

stream_arn = (
    "arn:aws:dynamodb:region:account-id:table/Products"
    "/stream/2024-06-01T00:00:00.000"
)
