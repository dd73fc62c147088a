# step: create-table
# Build the CreateTable request one key at a time.
products_table = {}
products_table["TableName"] = "Products"

key_schema = []
key_schema.append({"AttributeName": "ProductID", "KeyType": "HASH"})
products_table["KeySchema"] = key_schema

attribute_definitions = []
attribute_definitions.append({"AttributeName": "ProductID", "AttributeType": "S"})
products_table["AttributeDefinitions"] = attribute_definitions

products_table["BillingMode"] = "PAY_PER_REQUEST"
print(products_table)
