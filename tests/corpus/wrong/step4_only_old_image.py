# step: simulate-event
# status: failed
# message: OldImage is the item before a change
products_table = {
    "TableName": "Products",
    "KeySchema": [{"AttributeName": "ProductID", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "ProductID", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
    "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
}

stream_arn = "arn:aws:dynamodb:region:account-id:table/Products/stream/2024-06-01T00:00:00.000"


def process_event(record):
    new_image = record["dynamodb"]["NewImage"]
    product_id = new_image["ProductID"]["S"]
    stock = int(new_image["Stock"]["N"])
    return (product_id, stock)


sample_record = {"dynamodb": {"OldImage": {"ProductID": {"S": "P123"}, "Stock": {"N": "50"}}}}


def read_old(record):
    image = record["dynamodb"]["OldImage"]
    return (image["ProductID"]["S"], int(image["Stock"]["N"]))


result = read_old(sample_record)
