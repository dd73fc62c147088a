# step: audit-trail
import boto3

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


sample_record = {
    "eventName": "MODIFY",
    "dynamodb": {
        "NewImage": {
            "ProductID": {"S": "P123"},
            "Stock": {"N": "50"},
        },
    },
}

result = process_event(sample_record)
print(result)


audit_table = {
    "TableName": "InventoryAudit",
    "KeySchema": [
        {"AttributeName": "ProductID", "KeyType": "HASH"},
        {"AttributeName": "SequenceNumber", "KeyType": "RANGE"},
    ],
    "AttributeDefinitions": [
        {"AttributeName": "ProductID", "AttributeType": "S"},
        {"AttributeName": "SequenceNumber", "AttributeType": "S"},
    ],
    "BillingMode": "PAY_PER_REQUEST",
}


audit = boto3.resource("dynamodb").Table("InventoryAudit")


def stock_of(image):
    if image is None:
        return 0
    return int(image["Stock"]["N"])


def audit_item(record):
    """The audit item for one stream record, or None when its stock did not change."""
    change = record["dynamodb"]
    old_stock = stock_of(change.get("OldImage"))
    new_stock = stock_of(change.get("NewImage"))
    if record["eventName"] == "MODIFY" and old_stock == new_stock:
        return None
    return {
        "ProductID": change["Keys"]["ProductID"]["S"],
        "SequenceNumber": change["SequenceNumber"],
        "OldStock": old_stock,
        "NewStock": new_stock,
        "Delta": new_stock - old_stock,
        "EventName": record["eventName"],
        "ApproximateCreationDateTime": change["ApproximateCreationDateTime"],
    }


def handle_batch(event, context):
    written = 0
    for record in event["Records"]:
        item = audit_item(record)
        if item is not None:
            audit.put_item(Item=item)
            written += 1
    return {"written": written}
