# step: create-table
TABLE_NAME = 'Products'
PARTITION_KEY = 'ProductID'

products_table = {
    'TableName': TABLE_NAME,
    'KeySchema': [{'KeyType': 'HASH', 'AttributeName': PARTITION_KEY}],
    'AttributeDefinitions': [{'AttributeType': 'S', 'AttributeName': PARTITION_KEY}],
    'BillingMode': 'PAY_PER_REQUEST',
}
