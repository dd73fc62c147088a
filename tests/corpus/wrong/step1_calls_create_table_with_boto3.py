# step: create-table
# status: error
# message: Your code tried to connect to the network
# message: The grader runs your code offline and never lets it reach AWS
# message: it makes no AWS calls
import boto3

products_table = {
    "TableName": "Products",
    "KeySchema": [{"AttributeName": "ProductID", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "ProductID", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
}

dynamodb = boto3.client("dynamodb", region_name="us-east-1")
dynamodb.create_table(**products_table)
