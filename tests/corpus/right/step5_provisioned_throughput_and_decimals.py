# step: audit-trail
from decimal import Decimal

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
    "AttributeDefinitions": [
        {"AttributeName": "SequenceNumber", "AttributeType": "S"},
        {"AttributeName": "ProductID", "AttributeType": "S"},
    ],
    "KeySchema": [
        {"AttributeName": "ProductID", "KeyType": "HASH"},
        {"AttributeName": "SequenceNumber", "KeyType": "RANGE"},
    ],
    "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
}


def handle_batch(event, context):
    dynamodb = boto3.resource("dynamodb", region_name="us-east-1")
    table = dynamodb.Table("InventoryAudit")
    for record in event.get("Records", []):
        images = record["dynamodb"]
        before = Decimal(images["OldImage"]["Stock"]["N"]) if "OldImage" in images else Decimal(0)
        after = Decimal(images["NewImage"]["Stock"]["N"]) if "NewImage" in images else Decimal(0)
        if before == after and "OldImage" in images and "NewImage" in images:
            print("stock unchanged, skipping", images["SequenceNumber"])
            continue
        table.put_item(Item=dict(
            ProductID=images["Keys"]["ProductID"]["S"],
            SequenceNumber=images["SequenceNumber"],
            OldStock=before,
            NewStock=after,
            Delta=after - before,
            EventName=record["eventName"],
            ApproximateCreationDateTime=Decimal(str(images["ApproximateCreationDateTime"])),
        ))
    return {"statusCode": 200}
