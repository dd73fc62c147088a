"""Step 2: a NEW_AND_OLD_IMAGES stream on products_table, and stream_arn. moto checks none of it."""

import pytest

from grader.failures import CheckFailed
from grader.steps import words as shared_words
from grader.steps.answers import STREAM_ARN, stream_specification, table_simulation
from grader.steps.enable_streams import words
from grader.values import MISSING, describe, first_difference, show

pytestmark = pytest.mark.step("enable-streams")

STREAM_KEYS = ("StreamEnabled", "StreamViewType")
VIEW_TYPES = ("NEW_AND_OLD_IMAGES", "NEW_IMAGE", "OLD_IMAGE", "KEYS_ONLY")


def test_stream_specification_is_in_products_table(run):
    """StreamSpecification is one more key of the products_table dict, and its value is itself a dict:
    products_table["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}."""
    specification = stream_specification(run)
    for key in specification:
        if key not in STREAM_KEYS:
            raise CheckFailed(run.where('products_table["StreamSpecification"]'),
                              words.unknown_stream_key(key, STREAM_KEYS), found=show(specification))


def test_stream_is_enabled(run):
    """StreamEnabled takes a Python bool: True, with a capital T and no quotes."""
    enabled = stream_specification(run).get("StreamEnabled", MISSING)
    if enabled is not True:
        raise CheckFailed(run.where('products_table["StreamSpecification"]["StreamEnabled"]'),
                          words.stream_not_enabled(enabled), expected="True (a bool, without quotes)",
                          found=describe(enabled) if enabled is not MISSING else "nothing")


def test_stream_view_type_is_new_and_old_images(run):
    """The view type decides what each stream record carries: KEYS_ONLY only the key, NEW_IMAGE the item after the
    change, OLD_IMAGE the item before it, NEW_AND_OLD_IMAGES both. An audit of stock changes compares the stock
    before and after, so it needs both images: "NEW_AND_OLD_IMAGES"."""
    view_type = stream_specification(run).get("StreamViewType", MISSING)
    if view_type != "NEW_AND_OLD_IMAGES" or type(view_type) is not str:
        raise CheckFailed(run.where('products_table["StreamSpecification"]["StreamViewType"]'),
                          words.wrong_view_type(view_type, VIEW_TYPES), expected=show("NEW_AND_OLD_IMAGES"),
                          found=show(view_type) if view_type is not MISSING else "nothing")


def test_stream_arn_is_the_given_string(run):
    """Copy the ARN from the instructions between quotes, exactly: stream_arn =
    'arn:aws:dynamodb:region:account-id:table/Products/stream/2024-06-01T00:00:00.000'. In real code it comes
    from the table's LatestStreamArn."""
    arn = run.value("stream_arn")
    if type(arn) is not str:
        raise CheckFailed(run.where("stream_arn"), words.arn_not_a_string(arn), expected=show(STREAM_ARN),
                          found=describe(arn))
    if arn != STREAM_ARN:
        raise CheckFailed(run.where("stream_arn"), words.arn_differs(arn, STREAM_ARN, first_difference(arn, STREAM_ARN)),
                          expected=show(STREAM_ARN, 200), found=show(arn, 200))


@pytest.mark.dynamodb
def test_dynamodb_reports_a_stream_on_the_table(run):
    """DynamoDB only creates a stream when products_table holds a StreamSpecification with StreamEnabled True.
    Check that it is inside the dict you pass, not next to it."""
    simulation = table_simulation(run)
    if not simulation.accepted:
        raise CheckFailed(run.where("products_table"), shared_words.create_table_rejected(simulation.error))
    if not simulation.description.get("LatestStreamArn"):
        raise CheckFailed(run.where("products_table"), words.NO_STREAM_ON_TABLE)
