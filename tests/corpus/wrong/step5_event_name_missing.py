# step: audit-trail
# status: failed
# message: has a wrong EventName
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


def handle_batch(event, context):
    table = boto3.resource("dynamodb").Table(audit_table["TableName"])
    for record in event["Records"]:
        change = record["dynamodb"]
        old_stock = stock_in(change.get("OldImage"))
        new_stock = stock_in(change.get("NewImage"))
        if record["eventName"] == "MODIFY" and old_stock == new_stock:
            continue
        table.put_item(Item={
            "ProductID": change["Keys"]["ProductID"]["S"],
            "SequenceNumber": change["SequenceNumber"],
            "OldStock": old_stock,
            "NewStock": new_stock,
            "Delta": new_stock - old_stock,
            "ApproximateCreationDateTime": change["ApproximateCreationDateTime"],
        })
