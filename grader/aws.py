"""The grader's own DynamoDB, simulated by moto: it builds the learner's table and reads its stream.

Only data from the learner (their request dict, their code's DynamoDB requests) comes in here; no
learner code ever runs here. Each learner process that talks to DynamoDB gets an account of its own in
this moto (grader/learner_aws.py); the grader's own tables live in moto's default account.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import importlib
import json
import os
import random
import sys
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

# Fake credentials and no account-ID endpoints (moto does not route those), before boto3 is used.
for _key, _value in {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
}.items():
    os.environ[_key] = _value
for _key in ("MOTO_ACCOUNT_ID", "AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_DYNAMODB_STREAMS"):
    os.environ.pop(_key, None)

import boto3  # noqa: E402
import botocore.session  # noqa: E402
from botocore.exceptions import BotoCoreError, ClientError  # noqa: E402
from moto import mock_aws  # noqa: E402

from .sandbox import wire  # noqa: E402

REGION = "us-east-1"
PAST_DAY = datetime(2024, 6, 1, 9, 30, tzinfo=timezone.utc)
BILLING_KEYS = ("BillingMode", "ProvisionedThroughput")


# moto is used from two threads: the checks (main thread) and the readers that answer a learner
# process's DynamoDB requests. One at a time.
MOTO_LOCK = threading.RLock()
_ACCOUNT = contextvars.ContextVar("moto_account", default=None)  # None: moto's default account, the grader's
ACCOUNT_HEADER = "x-moto-account-id"


def _to_account(request, **kwargs) -> None:
    account = _ACCOUNT.get()
    if account is not None:
        del request.headers[ACCOUNT_HEADER]
        request.headers[ACCOUNT_HEADER] = account


@contextlib.contextmanager
def dynamodb_in_account(account_id: str):
    """The grader's DynamoDB client, working in moto account ``account_id`` (a learner's) inside this
    block, with moto to itself."""
    dynamodb, _ = clients()
    with MOTO_LOCK:
        token = _ACCOUNT.set(account_id)
        try:
            yield dynamodb
        finally:
            _ACCOUNT.reset(token)


@functools.cache
def _started_clients():
    mock_aws().start()
    session = botocore.session.get_session()
    _lend_loader_to_moto(session.get_component("data_loader"))
    boto3_session = boto3.Session(botocore_session=session, region_name=REGION)
    clients = boto3_session.client("dynamodb"), boto3_session.client("dynamodbstreams")
    for client in clients:
        client.meta.events.register("before-sign", _to_account)
    return clients


# A shortcut for moto's first answer, which learners wait for on every run (issue 6; `nox -s bench`). It leaves
# moto's behaviour as it is. (moto.awslambda, which moto's first write to a table with a stream imports, is no
# longer deferred: importlib.util.LazyLoader cannot defer it, as importing a submodule reads the package's
# __path__, which loads it; a hand-made module in its place hung on how moto imports it. ~75 ms of CPU.)

def _lend_loader_to_moto(loader) -> None:
    """Fenced: the one private use of moto kept for speed (moto has no public way to share a loader), guarded
    by tests/test_moto_shortcuts.py, which checks its effect and fails if moto changes.

    moto reads each service's botocore model with a new loader of its own (moto.core.utils.create_loader),
    which first lists every service botocore knows (~400 folders) and then parses the model again (~45 ms of
    CPU before the first answer). Our session's loader has done both already, and reads the same models:
    moto has no extras of its own for DynamoDB or DynamoDB Streams (the test checks that too). Should moto
    lose create_loader, nothing is replaced: the grader still works, only slower."""
    utils = importlib.import_module("moto.core.utils")
    if callable(getattr(utils, "create_loader", None)):
        utils.create_loader = lambda *args, **kwargs: loader


def clients():
    """The grader's DynamoDB and DynamoDB Streams clients, talking to moto, which is started once and
    stays on for the life of the process (starting and stopping it for each table costs more than the
    table itself)."""
    with MOTO_LOCK:
        return _started_clients()


def _create_table_shape():
    return clients()[0].meta.service_model.operation_model("CreateTable").input_shape


@functools.cache
def create_table_parameters() -> tuple[str, ...]:
    """Every key that DynamoDB's CreateTable accepts, from botocore's own service model."""
    return tuple(_create_table_shape().members)


def disallowed_values(request: dict) -> list[tuple[str, str, list[str]]]:
    """(path, value, allowed values) for each string in ``request`` that DynamoDB's model lists choices for
    and the value is not one of them. moto checks few of these; real DynamoDB rejects them all."""
    found = []

    def walk(shape, value, path):
        if shape.type_name == "structure" and type(value) is dict:
            for key, item in value.items():
                if key in shape.members:
                    walk(shape.members[key], item, f'{path}["{key}"]')
        elif shape.type_name == "list" and type(value) is list:
            for index, item in enumerate(value):
                walk(shape.member, item, f"{path}[{index}]")
        elif shape.type_name == "string" and shape.enum and type(value) is str and value not in shape.enum:
            found.append((path, value, list(shape.enum)))

    walk(_create_table_shape(), request, "")
    return found


@dataclass(frozen=True)
class StockChange:
    """One write the grader makes to the learner's table, and what the stream record must yield."""

    action: str  # "put", "update" (the stock), "rename" (not the stock) or "delete"
    product_id: str
    stock: int  # after the change (for "delete": before it)

    @property
    def event_name(self) -> str:
        return {"put": "INSERT", "delete": "REMOVE"}.get(self.action, "MODIFY")


