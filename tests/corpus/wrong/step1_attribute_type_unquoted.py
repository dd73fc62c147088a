# step: create-table
# status: error
# message: put it in quotes: "S"
# Step 1 of 4. Check your work with: nox -s grade -- 1
#
# The scenario: an inventory system tracks product stock levels. Each time a product's stock
# changes, the change is captured so it can be audited and analysed later. First you need a table.
#
# Instructions:
#   Create a variable called products_table that represents a DynamoDB table named Products
#   with ProductID as the primary key.
#
# products_table is the request you would give DynamoDB's CreateTable, as a Python dict:
#     boto3.client("dynamodb").create_table(**products_table)
# You do not call AWS yourself: the grader creates the table from your dict in a simulated DynamoDB.

# TODO: define products_table here.
products_table = {
    "TableName": "Products",
    "KeySchema": [{"AttributeName": "ProductID", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "ProductID", "AttributeType": S}],
    # Real DynamoDB also needs a billing mode (the grader accepts the table without one, with a tip).
    "BillingMode": "PAY_PER_REQUEST",
}
