# step: process-event
# status: failed
# message: The file does not define process_event
# message: did you mean process_event?
products_table = {
    "TableName": "Products",
    "KeySchema": [{"AttributeName": "ProductID", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "ProductID", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
    "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
}

stream_arn = "arn:aws:dynamodb:region:account-id:table/Products/stream/2024-06-01T00:00:00.000"


def proces_event(record):
    new_image = record["dynamodb"]["NewImage"]
    return (new_image["ProductID"]["S"], int(new_image["Stock"]["N"]))
