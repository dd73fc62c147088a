# step: simulate-event
# status: failed
# message: Your file never sets result = process_event(sample_record).
# message: called with sample_record itself (not a copy)
# Wrong (it was a right answer while the grader trusted the calls the learner's process reported): the
# step asks for process_event(sample_record). The grader checks that by reading the file and by calling
# process_event(sample_record) itself; a literal with the same data is another record, one the step's
# checks of sample_record never looked at. The fix: pass sample_record instead of the literal.
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
result = process_event({"dynamodb": {"NewImage": {"ProductID": {"S": "P123"}, "Stock": {"N": "50"}}}})
