# step: process-event
# status: failed
# message: The grader called process_event(record) with an INSERT record
# message: It raised an error instead of returning.
# message: KeyError
# message: 'OldImage'
products_table = {
    "TableName": "Products",
    "KeySchema": [{"AttributeName": "ProductID", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "ProductID", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
    "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
}

stream_arn = "arn:aws:dynamodb:region:account-id:table/Products/stream/2024-06-01T00:00:00.000"


def process_event(record):
    old_image = record["dynamodb"]["OldImage"]
    return (old_image["ProductID"]["S"], int(old_image["Stock"]["N"]))
