# step: audit-trail
# status: error
# message: AWS Lambda's Python runtime
import aws_lambda_powertools
# Bonus step 5 (optional). Check your work with: nox -s grade -- 5
#
# The scenario asks for more than parsing one record: every stock change must be "stored separately
# for auditing and analytics". Here you build that audit trail the way it runs in production: AWS
# Lambda hands a function batches of stream records, and the function writes one audit item per change.
#
# Instructions:
#   1. Create a variable called audit_table: the CreateTable request (a dict, like products_table) for
#      a table named InventoryAudit whose key is ProductID (partition key, HASH) plus SequenceNumber
#      (sort key, RANGE), both strings ("S"). A record's SequenceNumber is
#      record["dynamodb"]["SequenceNumber"]: unique per change, and in the order of the changes.
#   2. Write a function handle_batch(event, context), as AWS Lambda calls it, where event is
#      {"Records": [record, record, ...]}. For each record whose stock changed, write one item into
#      InventoryAudit holding:
#          ProductID, SequenceNumber     the key, as strings
#          OldStock, NewStock            numbers: the stock before and after (0 when there is no image)
#          Delta                         NewStock - OldStock
#          EventName                     the record's eventName: "INSERT", "MODIFY" or "REMOVE"
#          ApproximateCreationDateTime   record["dynamodb"]["ApproximateCreationDateTime"], a number
#      - Skip records whose stock did not change (a MODIFY that only renamed the product, say).
#      - A REMOVE has no NewImage: record it with NewStock 0.
#      - Be idempotent. Streams deliver each batch AT LEAST ONCE, so the same batch can arrive twice.
#        Writing with put_item under the key ProductID + SequenceNumber makes a second delivery
#        overwrite the first item instead of adding a duplicate.
#   Write to DynamoDB as a real Lambda would:
#       boto3.resource("dynamodb").Table("InventoryAudit").put_item(Item={...})
#   The grader runs your handler against a simulated DynamoDB in which it created your audit table.
#
# This is why step 2 asked for NEW_AND_OLD_IMAGES: OldStock comes from OldImage and NewStock from
# NewImage. With NEW_IMAGE alone you could not tell how much the stock changed.

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
audit = boto3.resource("dynamodb").Table(audit_table["TableName"])


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
