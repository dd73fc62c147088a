# step: audit-trail
# why: the audit table may carry indexes, tags and the like
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
        {"AttributeName": "EventName", "AttributeType": "S"},
    ],
    "GlobalSecondaryIndexes": [{
        "IndexName": "by-event",
        "KeySchema": [{"AttributeName": "EventName", "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "ALL"},
        "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
    }],
    "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
    "SSESpecification": {"Enabled": True},
    "Tags": [{"Key": "purpose", "Value": "audit"}],
}


def stock_in(image):
    return int(image["Stock"]["N"]) if image else 0


audit = boto3.resource("dynamodb").Table(audit_table["TableName"])


def handle_batch(event, context):
    for record in event["Records"]:
        change = record["dynamodb"]
        old_stock = stock_in(change.get("OldImage"))
        new_stock = stock_in(change.get("NewImage"))
        if old_stock == new_stock:
            continue
        audit.put_item(Item={
            "ProductID": change["Keys"]["ProductID"]["S"],
            "SequenceNumber": change["SequenceNumber"],
            "OldStock": old_stock,
            "NewStock": new_stock,
            "Delta": new_stock - old_stock,
            "EventName": record["eventName"],
            "ApproximateCreationDateTime": int(change["ApproximateCreationDateTime"]),
        })
