# step: audit-trail
# status: failed
# message: After the same batch was delivered a second time, an item no longer holds
# why: remembers the records it has seen in memory and adds to the items: a new container knows nothing
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
_seen = set()  # sequence numbers already audited: makes redelivery harmless


def stock_in(image):
    return int(image["Stock"]["N"]) if image else 0


def handle_batch(event, context):
    for record in event["Records"]:
        d = record["dynamodb"]
        if d["SequenceNumber"] in _seen:
            continue
        old, new = stock_in(d.get("OldImage")), stock_in(d.get("NewImage"))
        if old == new:
            continue
        audit.update_item(
            Key={"ProductID": d["Keys"]["ProductID"]["S"], "SequenceNumber": d["SequenceNumber"]},
            UpdateExpression="ADD OldStock :o, NewStock :n, Delta :d SET EventName = :e, ApproximateCreationDateTime = :t",
            ExpressionAttributeValues={":o": old, ":n": new, ":d": new - old, ":e": record["eventName"],
                                       ":t": int(d["ApproximateCreationDateTime"])},
        )
        _seen.add(d["SequenceNumber"])
