"""Nothing one run leaves in the grader's simulated DynamoDB is seen by the next run, or the next learner:
whatever a learner's table settings are, each simulation has a moto account of its own, forgotten after."""

from __future__ import annotations

import shutil

import pytest
from botocore.exceptions import ClientError

from conftest import KIT, MANIFEST
from grader import aws
from grader.grading import grade

STEP1 = MANIFEST.step(1).file


def learner_folder(tmp_path, name: str, extra: str = ""):
    folder = tmp_path / name
    folder.mkdir()
    shutil.copyfile(KIT / "solutions" / STEP1, folder / STEP1)
    if extra:
        with (folder / STEP1).open("a", encoding="utf-8") as file:
            file.write(extra)
    return folder


def test_a_protected_table_leaves_nothing_behind_for_the_next_learner(tmp_path):
    protected = learner_folder(tmp_path, "ada", '\nproducts_table["DeletionProtectionEnabled"] = True\n')
    (first,) = grade(MANIFEST, protected, [1])
    assert first.passed, first.message  # a valid CreateTable parameter: the step is still right
    (second,) = grade(MANIFEST, learner_folder(tmp_path, "ben"), [1])
    assert second.passed and second.score == MANIFEST.step(1).points, second.message
    dynamodb, _ = aws.clients()
    with aws.MOTO_LOCK:
        assert dynamodb.list_tables()["TableNames"] == []  # the grader's own account holds nothing of theirs


def test_a_forgotten_account_holds_no_table_and_no_stream(tmp_path):
    """aws.forget_account is fenced (moto has no public call for it): this is its effect. A stream's records
    are gone too, even through a shard iterator handed out before (DeleteTable would leave them readable)."""
    account = "300999999999"
    _, streams = aws.clients()
    with aws.dynamodb_in_account(account) as dynamodb:
        stream_arn = dynamodb.create_table(
            TableName="Left", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST",
            DeletionProtectionEnabled=True, StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
        )["TableDescription"]["LatestStreamArn"]
        dynamodb.put_item(TableName="Left", Item={"k": {"S": "kept?"}})
        shard = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"][0]["ShardId"]
        iterator = streams.get_shard_iterator(StreamArn=stream_arn, ShardId=shard,
                                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        assert len(streams.get_records(ShardIterator=iterator)["Records"]) == 1

        aws.forget_account(account)

        assert dynamodb.list_tables()["TableNames"] == []
        assert streams.list_streams()["Streams"] == []
        with pytest.raises(ClientError, match="ResourceNotFound"):
            streams.describe_stream(StreamArn=stream_arn)
        try:
            records = streams.get_records(ShardIterator=iterator)["Records"]
        except Exception:  # noqa: BLE001 - moto no longer knows the iterator (it raises a KeyError of its own)
            records = []
        assert records == []
