# step: simulate-event
# status: failed
# message: process_event changes the record it is given
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
    image["Stock"]["N"] = int(image["Stock"]["N"])  # convert in place
    return (image["ProductID"]["S"], image["Stock"]["N"])


sample_record = {"dynamodb": {"NewImage": {"ProductID": {"S": "P123"}, "Stock": {"N": "50"}}}}

result = process_event(sample_record)
