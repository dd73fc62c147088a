"""The learner's own DynamoDB, inside the grader's moto, for steps whose code talks to DynamoDB
(``simulated_aws`` in the manifest).

The learner's process imports no moto: its botocore hands each request to the grader over the channel
(sandbox/child.py), and ``LearnerAccount.serve`` answers it from the grader's moto, in an account of the
learner's own, so their code can touch neither the grader's tables nor another learner's. The grader
reads the learner's tables here too, out of reach of their code.

Nothing here imports boto3 or moto until a request comes: learner processes start before that.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import threading

from . import messages

SERVED_URL = re.compile(r"https://(streams\.)?dynamodb\.([a-z0-9-]+)\.amazonaws\.com(/|$)")
# Per run of a learner's file: what it sends is kept in the grader's memory, so it must stay small.
MAX_REQUESTS = 2000
MAX_BODY_BYTES = 1024 * 1024  # one request; DynamoDB's own limits are lower (an item is at most 400 KB)
MAX_TOTAL_BYTES = 8 * 1024 * 1024  # all requests together; the audit trail needs a few KB
MAX_EXPRESSION_CHARACTERS = 4096  # DynamoDB's own limit for any expression string
# moto's default account, the grader's, is 123456789012. A run takes the lowest account no other run holds,
# so the ARNs a learner may see read the same in every run.
_accounts_in_use: set[int] = set()
_accounts_lock = threading.Lock()


def _take_account() -> int:
    with _accounts_lock:
        number = next(n for n in itertools.count(200_000_000_001) if n not in _accounts_in_use)
        _accounts_in_use.add(number)
        return number


def _longest_expression(body: bytes) -> int:
    """The length of the longest "...Expression" string anywhere in a JSON request body (0 if none)."""
    try:
        data = json.loads(body or b"{}")
    except (ValueError, RecursionError):
        return 0
    longest, pending = 0, [data]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str) and key.endswith("Expression") and isinstance(item, str):
                    longest = max(longest, len(item))
                pending.append(item)
        elif isinstance(value, list):
            pending.extend(value)
    return longest


def _refusal(status: int, kind: str, message: str, *, as_json: bool = True) -> dict:
    """An error answer that botocore turns into a ClientError with ``message`` for the learner: in JSON for
    DynamoDB (and the other JSON services), in XML for the services that speak XML (S3, SQS, ...)."""
    if as_json:
        body, content_type = json.dumps({"__type": f"com.amazonaws.dynamodb.v20120810#{kind}", "message": message}), \
            "application/x-amz-json-1.0"
    else:
        from xml.sax.saxutils import escape  # rarely needed, and ~20 ms to import on the way to the first check

        body, content_type = (f"<ErrorResponse><Error><Code>{kind}</Code><Message>{escape(message)}</Message></Error>"
                              "<RequestId>grader</RequestId></ErrorResponse>"), "text/xml"
    return {"status": status, "headers": {"content-type": content_type, "x-amzn-requestid": "grader"},
            "body": base64.b64encode(body.encode()).decode("ascii")}


def _speaks_json(headers: dict) -> bool:
    names = {str(key).lower(): str(value) for key, value in headers.items()}
    return "x-amz-target" in names or "json" in names.get("content-type", "")


def _send_event(client, headers) -> str:
    """The event botocore's endpoint emits just before it sends a request: before-send.<service>.<operation>
    (the operation from X-Amz-Target if the service has it; else the service's name alone, which the same
    handlers hear)."""
    model = client.meta.service_model
    event = f"before-send.{model.service_id.hyphenize()}"
    operation = str(headers.get("X-Amz-Target", "")).rpartition(".")[2]
    return f"{event}.{operation}" if operation in model.operation_names else event


class LearnerAccount:
    """One run's account in the grader's moto: forwarded requests are answered in it, and it is emptied
    when the run is over."""

    def __init__(self):
        self._number = _take_account()
        self.account_id = f"{self._number:012d}"
        self.requests = 0
        self.bytes_received = 0
        self._closed = False  # given back: its number may be another run's now, so nothing is answered in it

    def serve(self, request: dict) -> dict:
        """Answer one forwarded botocore request {"method", "url", "headers", "body" (base64)} with
        {"status", "headers", "body" (base64)}. Never raises: a reader thread calls this."""
        self.requests += 1
        try:
            body = base64.b64decode(request["body"], validate=True)
            url, method, headers = str(request["url"]), str(request["method"]), dict(request["headers"])
        except (KeyError, TypeError, ValueError):
            return _refusal(400, "ValidationException", messages.AWS_REQUEST_GARBLED)
        if not SERVED_URL.match(url):
            return _refusal(400, "ServiceNotSimulated", messages.aws_service_not_simulated(url),
                            as_json=_speaks_json(headers))
        from . import aws  # loaded already: the grader's moto answers these requests

        region = SERVED_URL.match(url).group(2)
        if region != aws.REGION:  # the learner's tables live where the function runs, as in Lambda
            return _refusal(400, "RegionNotSimulated", messages.aws_other_region(region, aws.REGION))
        if self.requests > MAX_REQUESTS:
            return _refusal(400, "LimitExceededException", messages.aws_too_many_requests(MAX_REQUESTS))
        if len(body) > MAX_BODY_BYTES:
            return _refusal(413, "ValidationException", messages.aws_request_too_big(MAX_BODY_BYTES))
        self.bytes_received += len(body)
        if self.bytes_received > MAX_TOTAL_BYTES:
            return _refusal(400, "LimitExceededException", messages.aws_too_much_data(MAX_TOTAL_BYTES))
        if _longest_expression(body) > MAX_EXPRESSION_CHARACTERS:  # moto's parser slows down with their square
            return _refusal(400, "ValidationException", messages.AWS_EXPRESSION_TOO_LONG)
        try:
            status, answer_headers, answer_body = self._moto_answer(method, url, headers, body)
        except Exception as error:  # noqa: BLE001 - moto tripped on an odd request: the learner hears why
            return _refusal(500, "InternalServerError", messages.aws_simulator_failed(error))
        if isinstance(answer_body, str):
            answer_body = answer_body.encode("utf-8")
        return {"status": int(status), "headers": {str(k): str(v) for k, v in dict(answer_headers).items()},
                "body": base64.b64encode(answer_body or b"").decode("ascii")}

    def _moto_answer(self, method: str, url: str, headers: dict, body: bytes):
        """(status, headers, body) for one request, from moto through botocore's documented last step before
        the network: the ``before-send`` event, emitted on the grader's own client for the service the URL
        names. moto answers it as it answers the grader's own calls: importing moto adds its handler for
        ``before-send`` to every botocore session made afterwards (the grader's clients' too), and
        mock_aws().start() switches it on. What answers is whoever botocore itself would ask."""
        from botocore.awsrequest import AWSPreparedRequest, HeadersDict

        from . import aws

        prepared_headers = HeadersDict()  # as botocore's own prepared requests have them: case-insensitive
        for key, value in headers.items():
            if str(key).lower() != aws.ACCOUNT_HEADER:
                prepared_headers[str(key)] = str(value)
        prepared_headers[aws.ACCOUNT_HEADER] = self.account_id
        prepared = AWSPreparedRequest(method, url, prepared_headers, body, stream_output=False)
        with aws.MOTO_LOCK:
            if self._closed:  # a request read after the run ended: it must not reach the account's next holder
                raise RuntimeError("the run is over")
            dynamodb, streams = aws.clients()  # moto is started
            client = streams if SERVED_URL.match(url).group(1) else dynamodb
            _, response = client.meta.events.emit_until_response(_send_event(client, prepared_headers),
                                                                  request=prepared)
        if response is None:
            raise ValueError(f"no simulated service at {url}")
        return response.status_code, response.headers, response.content

    def create_table(self, request: dict) -> str | None:
        """Create a table in this account from a learner's CreateTable request; None, or why it failed."""
        from . import aws

        with aws.dynamodb_in_account(self.account_id) as dynamodb:
            return aws.create_table(dynamodb, request)[1]

    def has_table(self, table: str) -> bool:
        """True if this account holds ``table`` (the learner's code may have created it)."""
        from . import aws

        with aws.dynamodb_in_account(self.account_id) as dynamodb:
            return table in dynamodb.list_tables()["TableNames"]

    def scan(self, table: str) -> list[dict]:
        """Every item of this account's ``table``, as DynamoDB's JSON has them ({"S": ...}, {"N": ...})."""
        from botocore.exceptions import ClientError

        from . import aws

        items = []
        try:
            with aws.dynamodb_in_account(self.account_id) as dynamodb:
                for page in dynamodb.get_paginator("scan").paginate(TableName=table):
                    items.extend(page["Items"])
        except ClientError:  # the learner's code deleted its table: it holds nothing
            return []
        return items

    def close(self) -> None:
        """Forget this account's tables (a class is graded in long-lived worker processes)."""
        from . import aws

        with aws.MOTO_LOCK:
            self._closed = True
            aws.forget_account(self.account_id)
        with _accounts_lock:
            _accounts_in_use.discard(self._number)
