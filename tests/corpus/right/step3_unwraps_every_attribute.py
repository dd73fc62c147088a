# step: process-event
products_table = {
    "TableName": "Products",
    "KeySchema": [{"AttributeName": "ProductID", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "ProductID", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
    "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
}

stream_arn = "arn:aws:dynamodb:region:account-id:table/Products/stream/2024-06-01T00:00:00.000"


def process_event(record):
    """Read the item after the change, turning each typed attribute into a plain value."""
    item = {}
    for name, typed_value in record["dynamodb"]["NewImage"].items():
        for type_code, value in typed_value.items():
            item[name] = int(value) if type_code == "N" else value
    print("stock change:", item)
    return (item["ProductID"], item["Stock"])