def stock_changes(rng: random.Random) -> list[StockChange]:
    """Writes with ids and stock levels a hard-coded answer cannot guess: zero, above 256 (past one byte and
    Python's small-int cache), one past what a float holds, a back-order (a negative stock is a valid
    DynamoDB number), ids of several shapes."""
    other_id = f"SKU-{rng.randrange(1000, 9999)}"
    random_id = f"{rng.choice('ABCDEFGH')}{rng.randrange(100, 999)}-{rng.choice(['blue', 'red', 'xl'])}"
    back_order_id = f"bo_{rng.randrange(10, 99)}{rng.choice('xyz')}"
    return [
        StockChange("put", "P123", 50),
        StockChange("put", other_id, 0),
        StockChange("update", other_id, rng.randrange(257, 5000)),
        StockChange("put", random_id, 9007199254740993),  # 2**53 + 1: a float cannot hold it
        StockChange("put", back_order_id, -rng.randrange(1, 500)),
        StockChange("update", "P123", 49),
    ]


def audit_changes(rng: random.Random) -> list[StockChange]:
    """Writes for the audit trail: stock changes, one that leaves the stock alone (then another change in
    the same batch), an insert, a removal, a back-order. The handler never sees the first: it was deployed
    after it, so its first record is a MODIFY of a product it knows nothing about but what the record says."""
    first, second = f"A{rng.randrange(100, 999)}", f"B{rng.randrange(100, 999)}"
    start = rng.randrange(10, 90)
    return [
        StockChange("put", first, start),
        StockChange("update", first, start - 3),
        StockChange("rename", first, start - 3),
        StockChange("update", first, start + rng.randrange(250, 900)),
        StockChange("put", second, 5),
        StockChange("delete", second, 5),
        StockChange("update", first, -rng.randrange(1, 40)),
    ]


@dataclass
class TableSimulation:
    accepted: bool = False
    error: str | None = None
    billing_supplied: bool = False
    description: dict = field(default_factory=dict)
    changes: list[StockChange] = field(default_factory=list)
    records: list[dict] = field(default_factory=list)


