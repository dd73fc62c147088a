"""The learner's answers, fetched and shape-checked once for every check that builds on them.

Each accessor either returns the part of the answer a check needs or raises ``CheckFailed`` saying
what is wrong with it, so a later check never trips over an earlier mistake with a grader error.
"""

from __future__ import annotations

from grader import aws, messages
from grader.failures import CheckFailed
from grader.sandbox.wire import FunctionInfo
from grader.steprun import StepRun
from grader.values import describe, show

STREAM_ARN = "arn:aws:dynamodb:region:account-id:table/Products/stream/2024-06-01T00:00:00.000"


def _expect_type(run: StepRun, where: str, value, kind: type, example: str):
    if type(value) is not kind:
        raise CheckFailed(run.where(where), messages.wrong_type(where, kind, value),
                          expected=f"{'an' if kind.__name__[0] in 'aeiou' else 'a'} {kind.__name__}, like {example}",
                          found=describe(value))
    return value


def products_table(run: StepRun) -> dict:
    table = run.value("products_table")
    return _expect_type(run, "products_table", table, dict, '{"TableName": "Products", ...}')


def table_key(run: StepRun, key: str, kind: type, example: str):
    """products_table[key], which must be present and of type ``kind``."""
    table = products_table(run)
    if key not in table:
        unknown = [k for k in table if isinstance(k, str) and k not in aws.create_table_parameters()
                   and k not in ("StreamEnabled", "StreamViewType")]
        raise CheckFailed(run.where("products_table"), messages.missing_key("products_table", key, table, unknown),
                          expected=f'a key "{key}"', found=f"the keys {show(list(table))}")
    return _expect_type(run, f'products_table["{key}"]', table[key], kind, example)


def list_of_dicts(run: StepRun, key: str, example: str) -> list[dict]:
    items = table_key(run, key, list, example)
    for index, item in enumerate(items):
        _expect_type(run, f'products_table["{key}"][{index}]', item, dict, example[1:-1])
    return items


def stream_specification(run: StepRun) -> dict:
    return table_key(run, "StreamSpecification", dict,
                     '{"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}')


def table_simulation(run: StepRun) -> aws.TableSimulation:
    """The learner's table created in moto, with the grader's stock changes made and its stream read."""
    return aws.simulate(products_table(run))


def process_event(run: StepRun) -> FunctionInfo:
    function = run.value("process_event")
    if not isinstance(function, FunctionInfo):
        raise CheckFailed(run.where("process_event"), messages.NOT_A_FUNCTION,
                          expected="a function: def process_event(record): ...",
                          found=describe(function))
    return function


def stream_cases(run: StepRun) -> list[tuple[aws.StockChange, dict, dict]]:
    """(change, record, answer) for every record of the grader's changes, plus one shaped as Lambda sends it."""
    process_event(run)
    simulation = table_simulation(run)
    if not simulation.accepted or not simulation.records:
        raise CheckFailed(run.where("products_table"), messages.NO_RECORDS_FOR_PROCESS_EVENT)
    records = simulation.records
    if len(records) != len(simulation.changes):
        raise RuntimeError(f"{len(simulation.changes)} writes gave {len(records)} stream records")
    lambda_record = aws.as_lambda_delivers(records[-1], simulation.description["LatestStreamArn"])
    answers = run.call("process_event", records + [lambda_record])
    pairs = list(zip(simulation.changes + [simulation.changes[-1]], records + [lambda_record]))
    return [(change, record, answer) for (change, record), answer in zip(pairs, answers)]
