"""The learner's answers, fetched and shape-checked once for every check that builds on them.

Each accessor either returns the part of the answer a check needs or raises ``CheckFailed`` saying
what is wrong with it, so a later check never trips over an earlier mistake with a grader error.
"""

from __future__ import annotations

from dataclasses import dataclass

from grader import aws
from grader.failures import CheckFailed, RunProblem
from grader.sandbox.wire import FunctionInfo
from grader.steprun import StepRun
from grader.steps import words
from grader.values import describe, show

STREAM_ARN = "arn:aws:dynamodb:region:account-id:table/Products/stream/2024-06-01T00:00:00.000"


def _expect_type(run: StepRun, where: str, value, kind: type, example: str):
    if type(value) is not kind:
        raise CheckFailed(run.where(where), words.wrong_type(where, kind, value),
                          expected=f"{'an' if kind.__name__[0] in 'aeiou' else 'a'} {kind.__name__}, like {example}",
                          found=describe(value))
    return value


TABLE_EXAMPLES = {"products_table": '{"TableName": "Products", ...}', "audit_table": '{"TableName": "InventoryAudit", ...}'}


def request_dict(run: StepRun, variable: str = "products_table") -> dict:
    """A CreateTable request the learner wrote (products_table, or audit_table in the bonus step)."""
    return _expect_type(run, variable, run.value(variable), dict, TABLE_EXAMPLES[variable])


def products_table(run: StepRun) -> dict:
    return request_dict(run, "products_table")


def table_key(run: StepRun, key: str, kind: type, example: str, variable: str = "products_table"):
    """products_table[key] (or another request's), which must be present and of type ``kind``."""
    table = request_dict(run, variable)
    if key not in table:
        unknown = [k for k in table if isinstance(k, str) and k not in aws.create_table_parameters()
                   and k not in ("StreamEnabled", "StreamViewType")]
        raise CheckFailed(run.where(variable), words.missing_key(variable, key, table, unknown),
                          expected=f'a key "{key}"', found=f"the keys {show(list(table))}")
    return _expect_type(run, f'{variable}["{key}"]', table[key], kind, example)


def list_of_dicts(run: StepRun, key: str, example: str, variable: str = "products_table") -> list[dict]:
    items = table_key(run, key, list, example, variable)
    for index, item in enumerate(items):
        _expect_type(run, f'{variable}["{key}"][{index}]', item, dict, example[1:-1])
    return items


def index_attributes(table: dict) -> set[str]:
    """The attributes the table's secondary indexes are keyed on: AttributeDefinitions declares those too."""
    names = set()
    for _, index in aws.indexes(table):
        schema = index.get("KeySchema")
        for entry in schema if isinstance(schema, list) else ():
            if isinstance(entry, dict) and isinstance(entry.get("AttributeName"), str):
                names.add(entry["AttributeName"])
    return names


def stream_specification(run: StepRun) -> dict:
    return table_key(run, "StreamSpecification", dict,
                     '{"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}')


def table_simulation(run: StepRun) -> aws.TableSimulation:
    """The learner's table created in moto, with the grader's stock changes made and its stream read."""
    return aws.simulate(products_table(run))


def function(run: StepRun, name: str, signature: str) -> FunctionInfo:
    value = run.value(name)
    if not isinstance(value, FunctionInfo):
        raise CheckFailed(run.where(name), words.not_a_function(name, signature),
                          expected=f"a function: def {name}({signature}): ...", found=describe(value))
    return value


def signature(function: FunctionInfo) -> str:
    """How the learner wrote the function's first line, from its parameters: def f(a, /, b=..., *args, c, **kw):"""
    parts: list[str] = []
    kinds = [param["kind"] for param in function.params]
    for index, param in enumerate(function.params):
        kind = param["kind"]
        if kind == "KEYWORD_ONLY" and "VAR_POSITIONAL" not in kinds and "KEYWORD_ONLY" not in kinds[:index]:
            parts.append("*")
        prefix = {"VAR_POSITIONAL": "*", "VAR_KEYWORD": "**"}.get(kind, "")
        parts.append(prefix + param["name"] + ("=..." if param["has_default"] else ""))
        if kind == "POSITIONAL_ONLY" and kinds[index + 1:index + 2] != ["POSITIONAL_ONLY"]:
            parts.append("/")
    return f"def {function.name}({', '.join(parts)}):"


def process_event(run: StepRun) -> FunctionInfo:
    return function(run, "process_event", "record")


def _process_event_calls(records: list[dict]) -> tuple[str, list[list]]:
    return "process_event", [[record] for record in records]


def _stream_records(run: StepRun) -> tuple[aws.TableSimulation, list[dict]]:
    """The grader's stock changes on the learner's table, and the records process_event is called with:
    each from the stream, plus the last again as AWS Lambda delivers it."""
    process_event(run)
    simulation = table_simulation(run)
    if not simulation.accepted or not simulation.records:
        raise CheckFailed(run.where("products_table"), words.NO_RECORDS_FOR_PROCESS_EVENT)
    records = simulation.records
    if len(records) != len(simulation.changes):
        raise RuntimeError(f"{len(simulation.changes)} writes gave {len(records)} stream records")
    # JSON-native, as a deployed function gets them (json.dumps(record) works); the last has Lambda's extras too.
    return simulation, [aws.json_native(record) for record in records] + [
        aws.as_lambda_delivers(records[-1], simulation.description["LatestStreamArn"])]


def stream_cases(run: StepRun) -> list[tuple[aws.StockChange, dict, dict]]:
    """(change, record, answer) for every record of the grader's changes, plus one shaped as Lambda sends it."""
    simulation, records = _stream_records(run)
    answers = run.call(*_process_event_calls(records))
    changes = simulation.changes + [simulation.changes[-1]]
    return list(zip(changes, records, answers))


