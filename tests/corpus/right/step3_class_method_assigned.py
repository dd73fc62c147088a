# step: process-event
# why: a bound method assigned to process_event
# right answer for step 3
products_table = {
    "TableName": "Products",
    "KeySchema": [{"AttributeName": "ProductID", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "ProductID", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
    "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
}

stream_arn = "arn:aws:dynamodb:region:account-id:table/Products/stream/2024-06-01T00:00:00.000"


class StreamProcessor:
    def __init__(self, image_key="NewImage"):
        self.image_key = image_key

    def process(self, record):
        image = record["dynamodb"][self.image_key]
        return (image["ProductID"]["S"], int(image["Stock"]["N"]))


process_event = StreamProcessor().process
