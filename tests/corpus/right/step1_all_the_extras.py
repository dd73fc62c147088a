# step: create-table
# why: every CreateTable parameter besides the three asked for is accepted
# right answer for step 1
products_table = {
    "TableName": "Products",
    "AttributeDefinitions": [{"AttributeName": "ProductID", "AttributeType": "S"}],
    "KeySchema": [{"AttributeName": "ProductID", "KeyType": "HASH"}],
    "BillingMode": "PAY_PER_REQUEST",
    "TableClass": "STANDARD",
    "DeletionProtectionEnabled": False,
    "SSESpecification": {"Enabled": False},
    "Tags": [{"Key": "owner", "Value": "inventory-team"}],
}
print("table request ready:", products_table["TableName"])
