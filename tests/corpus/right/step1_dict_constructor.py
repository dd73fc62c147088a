# step: create-table
products_table = dict(
    TableName="Products",
    KeySchema=[dict(AttributeName="ProductID", KeyType="HASH")],
    AttributeDefinitions=[dict(AttributeName="ProductID", AttributeType="S")],
    BillingMode="PAY_PER_REQUEST",
)
