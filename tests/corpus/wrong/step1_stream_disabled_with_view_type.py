# step: create-table
# status: failed
# message: StreamViewType must not be specified
products_table = {
    "TableName": "Products",
    "KeySchema": [{"AttributeName": "ProductID", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "ProductID", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
    "StreamSpecification": {"StreamEnabled": False, "StreamViewType": "NEW_AND_OLD_IMAGES"},  # turn on in step 2
}
