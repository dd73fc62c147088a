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


def handle_batch(event, context=None):
    table = boto3.resource("dynamodb").Table("InventoryAudit")
    for record in event["Records"]:
        old_stock = int(record["dynamodb"].get("OldImage", {}).get("Stock", {}).get("N", "0"))
        new_stock = int(record["dynamodb"].get("NewImage", {}).get("Stock", {}).get("N", "0"))
        event_name = record.get("eventName")
        if event_name == "MODIFY" and new_stock == old_stock:
            continue
        product_id = (record["dynamodb"].get("NewImage") or record["dynamodb"].get("OldImage"))["ProductID"]["S"]
        table.put_item(
            Item={
                "ProductID": product_id,
                "SequenceNumber": str(record["dynamodb"]["SequenceNumber"]),
                "OldStock": old_stock,
                "NewStock": new_stock,
                "Delta": new_stock - old_stock,
                "EventName": event_name,
                "ApproximateCreationDateTime": record["dynamodb"]["ApproximateCreationDateTime"],
            }
        )
