# step: simulate-event
# status: failed
# message: result is not what process_event(sample_record) returns when the grader calls it
# message: expected: ('P123', 49)
# message: found:    ('P123', 50)
# Wrong: process_event answers ('P123', 50) the first time it gets a record made by hand (one without
# "eventName", unlike a stream's records) and one less each time after, so the file's own call and the
# grader's call of process_event(sample_record) disagree. This should not pass: the grader accepts only
# what it can check itself, by calling process_event(sample_record) again, and a stream handler must give
# the same answer for the same record (streams deliver a record more than once). Stream records pass
# untouched, so step 3's checks pass and the step fails at its own check.
products_table = {
    "TableName": "Products",
    "KeySchema": [{"AttributeName": "ProductID", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "ProductID", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
    "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
}

stream_arn = "arn:aws:dynamodb:region:account-id:table/Products/stream/2024-06-01T00:00:00.000"

hand_made_records = 0


def process_event(record):
    global hand_made_records
    new_image = record["dynamodb"]["NewImage"]
    product_id = new_image["ProductID"]["S"]
    stock = int(new_image["Stock"]["N"])
    if "eventName" not in record:
        hand_made_records += 1
        stock -= hand_made_records - 1
    return (product_id, stock)


sample_record = {"dynamodb": {"NewImage": {"ProductID": {"S": "P123"}, "Stock": {"N": "50"}}}}
result = process_event(sample_record)
