"""What the enable-streams step's checks say."""

from __future__ import annotations

from grader.sandbox.wire import Opaque
from grader.values import MISSING, kind_of, show


def unknown_stream_key(key, keys) -> str:
    return f"StreamSpecification holds only {' and '.join(keys)}; {show(key)} does not belong there."


def stream_not_enabled(enabled) -> str:
    if enabled is MISSING:
        return "StreamSpecification has no StreamEnabled. Add \"StreamEnabled\": True."
    if isinstance(enabled, str):
        return "StreamEnabled must be the boolean True, without quotes: \"True\" in quotes is a str."
    if enabled is False:
        return "With StreamEnabled False, DynamoDB captures no changes at all. Set it to True."
    return f"StreamEnabled must be exactly True (a bool), not {kind_of(enabled)}."


def wrong_view_type(view_type, valid) -> str:
    what = {
        "NEW_IMAGE": "NEW_IMAGE records carry only the item after the change",
        "OLD_IMAGE": "OLD_IMAGE records carry only the item before the change",
        "KEYS_ONLY": "KEYS_ONLY records carry only the key (ProductID), no stock at all",
    }
    if isinstance(view_type, Opaque) and view_type.builtin_base == "str":
        return (f"StreamViewType is {kind_of(view_type)}: write the plain string \"NEW_AND_OLD_IMAGES\" (for an Enum "
                "member, its .value).")
    if isinstance(view_type, str) and view_type in what:
        return (f"{what[view_type]}. An audit of stock changes needs both the stock before and after each "
                "change, so use NEW_AND_OLD_IMAGES.")
    if view_type is MISSING:
        return "StreamSpecification has no StreamViewType. Add \"StreamViewType\": \"NEW_AND_OLD_IMAGES\"."
    return f"{show(view_type)} is not a stream view type. DynamoDB knows {', '.join(valid)}; use NEW_AND_OLD_IMAGES."


def arn_not_a_string(arn) -> str:
    if type(arn) is tuple and len(arn) == 1 and isinstance(arn[0], str):
        return ("stream_arn is a tuple holding the ARN: the comma at the end of the line makes it one. Remove the "
                "trailing comma.")
    return "stream_arn must be a string: put the ARN in quotes."


def arn_differs(found: str, expected: str, index: int) -> str:
    return (f"stream_arn must be exactly the ARN given in the instructions. The first difference is at "
            f"character {index + 1}: {show(found[index:index + 12])} where the ARN has "
            f"{show(expected[index:index + 12])}. Copy and paste it from the instructions.")


NO_STREAM_ON_TABLE = ("The simulated DynamoDB created your table without a stream (no LatestStreamArn). Check that "
                      "StreamSpecification is inside products_table with StreamEnabled True.")
