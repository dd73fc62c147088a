"""Step 4: sample_record in DynamoDB's stream format, and result = process_event(sample_record)."""

import pytest

from grader import source
from grader.failures import CheckFailed, RunProblem
from grader.sandbox.wire import FunctionInfo
from grader.steps import words as shared_words
from grader.steps.answers import process_event
from grader.steps.simulate_event import words
from grader.values import MISSING, describe, same, show

pytestmark = pytest.mark.step("simulate-event")

EXPECTED_RESULT = ("P123", 50)
EXPECTED_RECORD = {"dynamodb": {"NewImage": {"ProductID": {"S": "P123"}, "Stock": {"N": "50"}}}}
EXAMPLE = '{"dynamodb": {"NewImage": {"ProductID": {"S": "P123"}, "Stock": {"N": "50"}}}}'


def _new_image(run) -> dict:
    value = run.value("sample_record")
    path = "sample_record"
    for key in (None, "dynamodb", "NewImage"):
        if key is not None:
            if key not in value:
                raise CheckFailed(run.where(path), words.missing_level(path, key, value),
                                  expected=EXAMPLE, found=show(value))
            value = value[key]
            path += f'["{key}"]'
        if type(value) is not dict:
            raise CheckFailed(run.where(path), words.level_not_a_dict(path), expected="a dict",
                              found=describe(value))
    return value


def _changes_its_record(run) -> bool:
    """True if process_event writes into the record it is given (tried on a record of the grader's own): then
    sample_record, as the grader reads it after the file ran, is not what the learner wrote."""
    try:
        if not isinstance(run.value("process_event"), FunctionInfo):
            return False
        (answer,) = run.call("process_event", [[EXPECTED_RECORD]])
    except (CheckFailed, RunProblem):
        return False
    return answer.get("changed_arguments") is True


def _attribute(run, name: str, type_code: str, text: str) -> None:
    image = _new_image(run)
    where = f'sample_record["dynamodb"]["NewImage"]["{name}"]'
    expected = {type_code: text}
    found = image.get(name, MISSING)
    if not same(found, expected):
        explanation = (words.PROCESS_EVENT_CHANGED_THE_RECORD if _changes_its_record(run)
                       else words.wrong_attribute(name, expected, found))
        raise CheckFailed(run.where(where), explanation, expected=show(expected),
                          found=show(found) if name in image else "nothing")


def test_sample_record_is_a_dict(run):
    """sample_record is a dict that looks like a stream record: sample_record = {"dynamodb": {"NewImage": {...}}}."""
    value = run.value("sample_record")
    if type(value) is not dict:
        raise CheckFailed(run.where("sample_record"), words.level_not_a_dict("sample_record"),
                          expected=EXAMPLE, found=describe(value))


def test_sample_record_nests_dynamodb_new_image(run):
    """The item sits two levels down: sample_record["dynamodb"]["NewImage"]. Spell both keys exactly, with their
    capitals."""
    _new_image(run)


def test_sample_product_id_is_p123(run):
    """Each attribute in NewImage is a dict naming its type: "ProductID": {"S": "P123"}."""
    _attribute(run, "ProductID", "S", "P123")


def test_sample_stock_is_50_as_a_number_string(run):
    """Numbers are typed N and written as strings: "Stock": {"N": "50"}, with quotes around 50."""
    _attribute(run, "Stock", "N", "50")


def test_result_is_p123_and_50(run):
    """result = process_event(sample_record) gives ('P123', 50) once sample_record holds P123 and "50" and
    process_event converts the stock with int()."""
    result = run.value("result")
    if not same(result, EXPECTED_RESULT):
        raise CheckFailed(run.where("result"), words.wrong_result(),
                          expected=show(EXPECTED_RESULT), found=describe(result))


def _file_source(run) -> bytes:
    try:
        return run.file.read_bytes()
    except OSError:  # removed since it ran: nothing in it sets result
        return b""


def test_result_comes_from_calling_process_event(run):
    """Let your function do the work: result = process_event(sample_record). Typing the answer in yourself proves
    nothing about process_event."""
    # The file must set result = process_event(sample_record), and result must be what that call returns. The grader
    # reads the file for the first and makes the call itself for the second: what the learner's process says it did
    # could be forged.
    result = run.value("result")
    if not source.assigns_call(_file_source(run), "result", "process_event", "sample_record"):
        raise CheckFailed(run.where("result"), words.PROCESS_EVENT_NOT_CALLED,
                          expected="result = process_event(sample_record)")
    process_event(run)
    (answer,) = run.call("process_event", [[run.value("sample_record")]])
    if "exception" in answer:
        raise CheckFailed(run.where("process_event"),
                          shared_words.call_raised(words.SAMPLE_RECORD_CALL, answer["text"]))
    if not same(result, answer["returned"]):
        raise CheckFailed(run.where("result"), words.RESULT_NOT_FROM_CALL,
                          expected=show(answer["returned"]), found=show(result))
