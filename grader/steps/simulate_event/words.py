"""What the simulate-event step's checks say."""

from __future__ import annotations

import difflib

from grader.values import MISSING, kind_of, show


def missing_level(path: str, key: str, value: dict) -> str:
    keys = [k for k in value if isinstance(k, str)]
    text = (f'{path} has no "{key}" key. A DynamoDB stream record nests the item as '
            'record["dynamodb"]["NewImage"].')
    if key == "NewImage" and "OldImage" in keys:
        return text + (" OldImage is the item before a change; the sample is a new item, so its attributes go "
                       "under NewImage.")
    near = difflib.get_close_matches(key, keys, n=1, cutoff=0.6)
    return text + (f' You wrote "{near[0]}"; spell it exactly "{key}".' if near else "")


def level_not_a_dict(path: str) -> str:
    return f"{path} must be a dict in DynamoDB's stream format."


def wrong_attribute(name: str, expected: dict, found) -> str:
    if found is MISSING:
        return f"NewImage has no {name} attribute."
    if isinstance(found, dict) and "N" in found and not isinstance(found["N"], str) and name == "Stock":
        return 'DynamoDB sends numbers as strings: write {"N": "50"}, with quotes around 50.'
    if not isinstance(found, dict):
        return (f"In DynamoDB's format each attribute is a small dict naming its type: {show(expected)}, "
                f"not {kind_of(found)} on its own.")
    return f"{name} must be {show(expected)} in DynamoDB's format (S for string, N for number)."


def wrong_result() -> str:
    return "result must be the tuple that process_event returns for sample_record: ('P123', 50)."


PROCESS_EVENT_CHANGED_THE_RECORD = (
    "sample_record no longer holds what your file wrote: process_event changes the record it is given (the grader "
    "tried it on a record of its own, and the record came back changed). A function that processes a record must "
    "only read it: keep the converted values in variables of its own, and leave record as it was.")
PROCESS_EVENT_NOT_CALLED = ("Your file never sets result = process_event(sample_record). result must be what that "
                            "call returns (not a value you typed in), called with sample_record itself (not a copy).")


SAMPLE_RECORD_CALL = "The grader called process_event(sample_record) itself, with your sample_record."


RESULT_NOT_FROM_CALL = ("result is not what process_event(sample_record) returns when the grader calls it with your "
                        "sample_record. Set result = process_event(sample_record) once sample_record is complete, "
                        "change neither afterwards, and make process_event return the same answer each time it "
                        "gets the same record.")
