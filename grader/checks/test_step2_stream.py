"""Step 2: a NEW_AND_OLD_IMAGES stream on products_table, and stream_arn. moto checks none of it."""

import pytest

from grader import messages
from grader.checks.answers import STREAM_ARN, stream_specification, table_simulation
from grader.failures import CheckFailed
from grader.values import describe, first_difference, show

FIRST_STEP = 2

STREAM_KEYS = ("StreamEnabled", "StreamViewType")
VIEW_TYPES = ("NEW_AND_OLD_IMAGES", "NEW_IMAGE", "OLD_IMAGE", "KEYS_ONLY")


def test_stream_specification_is_in_products_table(run):
    specification = stream_specification(run)
    for key in specification:
        if key not in STREAM_KEYS:
            raise CheckFailed(run.where('products_table["StreamSpecification"]'),
                              messages.unknown_stream_key(key, STREAM_KEYS), found=show(specification))


def test_stream_is_enabled(run):
    enabled = stream_specification(run).get("StreamEnabled", "(missing)")
    if enabled is not True:
        raise CheckFailed(run.where('products_table["StreamSpecification"]["StreamEnabled"]'),
                          messages.stream_not_enabled(enabled), expected="True (a bool, without quotes)",
                          found=describe(enabled) if enabled != "(missing)" else "nothing")


def test_stream_view_type_is_new_and_old_images(run):
    view_type = stream_specification(run).get("StreamViewType", "(missing)")
    if view_type != "NEW_AND_OLD_IMAGES" or type(view_type) is not str:
        raise CheckFailed(run.where('products_table["StreamSpecification"]["StreamViewType"]'),
                          messages.wrong_view_type(view_type, VIEW_TYPES), expected=show("NEW_AND_OLD_IMAGES"),
                          found=show(view_type) if view_type != "(missing)" else "nothing")


def test_stream_arn_is_the_given_string(run):
    arn = run.value("stream_arn")
    if type(arn) is not str:
        raise CheckFailed(run.where("stream_arn"), messages.ARN_NOT_A_STRING, expected=show(STREAM_ARN),
                          found=describe(arn))
    if arn != STREAM_ARN:
        raise CheckFailed(run.where("stream_arn"), messages.arn_differs(arn, STREAM_ARN, first_difference(arn, STREAM_ARN)),
                          expected=show(STREAM_ARN, 200), found=show(arn, 200))


@pytest.mark.dynamodb
def test_dynamodb_reports_a_stream_on_the_table(run):
    simulation = table_simulation(run)
    if not simulation.accepted:
        raise CheckFailed(run.where("products_table"), messages.create_table_rejected(simulation.error))
    if not simulation.description.get("LatestStreamArn"):
        raise CheckFailed(run.where("products_table"), messages.NO_STREAM_ON_TABLE)
