"""The grader's own DynamoDB, simulated by moto: it builds the learner's table and reads its stream.

Only data from the learner (their request dict) comes in here; no learner code ever runs here.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass, field
from datetime import datetime

# Fake credentials and no account-ID endpoints (moto does not route those), before boto3 is used.
for _key, _value in {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
}.items():
    os.environ[_key] = _value
for _key in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_DYNAMODB_STREAMS"):
    os.environ.pop(_key, None)

import boto3  # noqa: E402
import botocore.session  # noqa: E402
from botocore.exceptions import BotoCoreError, ClientError  # noqa: E402
from moto import mock_aws  # noqa: E402

REGION = "us-east-1"
BILLING_KEYS = ("BillingMode", "ProvisionedThroughput")


def create_table_parameters() -> list[str]:
    """Every key that DynamoDB's CreateTable accepts, from botocore's own service model."""
    model = botocore.session.get_session().get_service_model("dynamodb")
    return list(model.operation_model("CreateTable").input_shape.members)


@dataclass(frozen=True)
class StockChange:
    """One write the grader makes to the learner's table, and what the stream record must yield."""

    action: str  # "put" or "update"
    product_id: str
    stock: int

    @property
    def event_name(self) -> str:
        return "INSERT" if self.action == "put" else "MODIFY"


def stock_changes(rng: random.Random) -> list[StockChange]:
    """Writes with ids and stock levels a hard-coded answer cannot guess: zero, huge, random."""
    other_id = f"SKU-{rng.randrange(1000, 9999)}"
    random_id = f"{rng.choice('ABCDEFGH')}{rng.randrange(100, 999)}-{rng.choice(['blue', 'red', 'xl'])}"
    return [
        StockChange("put", "P123", 50),
        StockChange("put", other_id, 0),
        StockChange("update", other_id, rng.randrange(2, 400)),
        StockChange("put", random_id, 9007199254740993),  # 2**53 + 1: a float cannot hold it
        StockChange("update", "P123", 49),
    ]


@dataclass
class TableSimulation:
    accepted: bool = False
    error: str | None = None
    billing_supplied: bool = False
    description: dict = field(default_factory=dict)
    changes: list[StockChange] = field(default_factory=list)
    records: list[dict] = field(default_factory=list)


def _client(service: str):
    return boto3.client(service, region_name=REGION)


def _read_stream(stream_arn: str) -> list[dict]:
    streams = _client("dynamodbstreams")
    records = []
    for shard in streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(
            StreamArn=stream_arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        records.extend(streams.get_records(ShardIterator=iterator)["Records"])
    return records


def simulate(table_request: dict, changes: list[StockChange]) -> TableSimulation:
    """Create the table from the learner's dict, make ``changes``, and read back its stream."""
    outcome = TableSimulation(changes=changes)
    request = dict(table_request)
    if not any(key in request for key in BILLING_KEYS):
        request["BillingMode"] = "PAY_PER_REQUEST"
        outcome.billing_supplied = True
    with mock_aws():
        dynamodb = _client("dynamodb")
        try:
            outcome.description = dynamodb.create_table(**request)["TableDescription"]
        except ClientError as error:
            outcome.error = error.response.get("Error", {}).get("Message") or str(error)
            return outcome
        except (BotoCoreError, TypeError, ValueError) as error:
            outcome.error = str(error)
            return outcome
        outcome.accepted = True
        stream_arn = outcome.description.get("LatestStreamArn")
        if not stream_arn or not changes:
            return outcome
        name = outcome.description["TableName"]
        for change in changes:
            if change.action == "put":
                dynamodb.put_item(TableName=name, Item={
                    "ProductID": {"S": change.product_id},
                    "Stock": {"N": str(change.stock)},
                    "Name": {"S": f"Product {change.product_id}"},
                })
            else:
                dynamodb.update_item(
                    TableName=name,
                    Key={"ProductID": {"S": change.product_id}},
                    UpdateExpression="SET Stock = :stock",
                    ExpressionAttributeValues={":stock": {"N": str(change.stock)}},
                )
        outcome.records = _read_stream(stream_arn)
    return outcome


def as_lambda_delivers(record: dict, stream_arn: str) -> dict:
    """A stream record as AWS Lambda hands it over: with eventSourceARN and an epoch-seconds time."""
    shaped = {**record, "eventSourceARN": stream_arn, "dynamodb": dict(record["dynamodb"])}
    created = shaped["dynamodb"].get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        shaped["dynamodb"]["ApproximateCreationDateTime"] = int(created.timestamp())
    return shaped
