# step: audit-trail
# status: failed
# message: reads no other
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

dynamodb = boto3.resource("dynamodb")
audit = dynamodb.Table("InventoryAudit")
products = dynamodb.Table("Products")


def handle_batch(event, context):
    for record in event["Records"]:
        d = record["dynamodb"]
        product_id = d["Keys"]["ProductID"]["S"]
        current = products.get_item(Key={"ProductID": product_id}).get("Item", {})
        old = int(current.get("Stock", 0))
        new = int(d["NewImage"]["Stock"]["N"]) if "NewImage" in d else 0
        if old == new:
            continue
        audit.put_item(Item={
            "ProductID": product_id, "SequenceNumber": d["SequenceNumber"],
            "OldStock": old, "NewStock": new, "Delta": new - old, "EventName": record["eventName"],
            "ApproximateCreationDateTime": int(d["ApproximateCreationDateTime"]),
        })
