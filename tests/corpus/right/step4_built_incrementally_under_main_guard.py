# step: simulate-event
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


new_image = {}
new_image["ProductID"] = {"S": "P123"}
new_image["Stock"] = {"N": str(50)}

sample_record = {"dynamodb": {}}
sample_record["dynamodb"]["NewImage"] = new_image

if __name__ == "__main__":
    result = process_event(sample_record)
    product_id, stock = result
    print(f"{product_id} now has {stock} in stock")
