"""Any value of any type, in any field of a learner's answer, gets a learner-facing message: never a grader fault.

Hypothesis builds the answers: a right answer with one of its parts replaced by a value of any type the learner's
process can send back (wire.decode's types, an object of the learner's own class, a function), or removed.
Each step's checks run on them in this process, as the grader runs them, through a stand-in for the learner's
run; the DynamoDB checks use the grader's real moto. A check may pass or raise CheckFailed / RunProblem; any
other exception is the grader blaming itself for the learner's mistake.
"""

from __future__ import annotations

import copy
import datetime
import decimal
import inspect
from pathlib import Path

import pytest
from conftest import MANIFEST
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grader.failures import CheckFailed, RunProblem
from grader.sandbox.wire import FunctionInfo, Opaque
from grader.steps.audit_trail import checks as audit_checks
from grader.steps.create_table import checks as table_checks
from grader.steps.enable_streams import checks as stream_checks
from grader.steps.process_event import checks as process_event_checks
from grader.steps.simulate_event import checks as sample_checks

hashable = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8), st.floats(allow_nan=False),
                     st.sampled_from(["TableName", "S", "N", "HASH", "ProductID", "dynamodb", "NewImage"]))
leaves = st.one_of(
    hashable, st.floats(), st.decimals(allow_nan=False, places=2), st.binary(max_size=8),
    st.datetimes(max_value=datetime.datetime(2100, 1, 1)),
    st.builds(Opaque, st.sampled_from(["Answer", "MyDict", "generator"]), st.text(max_size=10),
              st.sampled_from([None, "tuple", "dict", "str", "int"])),
    st.builds(FunctionInfo, st.sampled_from(["process_event", "f"]), st.just([])),
)
values = st.recursive(leaves, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.lists(inner, max_size=3).map(tuple),
    st.dictionaries(hashable, inner, max_size=3), st.frozensets(hashable, max_size=3)), max_leaves=8)
REMOVED = object()

