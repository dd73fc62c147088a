#
# Instructions:
#   Create a variable called sample_record that mimics a DynamoDB stream event record with
#   ProductID set to 'P123' and Stock set to 50. Then call process_event(sample_record) and assign
#   the result to a variable called result.
#
# Build sample_record the way DynamoDB sends a record: the item sits in record['dynamodb']['NewImage'],
# with every number written as a string.

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


# TODO: create sample_record here.

# TODO: call process_event(sample_record) and store what it returns in result.