def _read_stream(streams, stream_arn: str) -> list[dict]:
    records = []
    for shard in streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(
            StreamArn=stream_arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        records.extend(streams.get_records(ShardIterator=iterator)["Records"])
    return records


# The grader's writes come from a seed: the same seed, the same data and so the same words, on any machine.
# The default is fixed; an instructor who wants data nobody has seen passes --seed.
DEFAULT_SEED = 1127
SEED = DEFAULT_SEED
STOCK_CHANGES: tuple[StockChange, ...] = ()
AUDIT_CHANGES: tuple[StockChange, ...] = ()


def use_seed(seed: int) -> None:
    """Make the grader's writes from ``seed`` (before any check runs)."""
    global SEED, STOCK_CHANGES, AUDIT_CHANGES
    SEED = seed
    STOCK_CHANGES = tuple(stock_changes(random.Random(f"{seed}:stock")))
    AUDIT_CHANGES = tuple(audit_changes(random.Random(f"{seed}:audit")))


use_seed(DEFAULT_SEED)


def simulate(table_request: dict, changes: tuple[StockChange, ...] | None = None) -> TableSimulation:
    """Create the table from the learner's dict, make ``changes`` (default: STOCK_CHANGES), read back its
    stream. The same request always gives the same outcome, so each is simulated once per process."""
    return _simulate_encoded(json.dumps(wire.encode(table_request)), STOCK_CHANGES if changes is None else changes)


def with_default_billing(request: dict) -> tuple[dict, bool]:
    """``request`` as the grader creates it: with BillingMode PAY_PER_REQUEST if it names no billing
    (and True, then, so that the learner can hear about it)."""
    if any(key in request for key in BILLING_KEYS):
        return request, False
    return {**request, "BillingMode": "PAY_PER_REQUEST"}, True


INVALID = "One or more parameter values were invalid: "


def indexes(request: dict) -> list[tuple[str, dict]]:
    """(GlobalSecondaryIndexes or LocalSecondaryIndexes, the index) for each index dict of a CreateTable request."""
    found = []
    for key in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        indexes = request.get(key)
        for index in indexes if type(indexes) is list else ():
            if type(index) is dict:
                found.append((key, index))
    return found


def real_dynamodb_refusal(request: dict) -> str | None:
    """Why real DynamoDB would reject a CreateTable request that moto accepts (moto checks less), in DynamoDB's
    words; None if there is no such reason the grader knows of."""
    billing = request.get("BillingMode", "PROVISIONED")
    stream = request.get("StreamSpecification")
    if type(stream) is dict and stream.get("StreamEnabled") is False and "StreamViewType" in stream:
        return INVALID + "StreamSpecification: stream is disabled, so StreamViewType must not be specified"
    if billing == "PAY_PER_REQUEST" and "ProvisionedThroughput" in request:
        return INVALID + "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST"
    for key, index in indexes(request):
        name = index.get("IndexName")
        projection = index.get("Projection")
        if type(projection) is dict:
            kind, extra = projection.get("ProjectionType"), projection.get("NonKeyAttributes")
            if kind == "INCLUDE" and not extra:
                return INVALID + f"ProjectionType is INCLUDE, but NonKeyAttributes is not specified (index {name})"
            if kind in ("ALL", "KEYS_ONLY") and extra is not None:
                return INVALID + f"ProjectionType is {kind}, but NonKeyAttributes is specified (index {name})"
        if key == "GlobalSecondaryIndexes":
            if billing == "PROVISIONED" and "ProvisionedThroughput" not in index:
                return INVALID + f"ProvisionedThroughput is not specified for index: {name}"
            if billing == "PAY_PER_REQUEST" and "ProvisionedThroughput" in index:
                return INVALID + f"ProvisionedThroughput should not be specified for index: {name} when BillingMode is PAY_PER_REQUEST"
    return None


def create_table(dynamodb, request: dict) -> tuple[dict, str | None]:
    """(the TableDescription, None), or ({}, why DynamoDB rejected ``request``)."""
    refusal = real_dynamodb_refusal(request) if type(request) is dict else None
    if refusal:
        return {}, refusal
    try:
        return dynamodb.create_table(**request)["TableDescription"], None
    except ClientError as error:
        return {}, error.response.get("Error", {}).get("Message") or str(error)
    except (BotoCoreError, TypeError, ValueError) as error:
        return {}, str(error)
    except KeyError as error:  # moto reads a parameter that real DynamoDB would have asked for first
        return {}, f"The request has no {error.args[0] if error.args else 'key'}, which DynamoDB needs to create a table."
    except Exception as error:  # noqa: BLE001 - moto tripped on the learner's request: theirs to hear about
        return {}, f"DynamoDB could not read this request ({type(error).__name__}: {error})."


# One account for every simulation, emptied after each (they run one at a time, under MOTO_LOCK): ARNs that
# name it read the same in every run.
SIMULATION_ACCOUNT = "300000000001"


@functools.lru_cache(maxsize=256)
def _simulate_encoded(encoded_request: str, changes: tuple[StockChange, ...]) -> TableSimulation:
    """Each simulation in a moto account of its own, forgotten afterwards: whatever the learner's table
    settings (deletion protection, say), nothing of it is left for the next run or the next learner."""
    request, billing_supplied = with_default_billing(wire.decode(json.loads(encoded_request)))
    outcome = TableSimulation(changes=list(changes), billing_supplied=billing_supplied)
    _, streams = clients()
    with dynamodb_in_account(SIMULATION_ACCOUNT) as dynamodb:
        try:
            return _create_write_and_read(request, outcome, dynamodb, streams)
        finally:
            forget_account(SIMULATION_ACCOUNT)


def forget_account(account_id: str) -> None:
    """Drop every DynamoDB table and stream of a moto account (the caller holds MOTO_LOCK). Fenced: moto has no
    public call for this, and tests/test_fresh_state.py checks its effect (it fails if moto changes).

    Not DeleteTable through the API: moto keeps every shard iterator DynamoDB Streams ever handed out, and
    no call drops them, so a deleted table's records stay readable through one and the account's backend
    holds them all. Dropping the account's backends drops its iterators too, in ~0.03 ms rather than ~8 ms.
    (Either way, moto also keeps every model object it ever makes, for its dashboard, until mock_aws stops:
    ~27 KiB a simulation, measured.)"""
    backends = sys.modules.get("moto.backends")
    if backends is None:  # nothing was ever created: moto was never loaded
        return
    for service in ("dynamodb", "dynamodbstreams"):
        backends.get_backend(service).pop(account_id, None)


def _create_write_and_read(request: dict, outcome: TableSimulation, dynamodb, streams) -> TableSimulation:
    outcome.description, outcome.error = create_table(dynamodb, request)
    if outcome.error:
        return outcome
    outcome.accepted = True
    name = outcome.description["TableName"]
    try:
        stream_arn = outcome.description.get("LatestStreamArn")
        if stream_arn:
            _write(dynamodb, name, outcome.changes)
            outcome.records = _in_the_past(_read_stream(streams, stream_arn))
    except (ClientError, BotoCoreError, KeyError, ValueError) as error:  # moto trips on odd stream settings
        outcome.error = f"{type(error).__name__}: {error}"
    return outcome


def _in_the_past(records: list[dict]) -> list[dict]:
    """The stream records stamped on a past day, seconds apart, as if the changes were made long before the
    handler runs (as a real stream's backlog is): "the time now" is never a record's time, and the same
    changes always carry the same times. The records are the grader's own copies, so no clock of moto's is
    touched."""
    return [{**record, "dynamodb": {**record["dynamodb"],
                                    "ApproximateCreationDateTime": PAST_DAY + timedelta(seconds=7 * index)}}
            for index, record in enumerate(records)]


def _write(dynamodb, name: str, changes: list[StockChange]) -> None:
    for change in changes:
        key = {"ProductID": {"S": change.product_id}}
        if change.action == "put":
            dynamodb.put_item(TableName=name, Item={
                **key, "Stock": {"N": str(change.stock)}, "Name": {"S": f"Product {change.product_id}"},
            })
        elif change.action == "update":
            dynamodb.update_item(TableName=name, Key=key, UpdateExpression="SET Stock = :stock",
                                 ExpressionAttributeValues={":stock": {"N": str(change.stock)}})
        elif change.action == "rename":
            dynamodb.update_item(TableName=name, Key=key, UpdateExpression="SET #name = :name",
                                 ExpressionAttributeNames={"#name": "Name"},
                                 ExpressionAttributeValues={":name": {"S": f"Renamed {change.product_id}"}})
        else:
            dynamodb.delete_item(TableName=name, Key=key)


def json_native(record: dict) -> dict:
    """A stream record with its time in epoch seconds, as JSON carries it (boto3 makes it a datetime): what a
    function deployed on the stream gets, so json.dumps(record) works in it."""
    shaped = {**record, "dynamodb": dict(record["dynamodb"])}
    created = shaped["dynamodb"].get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        shaped["dynamodb"]["ApproximateCreationDateTime"] = int(created.timestamp())
    return shaped


def as_lambda_delivers(record: dict, stream_arn: str) -> dict:
    """A stream record as AWS Lambda hands it over: with eventSourceARN and an epoch-seconds time."""
    return {**json_native(record), "eventSourceARN": stream_arn}
