#
# Instructions:
#   Add a key StreamSpecification to products_table with StreamEnabled set to True and
#   StreamViewType set to NEW_AND_OLD_IMAGES. Then create a variable called stream_arn and set it
#   to the string 'arn:aws:dynamodb:region:account-id:table/Products/stream/2024-06-01T00:00:00.000'.
#
# A stream is DynamoDB's log of every change to the table's items. Its view type decides what each
# change record carries; an audit of stock changes needs the item both before and after the change.

products_table = {
    "TableName": "Products",
    "KeySchema": [{"AttributeName": "ProductID", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "ProductID", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
    # TODO: add the "StreamSpecification" key here.
}

# TODO: create the variable stream_arn.
