# step: audit-trail
# status: failed
# message: to a new process of your file
# decision: a handler whose import creates its table crashes in a second Lambda container (the table exists); the grader delivers a batch again to a new process, so it fails there
# The table is created at import (as many tutorials do); the grader uses it and gives a tip.
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


# TODO: create audit_table here.
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


# TODO: write the function handle_batch(event, context) here.
def stock_in(image):
    """The stock in a stream image, or 0 when there is none (an INSERT has no OldImage, a REMOVE no NewImage)."""
    return int(image["Stock"]["N"]) if image else 0


# Made once, outside the handler: AWS Lambda keeps it between invocations, so each batch saves the set-up.
audit = boto3.resource("dynamodb").create_table(**audit_table)


def handle_batch(event, context):
    for record in event["Records"]:
        change = record["dynamodb"]
        old_stock = stock_in(change.get("OldImage"))
        new_stock = stock_in(change.get("NewImage"))
        if record["eventName"] == "MODIFY" and old_stock == new_stock:
            continue
        # put_item under the record's own key: a batch delivered twice overwrites, never duplicates.
        audit.put_item(Item={
            "ProductID": change["Keys"]["ProductID"]["S"],
            "SequenceNumber": change["SequenceNumber"],
            "OldStock": old_stock,
            "NewStock": new_stock,
            "Delta": new_stock - old_stock,
            "EventName": record["eventName"],
            "ApproximateCreationDateTime": int(change["ApproximateCreationDateTime"]),
        })
