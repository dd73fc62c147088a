# step: simulate-event
# status: failed
# message: The grader called process_event(sample_record) itself, with your sample_record.
# message: It raised an error instead of returning.
# message: ValueError
# message: this record was processed already
# Wrong: process_event refuses a record it has seen before, so the grader's own call of
# process_event(sample_record) raises. A stream handler must cope with the same record twice (streams
# deliver at least once); here it would also leave the grader no way to check result.
products_table = {
    "TableName": "Products",
    "KeySchema": [{"AttributeName": "ProductID", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "ProductID", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
    "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
}

stream_arn = "arn:aws:dynamodb:region:account-id:table/Products/stream/2024-06-01T00:00:00.000"

seen = []


def process_event(record):
    if record in seen:
        raise ValueError("this record was processed already")
    seen.append(record)
    new_image = record["dynamodb"]["NewImage"]
    product_id = new_image["ProductID"]["S"]
    stock = int(new_image["Stock"]["N"])
    return (product_id, stock)


sample_record = {"dynamodb": {"NewImage": {"ProductID": {"S": "P123"}, "Stock": {"N": "50"}}}}
result = process_event(sample_record)
