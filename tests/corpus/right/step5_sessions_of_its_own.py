# step: audit-trail
import boto3
import botocore.session

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


# Sessions of its own: a boto3 Session for the audit rows, and a bare botocore one, which lists the tables.
client = boto3.session.Session(region_name="us-east-1").client("dynamodb")
print(botocore.session.get_session().create_client("dynamodb", region_name="us-east-1").list_tables()["TableNames"])


def handle_batch(event, context):
    for record in event["Records"]:
        data = record["dynamodb"]
        old_image = data.get("OldImage", {})
        new_image = data.get("NewImage", {})
        old_stock = int(old_image["Stock"]["N"]) if "Stock" in old_image else 0
        new_stock = int(new_image["Stock"]["N"]) if "Stock" in new_image else 0
        if old_stock == new_stock and record["eventName"] == "MODIFY":
            continue
        client.put_item(
            TableName=audit_table["TableName"],
            Item={
                "ProductID": {"S": data["Keys"]["ProductID"]["S"]},
                "SequenceNumber": {"S": data["SequenceNumber"]},
                "OldStock": {"N": str(old_stock)},
                "NewStock": {"N": str(new_stock)},
                "Delta": {"N": str(new_stock - old_stock)},
                "EventName": {"S": record["eventName"]},
                "ApproximateCreationDateTime": {"N": str(data["ApproximateCreationDateTime"])},
            },
        )
