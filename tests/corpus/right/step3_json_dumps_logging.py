# step: process-event
# decision: process_event gets JSON-native records (time in epoch seconds), as a deployed function does, so json.dumps(record) works
# right answer for step 3
products_table = {
    "TableName": "Products",
    "KeySchema": [{"AttributeName": "ProductID", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "ProductID", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
    "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
}

stream_arn = "arn:aws:dynamodb:region:account-id:table/Products/stream/2024-06-01T00:00:00.000"

import json


def process_event(record):
    print("Processing record:", json.dumps(record, default=str))
    new_image = record["dynamodb"]["NewImage"]
    product_id = new_image["ProductID"]["S"]
    stock = int(new_image["Stock"]["N"])
    print(json.dumps({"product_id": product_id, "stock": stock}))
    return (product_id, stock)
