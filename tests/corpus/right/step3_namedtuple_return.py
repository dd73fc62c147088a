# step: process-event
# decision: a NamedTuple is a tuple; accepted unless it changes how tuples compare
# right answer for step 3
products_table = {
    "TableName": "Products",
    "KeySchema": [{"AttributeName": "ProductID", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "ProductID", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
    "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
}

stream_arn = "arn:aws:dynamodb:region:account-id:table/Products/stream/2024-06-01T00:00:00.000"

from collections import namedtuple

StockUpdate = namedtuple("StockUpdate", ["product_id", "stock"])


def process_event(record):
    new_image = record["dynamodb"]["NewImage"]
    return StockUpdate(new_image["ProductID"]["S"], int(new_image["Stock"]["N"]))
