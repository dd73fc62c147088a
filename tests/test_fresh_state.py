"""Nothing one run leaves in the grader's simulated DynamoDB is seen by the next run, or the next learner:
whatever a learner's table settings are, each simulation has a moto account of its own, forgotten after."""

from __future__ import annotations

import shutil

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


def test_a_forgotten_account_holds_no_table(tmp_path):
    account = "300999999999"
    with aws.dynamodb_in_account(account) as dynamodb:
        dynamodb.create_table(TableName="Left", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                              AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
                              BillingMode="PAY_PER_REQUEST", DeletionProtectionEnabled=True)
        aws.forget_account(account)
        assert dynamodb.list_tables()["TableNames"] == []
