"""What the checks of several steps say about the learner's answers (grader/steps/answers.py and the steps' checks)."""

from __future__ import annotations

import difflib

from grader.values import kind_of, show


def wrong_type(where: str, kind: type, value) -> str:
    text = f"{where} must be a {kind.__name__}, but it is {kind_of(value)}."
    if kind is dict and type(value).__name__ == "set":
        text += " A set looks like a dict but has no 'key: value' pairs; check your colons."
    if kind is list and isinstance(value, (tuple, dict)):
        text += " DynamoDB expects a list here: put the entries in square brackets [ ... ]."
    return text


def missing_key(container: str, key: str, table: dict, unknown: list[str]) -> str:
    """``unknown``: the keys of ``table`` that DynamoDB does not know (perhaps meant to be ``key``)."""
    keys = [k for k in table if isinstance(k, str)]
    near = difflib.get_close_matches(key, keys, n=1, cutoff=0.6)
    text = f'{container} has no "{key}" key.'
    if near:
        return text + f' It has "{near[0]}": keys must be spelled exactly "{key}".'
    if unknown:
        return text + f' It has "{unknown[0]}", which DynamoDB does not know: write "{key}" instead.'
    if key == "StreamSpecification":
        loose = [k for k in ("StreamEnabled", "StreamViewType") if k in table]
        if loose:
            text += (f" {' and '.join(loose)} must go inside it: "
                     '"StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}.')
        else:
            text += " The stream settings must be inside products_table, not in a separate variable."
    return text


def wrong_text(found: str, expected: str) -> str:
    if found.lower() == expected.lower():
        return f'Names in DynamoDB are case-sensitive: write "{expected}", not "{found}".'
    return f'The table must be named exactly "{expected}".'


def value_not_allowed(value: str, allowed: list[str]) -> str:
    text = f"DynamoDB does not allow {show(value)} here."
    if value.upper().replace("-", "_") in allowed:
        return text + f' These values are written in capitals: "{value.upper().replace("-", "_")}".'
    if value.upper().replace("-", "_") == "ON_DEMAND":
        return text + ' On-demand billing is called "PAY_PER_REQUEST" in the API.'
    return text + f" It allows {', '.join(allowed)}."


def create_table_rejected(error: str | None) -> str:
    return ("The grader created your table in a simulated DynamoDB (moto), and DynamoDB rejected it:\n"
            f"  {error}")


TIP_AUDIT_TABLE_CREATED_BY_YOUR_CODE = (
    "Tip: your code created the InventoryAudit table itself. A Lambda handler's table exists before the handler "
    "runs (here the grader creates it from audit_table), so the create_table call can go.")


def not_a_function(name: str, signature: str) -> str:
    return f"{name} must be a function, written with def {name}({signature}): ..."


NO_RECORDS_FOR_PROCESS_EVENT = ("The grader could not test process_event: it needs stream records from your "
                                "table, and products_table does not give a table with a NEW_AND_OLD_IMAGES stream. "
                                "Fix products_table first.")


NO_RECORDS_FOR_HANDLER = ("The grader could not test handle_batch: it needs stream records from your Products table, "
                          "and products_table does not give a table with a NEW_AND_OLD_IMAGES stream. Fix the "
                          "earlier steps' part of this file first.")


def call_raised(situation: str, text: str) -> str:
    return f"{situation}\nIt raised an error instead of returning.\n{text}"


# For any table the learner describes (products_table, audit_table).
TIP_BILLING = ("Tip: real DynamoDB also needs a billing mode; the grader supplied BillingMode=\"PAY_PER_REQUEST\" "
               "for you. In real code, add \"BillingMode\": \"PAY_PER_REQUEST\" (or ProvisionedThroughput).")
