# step: process-event
# status: error
# message: has an IndentationError on line 20
# message: starts with spaces that nothing asks for: remove them


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
    return (product_id, int(new_image["Stock"]["N"]))
