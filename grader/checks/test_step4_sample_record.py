"""Step 4: sample_record in DynamoDB's stream format, and result = process_event(sample_record)."""

from grader import messages, source
from grader.checks.answers import process_event
from grader.failures import CheckFailed
from grader.values import describe, same, show

FIRST_STEP = 4

EXPECTED_RESULT = ("P123", 50)
EXAMPLE = '{"dynamodb": {"NewImage": {"ProductID": {"S": "P123"}, "Stock": {"N": "50"}}}}'


def _new_image(run) -> dict:
    value = run.value("sample_record")
    path = "sample_record"
    for key in (None, "dynamodb", "NewImage"):
        if key is not None:
            if key not in value:
                raise CheckFailed(run.where(path), messages.missing_level(path, key, value),
                                  expected=EXAMPLE, found=show(value))
            value = value[key]
            path += f'["{key}"]'
        if type(value) is not dict:
            raise CheckFailed(run.where(path), messages.level_not_a_dict(path), expected="a dict",
                              found=describe(value))
    return value


def _attribute(run, name: str, type_code: str, text: str) -> None:
    image = _new_image(run)
    where = f'sample_record["dynamodb"]["NewImage"]["{name}"]'
    expected = {type_code: text}
    found = image.get(name, "(missing)")
    if not same(found, expected):
        raise CheckFailed(run.where(where), messages.wrong_attribute(name, expected, found),
                          expected=show(expected), found=show(found) if name in image else "nothing")


def test_sample_record_is_a_dict(run):
    value = run.value("sample_record")
    if type(value) is not dict:
        raise CheckFailed(run.where("sample_record"), messages.level_not_a_dict("sample_record"),
                          expected=EXAMPLE, found=describe(value))


def test_sample_record_nests_dynamodb_new_image(run):
    _new_image(run)


def test_sample_product_id_is_p123(run):
    _attribute(run, "ProductID", "S", "P123")


def test_sample_stock_is_50_as_a_number_string(run):
    _attribute(run, "Stock", "N", "50")


def test_result_is_p123_and_50(run):
    result = run.value("result")
    if not same(result, EXPECTED_RESULT):
        raise CheckFailed(run.where("result"), messages.wrong_result(),
                          expected=show(EXPECTED_RESULT), found=describe(result))


def _file_source(run) -> bytes:
    try:
        return run.file.read_bytes()
    except OSError:  # removed since it ran: nothing in it sets result
        return b""


def test_result_comes_from_calling_process_event(run):
    """The file must set result = process_event(sample_record), and result must be what that call returns.
    The grader reads the file for the first and makes the call itself for the second: what the learner's
    process says it did could be forged."""
    result = run.value("result")
    if not source.assigns_call(_file_source(run), "result", "process_event", "sample_record"):
        raise CheckFailed(run.where("result"), messages.PROCESS_EVENT_NOT_CALLED,
                          expected="result = process_event(sample_record)")
    process_event(run)
    (answer,) = run.call("process_event", [[run.value("sample_record")]])
    if "exception" in answer:
        raise CheckFailed(run.where("process_event"),
                          messages.call_raised(messages.SAMPLE_RECORD_CALL, answer["text"]))
    if not same(result, answer["returned"]):
        raise CheckFailed(run.where("result"), messages.RESULT_NOT_FROM_CALL,
                          expected=show(answer["returned"]), found=show(result))
