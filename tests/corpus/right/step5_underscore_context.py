# step: audit-trail
# why: Lambda passes the event and the context by position: any names do
# right answer for step 5
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


def stock_in(image):
    return int(image["Stock"]["N"]) if image else 0


audit = boto3.resource("dynamodb").Table("InventoryAudit")


def handle_batch(event, _context):  # context unused: underscore keeps pylint quiet
    for record in event["Records"]:
        d = record["dynamodb"]
        old, new = stock_in(d.get("OldImage")), stock_in(d.get("NewImage"))
        if old == new:
            continue
        audit.put_item(Item={
            "ProductID": d["Keys"]["ProductID"]["S"],
            "SequenceNumber": d["SequenceNumber"],
            "OldStock": old,
            "NewStock": new,
            "Delta": new - old,
            "EventName": record["eventName"],
            "ApproximateCreationDateTime": int(d["ApproximateCreationDateTime"]),
        })
