# step: audit-trail
# why: naming the region the function runs in is harmless
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

# Our table lives in us-east-1, like everything else in this account.
audit = boto3.resource("dynamodb", region_name="us-east-1").Table("InventoryAudit")


def handle_batch(event, context):
    for record in event["Records"]:
        images = record["dynamodb"]
        old = int(images["OldImage"]["Stock"]["N"]) if "OldImage" in images else 0
        new = int(images["NewImage"]["Stock"]["N"]) if "NewImage" in images else 0
        if new == old:
            continue
        audit.put_item(Item={
            "ProductID": images["Keys"]["ProductID"]["S"],
            "SequenceNumber": images["SequenceNumber"],
            "OldStock": old,
            "NewStock": new,
            "Delta": new - old,
            "EventName": record["eventName"],
            "ApproximateCreationDateTime": int(images["ApproximateCreationDateTime"]),
        })
