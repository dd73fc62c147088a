"""Step 3: process_event(record) on real stream records from the learner's own table in moto."""

import pytest

from grader.failures import CheckFailed
from grader.steps import words as shared_words
from grader.steps.answers import process_event, signature, stream_cases
from grader.steps.process_event import words
from grader.values import describe, kind_of, same, show

pytestmark = pytest.mark.step("process-event")
POSITIONAL = ("POSITIONAL_ONLY", "POSITIONAL_OR_KEYWORD")



def test_process_event_is_a_function(run):
    """Define it with def: def process_event(record): and an indented body under it that ends with a return."""
    process_event(run)


def test_process_event_takes_one_record_parameter(run):
    """The function gets one stream record from its caller, so it takes one parameter named record: def
    process_event(record):"""
    function = process_event(run)
    params = function.params
    if len(params) != 1 or params[0]["name"] != "record" or params[0]["kind"] not in POSITIONAL:
        found = signature(function)
        raise CheckFailed(run.where("process_event"), words.ONE_RECORD_PARAMETER,
                          expected="def process_event(record):", found=found)


def _check_answer(run, change, record, answer, old_stock=None):
    situation = words.record_situation(change, record)
    where = run.where("process_event")
    if "exception" in answer:
        raise CheckFailed(where, shared_words.call_raised(situation, answer["text"]))
    returned = answer["returned"]
    expected = (change.product_id, change.stock)
    if type(returned) is not tuple:
        raise CheckFailed(where, words.not_a_tuple(situation, returned, change.stock),
                          expected=f"a tuple {show(expected)}", found=describe(returned))
    if len(returned) != 2:
        raise CheckFailed(where, words.tuple_length(situation, returned),
                          expected=show(expected), found=show(returned))
    product_id, stock = returned
    if type(product_id) is not str:
        raise CheckFailed(where, words.product_id_type(situation, product_id, stock),
                          expected=show(expected), found=f"{show(returned)}, whose first item is {kind_of(product_id)}")
    if type(stock) is not int:
        raise CheckFailed(where, words.stock_type(situation, stock, change.stock),
                          expected=show(expected), found=f"{show(returned)}, whose stock is {kind_of(stock)}")
    if not same(returned, expected):
        hint = None
        if old_stock is not None and stock == old_stock:
            hint = words.OLD_IMAGE_READ
        elif stock != change.stock and stock == int(float(change.stock)):
            hint = words.PRECISION_LOST
        elif change.stock < 0:
            hint = words.NEGATIVE_STOCK
        elif product_id == "P123" and change.product_id != "P123" or stock == 50 and change.stock != 50:
            hint = words.HARD_CODED_RETURN
        raise CheckFailed(where, words.wrong_values(situation, hint), expected=show(expected), found=show(returned))


@pytest.mark.dynamodb
def test_insert_record_gives_product_id_and_stock(run):
    """Walk down the record one key at a time: new_image = record["dynamodb"]["NewImage"]; then product_id =
    new_image["ProductID"]["S"] and stock = int(new_image["Stock"]["N"]); return (product_id, stock)."""
    _check_answer(run, *stream_cases(run)[0])


@pytest.mark.dynamodb
def test_stock_of_zero(run):
    """A stock of 0 is a real stock level: make sure nothing in your code treats 0 as missing (for example `or`
    defaults or `if stock:` tests)."""
    _check_answer(run, *stream_cases(run)[1])


@pytest.mark.dynamodb
def test_modify_record_reads_the_new_image(run):
    """A MODIFY record carries the item before the change (OldImage) and after it (NewImage). The current stock is
    in NewImage."""
    cases = stream_cases(run)
    for index, old_index in ((2, 1), (5, 0)):  # the MODIFYs, each with the INSERT of the same product before it
        change, record, answer = cases[index]
        _check_answer(run, change, record, answer, old_stock=cases[old_index][0].stock)


@pytest.mark.dynamodb
def test_very_large_stock(run):
    """DynamoDB sends numbers as strings so that no digit is lost. int("9007199254740993") keeps every digit;
    float(...) does not."""
    _check_answer(run, *stream_cases(run)[3])


@pytest.mark.dynamodb
def test_negative_stock(run):
    """A product on back-order has a negative stock, and DynamoDB sends it like any number: {"N": "-12"}.
    int("-12") reads it; a test like .isdigit() does not."""
    _check_answer(run, *stream_cases(run)[4])


@pytest.mark.dynamodb
def test_record_as_lambda_delivers_it(run):
    """AWS Lambda hands your function the same record with a few extra fields (eventSourceARN, a numeric
    ApproximateCreationDateTime). Read only record["dynamodb"]["NewImage"] and the extras do not matter."""
    _check_answer(run, *stream_cases(run)[6], old_stock=50)

