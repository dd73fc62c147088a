"""The bonus step's DynamoDB: a learner run's requests are answered in an account of its own inside the
grader's moto, which neither the grader's tables nor another run can see, and which is emptied after."""

from __future__ import annotations

import base64
import json

import pytest

from conftest import KIT, MANIFEST

from grader import aws, learner_aws
from grader.steps import words
from grader.learner_aws import LearnerAccount

AUDIT = {
    "TableName": "InventoryAudit",
    "KeySchema": [{"AttributeName": "ProductID", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "ProductID", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
}


STREAMS_URL = "https://streams.dynamodb.us-east-1.amazonaws.com/"


def request(operation: str, payload: dict, *, url: str = "https://dynamodb.us-east-1.amazonaws.com/") -> dict:
    """A DynamoDB (or, at STREAMS_URL, DynamoDB Streams) request as a learner's process forwards it (see
    sandbox/child.py)."""
    target = "DynamoDBStreams_20120810" if url == STREAMS_URL else "DynamoDB_20120810"
    return {"method": "POST", "url": url,
            "headers": {"X-Amz-Target": f"{target}.{operation}",
                        "Content-Type": "application/x-amz-json-1.0"},
            "body": base64.b64encode(json.dumps(payload).encode()).decode("ascii")}


def answer_body(answer: dict) -> dict:
    return json.loads(base64.b64decode(answer["body"]) or b"{}")


@pytest.fixture
def account():
    made = LearnerAccount()
    yield made
    made.close()


def test_a_forwarded_request_is_answered_in_the_runs_own_account(account):
    created = account.serve(request("CreateTable", AUDIT))
    assert created["status"] == 200, answer_body(created)
    assert account.account_id in answer_body(created)["TableDescription"]["TableArn"]
    put = account.serve(request("PutItem", {"TableName": "InventoryAudit", "Item": {"ProductID": {"S": "P1"}}}))
    assert put["status"] == 200
    assert account.scan("InventoryAudit") == [{"ProductID": {"S": "P1"}}]


def test_requests_are_answered_by_whoever_botocore_asks_before_sending(account):
    """A learner's request reaches moto as the grader's own calls do: through botocore's before-send event,
    on the client of the service its URL names, in the run's account. DynamoDB Streams' URL works too."""
    heard = []

    def listen(event_name, request, **kwargs):
        heard.append((event_name, request.url, request.headers[aws.ACCOUNT_HEADER]))

    dynamodb, streams = aws.clients()
    for client in (dynamodb, streams):
        client.meta.events.register_first("before-send", listen)
    try:
        created = account.serve(request("CreateTable", {**AUDIT, "StreamSpecification": {
            "StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}}))
        listed = account.serve(request("ListStreams", {}, url=STREAMS_URL))
    finally:
        for client in (dynamodb, streams):
            client.meta.events.unregister("before-send", listen)
    assert created["status"] == 200 and listed["status"] == 200, (answer_body(created), answer_body(listed))
    stream_arn = answer_body(created)["TableDescription"]["LatestStreamArn"]
    assert [stream["StreamArn"] for stream in answer_body(listed)["Streams"]] == [stream_arn]
    assert heard == [
        ("before-send.dynamodb.CreateTable", "https://dynamodb.us-east-1.amazonaws.com/", account.account_id),
        ("before-send.dynamodb-streams.ListStreams", STREAMS_URL, account.account_id),
    ]


def test_a_before_send_answer_is_what_the_learner_gets(account):
    from botocore.awsrequest import AWSResponse

    class Raw:
        def stream(self, **kwargs):
            yield b'{"TableNames": ["FromTheHandler"]}'

    def answer(request, **kwargs):
        return AWSResponse(request.url, 200, {"x-amzn-requestid": "handler"}, Raw())

    dynamodb, _ = aws.clients()
    dynamodb.meta.events.register_first("before-send.dynamodb.ListTables", answer)
    try:
        answered = account.serve(request("ListTables", {}))
    finally:
        dynamodb.meta.events.unregister("before-send.dynamodb.ListTables", answer)
    assert answered["status"] == 200 and answered["headers"]["x-amzn-requestid"] == "handler"
    assert answer_body(answered) == {"TableNames": ["FromTheHandler"]}


def test_a_request_nothing_answers_tells_the_learner_so(account, monkeypatch):
    dynamodb, _ = aws.clients()
    monkeypatch.setattr(dynamodb.meta.events, "emit_until_response", lambda *args, **kwargs: (None, None))
    answer = account.serve(request("ListTables", {}))
    assert answer["status"] == 500
    assert "could not handle this request" in answer_body(answer)["message"]
    assert "no simulated service at https://dynamodb.us-east-1.amazonaws.com/" in answer_body(answer)["message"]


def test_the_grader_and_other_runs_cannot_see_a_runs_tables(account):
    other = LearnerAccount()
    try:
        assert account.create_table(AUDIT) is None
        assert "InventoryAudit" not in aws.clients()[0].list_tables()["TableNames"]
        listed = answer_body(other.serve(request("ListTables", {})))
        assert listed["TableNames"] == []
        assert other.scan("InventoryAudit") == []  # no such table there
    finally:
        other.close()


def test_a_learner_cannot_choose_another_account(account):
    forged = request("ListTables", {})
    forged["headers"]["X-Moto-Account-Id"] = "123456789012"
    aws.simulate(AUDIT, ())  # the grader's own account has had tables
    assert account.create_table(AUDIT) is None
    assert answer_body(account.serve(forged))["TableNames"] == ["InventoryAudit"]


def test_closing_the_account_forgets_its_tables():
    account = LearnerAccount()
    assert account.create_table(AUDIT) is None
    account.close()
    reopened = LearnerAccount()
    reopened.account_id = account.account_id
    try:
        assert answer_body(reopened.serve(request("ListTables", {})))["TableNames"] == []
    finally:
        reopened.close()


def test_a_request_served_after_the_account_is_closed_reaches_nothing():
    """A run's reader may still hold requests its learner's process left in the pipe when the run is closed; the
    account's number goes to the next run, which must not find the tables and items those requests make."""
    account = LearnerAccount()
    account.close()
    late = account.serve(request("CreateTable", AUDIT))
    assert late["status"] >= 400
    following = LearnerAccount()
    try:
        assert following.account_id == account.account_id, "the next run does not take the number: this proves nothing"
        assert answer_body(following.serve(request("ListTables", {})))["TableNames"] == []
    finally:
        following.close()


def test_a_rejected_table_says_why(account):
    assert "ReadCapacityUnits" in account.create_table({k: v for k, v in AUDIT.items() if k != "BillingMode"})


@pytest.mark.parametrize("url, words", [
    ("https://s3.amazonaws.com/", "simulates only DynamoDB"),
    ("https://dynamodb.us-east-1.amazonaws.com.evil.example/", "simulates only DynamoDB"),
])
def test_only_dynamodb_is_served(account, url, words):
    answer = account.serve(request("ListTables", {}, url=url))
    assert answer["status"] == 400
    assert words in answer_body(answer)["message"]


def test_a_garbled_request_is_refused_not_raised(account):
    answer = account.serve({"method": "POST", "url": 5, "body": "not base64 !"})
    assert answer["status"] == 400
    assert "could not read" in answer_body(answer)["message"]


def test_a_run_gets_a_bounded_number_of_requests(account):
    account.requests = learner_aws.MAX_REQUESTS
    answer = account.serve(request("ListTables", {}))
    assert answer["status"] == 400
    assert "more than 2,000 DynamoDB requests" in answer_body(answer)["message"]


def test_a_huge_request_is_refused(account):
    item = {"ProductID": {"S": "P1"}, "Note": {"S": "x" * (learner_aws.MAX_BODY_BYTES + 1)}}
    answer = account.serve(request("PutItem", {"TableName": "InventoryAudit", "Item": item}))
    assert answer["status"] == 413
    assert "larger than 1,024 KB" in answer_body(answer)["message"]


def test_a_file_that_creates_the_audit_table_itself_passes_with_a_tip(grade_source):
    # As the corpus answer does, but one that a second container's import survives (its table exists by then).
    source = (KIT / "tests" / "corpus" / "wrong" / "step5_creates_its_table_at_import.py").read_text(encoding="utf-8")
    creates = 'audit = boto3.resource("dynamodb").create_table(**audit_table)'
    assert creates in source
    source = source.replace(creates, "try:\n    " + creates + "\nexcept Exception:\n"
                            '    audit = boto3.resource("dynamodb").Table(audit_table["TableName"])')
    result = grade_source(MANIFEST.by_slug("audit-trail").number, source)
    assert result.status == "passed", result.message
    assert words.TIP_AUDIT_TABLE_CREATED_BY_YOUR_CODE in result.tips


def test_a_run_sends_a_bounded_amount_of_data(account):
    account.bytes_received = learner_aws.MAX_TOTAL_BYTES - 10
    answer = account.serve(request("PutItem", {"TableName": "InventoryAudit", "Item": {"ProductID": {"S": "P1"}}}))
    assert answer["status"] == 400
    assert "more than 8 MB to DynamoDB" in answer_body(answer)["message"]


def test_an_expression_longer_than_dynamodb_allows_is_refused_before_moto_parses_it(account):
    account.serve(request("CreateTable", AUDIT))
    long_filter = " OR ".join(["ProductID = :a"] * 400)  # ~6,000 characters: moto's parser takes their square
    answer = account.serve(request("Scan", {"TableName": "InventoryAudit", "FilterExpression": long_filter,
                                            "ExpressionAttributeValues": {":a": {"S": "x"}}}))
    assert answer["status"] == 400
    assert "Expression size has exceeded" in answer_body(answer)["message"]
    short = account.serve(request("Scan", {"TableName": "InventoryAudit", "FilterExpression": "ProductID = :a",
                                           "ExpressionAttributeValues": {":a": {"S": "x"}}}))
    assert short["status"] == 200
