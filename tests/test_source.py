"""grader.source: what the grader reads in a learner's file from its syntax tree (step 4's
result = process_event(sample_record))."""

from __future__ import annotations

import textwrap

import pytest

from grader.source import assigns_call


def sets_result_from_the_call(text: str) -> bool:
    return assigns_call(textwrap.dedent(text), "result", "process_event", "sample_record")


@pytest.mark.parametrize("text", [
    "result = process_event(sample_record)",
    "result: tuple = process_event(sample_record)",
    "result = process_event(record=sample_record)",
    "result = handler.process_event(sample_record)",
    "result = app.handlers.process_event(sample_record)",
    "result = answer = process_event(sample_record)",
    """
    if __name__ == "__main__":
        result = process_event(sample_record)
    """,
    """
    if DEBUG:
        pass
    elif __name__ == "__main__":
        result: tuple = process_event(sample_record)
    """,
    """
    try:
        import json
    except ImportError:
        result = process_event(sample_record)
    """,
    """
    try:
        pass
    finally:
        result = process_event(sample_record)
    """,
    """
    with open(__file__) as handle:
        result = process_event(sample_record)
    """,
    """
    for _ in range(25):
        process_event(sample_record)
    result = process_event(sample_record)
    """,
])
def test_the_call_assigned_to_result_is_found(text):
    assert sets_result_from_the_call(text)


@pytest.mark.parametrize("text", [
    "result = ('P123', 50)",
    "print(process_event(sample_record))\nresult = ('P123', 50)",
    "result = process_event(other_record)",
    "result = process_event(sample_record.copy())",
    "result = process_event({'dynamodb': {}})",
    "result = process_event(sample_record, 1)",
    "result = process_event(*[sample_record])",
    "result = process_event(**{'record': sample_record})",
    "result = process_event(record=sample_record, extra=1)",
    "result = process_events(sample_record)",
    "result = process_event",
    "result = tuple(process_event(sample_record))",
    "result, = [process_event(sample_record)]",
    "(result, other) = process_event(sample_record)",
    "result += process_event(sample_record)",
    "result: tuple",
    "results = process_event(sample_record)",
    "data['result'] = process_event(sample_record)",
    "handler.result = process_event(sample_record)",
    """
    def main():
        result = process_event(sample_record)
    """,
    """
    class Demo:
        result = process_event(sample_record)
    """,
    """
    for record in [sample_record]:
        result = process_event(sample_record)
    """,
    "",
    "result = process_event(sample_record",  # changed since it ran: it no longer parses
])
def test_anything_else_is_not(text):
    assert not sets_result_from_the_call(text)


def test_bytes_with_a_byte_order_mark_and_crlf_line_endings():
    assert assigns_call(b"\xef\xbb\xbfsample_record = {}\r\nresult = process_event(sample_record)\r\n",
                        "result", "process_event", "sample_record")