PRODUCTS_TABLE = {
    "TableName": "Products",
    "KeySchema": [{"AttributeName": "ProductID", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "ProductID", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
    "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
}
AUDIT_TABLE = {
    "TableName": "InventoryAudit",
    "KeySchema": [{"AttributeName": "ProductID", "KeyType": "HASH"},
                  {"AttributeName": "SequenceNumber", "KeyType": "RANGE"}],
    "AttributeDefinitions": [{"AttributeName": "ProductID", "AttributeType": "S"},
                             {"AttributeName": "SequenceNumber", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
}
SAMPLE_RECORD = {"dynamodb": {"NewImage": {"ProductID": {"S": "P123"}, "Stock": {"N": "50"}}}}


def _paths(value, prefix=()):
    yield prefix
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in children:
        yield from _paths(child, (*prefix, key))


def _replaced(right, path, new):
    """``right`` with the part at ``path`` replaced by ``new`` (or removed, for REMOVED)."""
    if not path:
        return new
    answer = copy.deepcopy(right)
    parent = answer
    for key in path[:-1]:
        parent = parent[key]
    if new is REMOVED:
        del parent[path[-1]]
    else:
        parent[path[-1]] = new
    return answer


def mutated(right):
    paths = list(_paths(right))
    return st.builds(lambda path, new: _replaced(right, path, new), st.sampled_from(paths),
                     st.one_of(values, st.just(REMOVED))).filter(lambda answer: answer is not REMOVED)


def function(name, *parameters):
    return FunctionInfo(name, [{"name": p, "kind": "POSITIONAL_OR_KEYWORD", "has_default": False} for p in parameters])


class StandInRun:
    """What a check asks of a learner's run, answered from values made up by the test."""

    def __init__(self, step_slug: str, variables: dict, answers=None, items=None):
        self.step = MANIFEST.by_slug(step_slug)
        self.display = f"steps/{self.step.file}"
        self.file = Path("/nonexistent") / self.step.file
        self.variables = variables
        self.answers = answers  # what each call of the learner's function gives back
        self.memo: dict = {}
        self.tips: list[str] = []
        self.aws = StandInAccount(items) if items is not None else None

    def value(self, name):
        if name not in self.variables:
            raise CheckFailed(self.display, f"The file does not define {name}.")
        return self.variables[name]

    def where(self, name):
        return f"{self.display}, {name}"

    def tip(self, text):
        self.tips.append(text)

    def call(self, function_name, argument_lists, *, lambda_context=False):
        return [self.answers for _ in argument_lists]

    def prefetch(self, requests):
        pass

    def cold_start(self):
        """A new process of the same file: here, the same made-up answers."""
        return self


class StandInAccount:
    def __init__(self, items):
        self.items = items

    def create_table(self, request):
        return None

    def has_table(self, table):
        return False

    def scan(self, table):
        return self.items


def run_every_check(module, run):
    for name, check in inspect.getmembers(module, inspect.isfunction):
        if not name.startswith("test_") or check.__module__ != module.__name__:
            continue
        try:
            check(run)
        except (CheckFailed, RunProblem) as failure:
            assert failure.text if isinstance(failure, CheckFailed) else failure.text.strip()
        # Anything else propagates: the grader would call it its own fault.


EXAMPLES = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@EXAMPLES
@given(mutated(PRODUCTS_TABLE))
def test_any_products_table(products_table):
    run_every_check(table_checks, StandInRun("create-table", {"products_table": products_table}))
    run_every_check(stream_checks, StandInRun("enable-streams", {"products_table": products_table,
                                                                 "stream_arn": "x"}))


@EXAMPLES
@given(values)
def test_any_stream_arn(stream_arn):
    run_every_check(stream_checks, StandInRun("enable-streams", {"products_table": PRODUCTS_TABLE,
                                                                 "stream_arn": stream_arn}))


answers = st.one_of(st.builds(lambda value: {"returned": value}, values),
                    st.builds(lambda text: {"exception": "ValueError", "text": text}, st.text(max_size=20)))


@EXAMPLES
@given(st.one_of(values, st.just(function("process_event", "record")),
                 st.builds(lambda names: function("process_event", *names), st.lists(st.text(max_size=5),
                                                                                     max_size=3))),
       answers)
def test_any_process_event(process_event, answer):
    variables = {"products_table": PRODUCTS_TABLE, "process_event": process_event}
    run_every_check(process_event_checks, StandInRun("process-event", variables, answer))


@EXAMPLES
@given(mutated(SAMPLE_RECORD), values, answers)
def test_any_sample_record_and_result(sample_record, result, answer):
    variables = {"products_table": PRODUCTS_TABLE, "process_event": function("process_event", "record"),
                 "sample_record": sample_record, "result": result}
    run_every_check(sample_checks, StandInRun("simulate-event", variables, answer))


attribute = st.one_of(st.builds(lambda text: {"S": text}, st.text(max_size=6)),
                      st.builds(lambda number: {"N": str(number)}, st.integers()),
                      st.builds(lambda flag: {"BOOL": flag}, st.booleans()), st.just({"NULL": True}))
items = st.lists(st.dictionaries(st.sampled_from(["ProductID", "SequenceNumber", "OldStock", "NewStock", "Delta",
                                                  "EventName", "ApproximateCreationDateTime", "Other"]),
                                 attribute, max_size=8), max_size=6)


@EXAMPLES
@given(mutated(AUDIT_TABLE), st.one_of(values, st.just(function("handle_batch", "event", "context"))),
       st.one_of(st.just({"returned": None}), answers), items)
def test_any_audit_table_and_handler(audit_table, handle_batch, answer, written):
    variables = {"products_table": PRODUCTS_TABLE, "audit_table": audit_table, "handle_batch": handle_batch}
    run_every_check(audit_checks, StandInRun("audit-trail", variables, answer, written))


@pytest.mark.parametrize("view_type", [["NEW_AND_OLD_IMAGES"], {"NEW_AND_OLD_IMAGES": True}, {1, 2}])
def test_a_view_type_of_the_wrong_kind_is_the_learners_mistake(view_type):
    table = _replaced(PRODUCTS_TABLE, ("StreamSpecification", "StreamViewType"), view_type)
    run = StandInRun("enable-streams", {"products_table": table})
    with pytest.raises(CheckFailed, match="is not a stream view type"):
        stream_checks.test_stream_view_type_is_new_and_old_images(run)


def test_a_learners_own_missing_text_is_not_missing():
    table = _replaced(PRODUCTS_TABLE, ("StreamSpecification", "StreamEnabled"), "(missing)")
    run = StandInRun("enable-streams", {"products_table": table})
    with pytest.raises(CheckFailed) as failure:
        stream_checks.test_stream_is_enabled(run)
    assert "without quotes" in failure.value.explanation and "has no StreamEnabled" not in failure.value.explanation
    assert decimal.Decimal("1")  # the module's strategies use decimal values too
