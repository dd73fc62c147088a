# step: process-event
# status: failed
# message: a value kept from an earlier call
products_table = {
    "TableName": "Products",
    "KeySchema": [{"AttributeName": "ProductID", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "ProductID", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
    "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
}

stream_arn = "arn:aws:dynamodb:region:account-id:table/Products/stream/2024-06-01T00:00:00.000"


inventory = {}


def process_event(record):
    image = record["dynamodb"]["NewImage"]
    product_id = image["ProductID"]["S"]
    inventory.setdefault(product_id, int(image["Stock"]["N"]))
    return (product_id, inventory[product_id])
