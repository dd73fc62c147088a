# step: process-event
# status: failed
# message: This product is on back-order
products_table = {
    "TableName": "Products",
    "KeySchema": [{"AttributeName": "ProductID", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "ProductID", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
    "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
}

stream_arn = "arn:aws:dynamodb:region:account-id:table/Products/stream/2024-06-01T00:00:00.000"


def process_event(record):
    image = record["dynamodb"]["NewImage"]
    raw = image["Stock"]["N"]
    stock = int(raw) if raw.isdigit() else 0
    return (image["ProductID"]["S"], stock)