# --- the bonus step: the audit trail -----------------------------------------------------------------

@dataclass
class AuditRow:
    """An item the learner's handler must write, from one of the grader's changes and its stream record."""

    product_id: str
    sequence_number: str
    old_stock: int
    new_stock: int
    event_name: str
    time: int

    @property
    def key(self) -> tuple[str, str]:
        return self.product_id, self.sequence_number


@dataclass
class AuditDelivery:
    """What the learner's handle_batch made of the grader's batches, read back from DynamoDB."""

    rows: list[AuditRow]  # expected, one per stock change
    skipped: AuditRow  # the change that left the stock alone: no item for it
    batches: list[list[dict]]
    answers: list[dict]  # one per delivery: {"returned": ...} or {"exception": ..., "text": ...}
    first_items: list[dict]  # the audit table after every batch was delivered once
    again_items: list[dict]  # ... and after one batch was delivered a second time


def _expected_rows(changes, records) -> list[AuditRow]:
    stock: dict[str, int] = {}
    rows = []
    for change, record in zip(changes, records):
        before = stock.get(change.product_id, 0)
        after = 0 if change.action == "delete" else change.stock
        stock[change.product_id] = after
        rows.append(AuditRow(change.product_id, record["dynamodb"]["SequenceNumber"], before, after,
                             change.event_name, record["dynamodb"]["ApproximateCreationDateTime"]))
    return rows


@dataclass
class _AuditPlan:
    rows: list[AuditRow]
    batches: list[list[dict]]
    table_request: dict  # the learner's audit_table, as the grader creates it

    @property
    def deliveries(self) -> list[list]:
        """handle_batch's arguments (its event; the context is added), every batch once."""
        return [[{"Records": batch}] for batch in self.batches]

    @property
    def redelivery(self) -> list[list]:
        """The second batch again, as a stream may deliver it."""
        return [[{"Records": self.batches[1]}]]

    @property
    def table_name(self):
        return self.table_request.get("TableName")


def _audit_plan(run: StepRun) -> _AuditPlan:
    function(run, "handle_batch", "event, context")
    simulation = aws.simulate(products_table(run), aws.AUDIT_CHANGES)
    if not simulation.accepted or len(simulation.records) != len(aws.AUDIT_CHANGES):
        raise CheckFailed(run.where("products_table"), words.NO_RECORDS_FOR_HANDLER)
    request, _ = aws.with_default_billing(request_dict(run, "audit_table"))
    arn = simulation.description["LatestStreamArn"]
    records = [aws.as_lambda_delivers(record, arn) for record in simulation.records]
    # The handler starts after the first change (so only OldImage can tell it the old stock), and gets
    # the rest in three batches; the second comes again after the third.
    return _AuditPlan(rows=_expected_rows(aws.AUDIT_CHANGES, records),
                      batches=[records[1:4], records[4:6], records[6:]], table_request=request)


def _audit_plan_with_its_table(run: StepRun) -> _AuditPlan:
    """The run's audit plan, its table created in the run's own account: both worked out once."""
    if "audit_plan" not in run.memo:
        plan = _audit_plan(run)
        error = run.aws.create_table(plan.table_request)
        if error and isinstance(plan.table_name, str) and run.aws.has_table(plan.table_name):
            run.tip(words.TIP_AUDIT_TABLE_CREATED_BY_YOUR_CODE)  # at import: the handler can use it
            error = None
        run.memo["audit_plan"] = plan, error
    plan, error = run.memo["audit_plan"]
    if error:
        raise CheckFailed(run.where("audit_table"), words.create_table_rejected(error))
    return plan


def audit_delivery(run: StepRun) -> AuditDelivery:
    """Create the learner's audit table in their run's own DynamoDB account, deliver the grader's batches
    to handle_batch (one of them twice, as streams may), and read the table back. Done once per run."""
    if "audit" in run.memo:
        return run.memo["audit"]
    plan = _audit_plan_with_its_table(run)
    answers = run.call("handle_batch", plan.deliveries, lambda_context=True)
    first = run.aws.scan(plan.table_name)
    try:  # to a new process of the file, as Lambda may deliver a batch again to a new container
        answers = answers + run.cold_start().call("handle_batch", plan.redelivery, lambda_context=True)
    except RunProblem as problem:  # its import failed (a table it creates exists now, say): the learner hears it
        answers = answers + [{"exception": {}, "text": problem.text}]
    again = run.aws.scan(plan.table_name)
    rows = plan.rows
    skipped = next(row for row, change in zip(rows, aws.AUDIT_CHANGES) if change.action == "rename")
    delivery = AuditDelivery([row for row in rows[1:] if row is not skipped], skipped, plan.batches, answers,
                             first, again)
    run.memo["audit"] = delivery
    return delivery


def prefetch(run: StepRun) -> None:
    """Send the learner's process the calls its step will ask of it (process_event's records; for the audit
    trail, its table created first, every batch once) so that it works while the grader checks other
    things. Best effort: what cannot be sent now, the checks meet the reason for in their own order."""
    requests = []
    try:
        _, records = _stream_records(run)
        requests.append((*_process_event_calls(records), False))
        if run.step.simulated_aws:
            plan = _audit_plan_with_its_table(run)
            requests.append(("handle_batch", plan.deliveries, True))
    except (CheckFailed, RunProblem):
        pass
    try:
        if requests:
            run.prefetch(requests)
    except (CheckFailed, RunProblem):  # the file stopped with an error: its own checks say so, not the one running
        pass
