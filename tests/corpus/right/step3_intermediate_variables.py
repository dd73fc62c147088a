# step: process-event
products_table = {
    "TableName": "Products",
    "KeySchema": [{"AttributeName": "ProductID", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "ProductID", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
    "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
}

stream_arn = "arn:aws:dynamodb:region:account-id:table/Products/stream/2024-06-01T00:00:00.000"


def process_event(record):
    dynamodb_part = record['dynamodb']
    new_image = dynamodb_part['NewImage']
    product_id_attribute = new_image['ProductID']
    stock_attribute = new_image['Stock']
    product_id = product_id_attribute['S']
    stock_as_string = stock_attribute['N']
    stock = int(stock_as_string)
    result = (product_id, stock)
    return result
