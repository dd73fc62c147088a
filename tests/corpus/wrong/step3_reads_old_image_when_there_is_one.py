# step: process-event
# status: failed
# message: MODIFY record
# message: That is the stock before the change (OldImage), or a value kept from an earlier call. process_event must read NewImage
products_table = {
    "TableName": "Products",
    "KeySchema": [{"AttributeName": "ProductID", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "ProductID", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
    "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
}

stream_arn = "arn:aws:dynamodb:region:account-id:table/Products/stream/2024-06-01T00:00:00.000"


def process_event(record):
    images = record["dynamodb"]
    image = images.get("OldImage", images["NewImage"])
    return (image["ProductID"]["S"], int(image["Stock"]["N"]))
