# step: simulate-event
# status: failed
# message: Your file never sets result = process_event(sample_record).
# message: called with sample_record itself (not a copy)
# Wrong: the step asks to call process_event(sample_record). other_record holds the same data, but it is
# not the variable the grader checked (only sample_record and result come back to it), so the grader
# cannot confirm that result comes from processing sample_record; a learner who passes another record
# has not done what the step asks. The fix is one word.
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


sample_record = {"dynamodb": {"NewImage": {"ProductID": {"S": "P123"}, "Stock": {"N": "50"}}}}
other_record = {"dynamodb": {"NewImage": {"ProductID": {"S": "P123"}, "Stock": {"N": "50"}}}}
result = process_event(other_record)
