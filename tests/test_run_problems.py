"""A learner file that crashes, cannot be read, raises, exits early or never ends is reported for its own
step, in plain words, and the other steps are still graded.

Steps are named by their slugs in the manifest. Every file is graded with all the other steps under the
manifest's own, generous limits, except a file that never ends: that one is graded alone, with a short limit
that its busy loop burns in processor time, so that no verdict depends on how busy the machine is."""

from __future__ import annotations

import json

import pytest

from conftest import MANIFEST, run_cli

from grader.failures import RunProblem
from grader.steprun import StepRun

CREATE_TABLE, ENABLE_STREAMS, PROCESS_EVENT, SIMULATE_EVENT = (
    MANIFEST.by_slug(slug) for slug in ("create-table", "enable-streams", "process-event", "simulate-event"))
BUSY_LOOP = "\nwhile True:\n    pass\n"
LOOP_LIMIT = "1.5"  # seconds of processor time for a file that never ends (the clock allows 3 x that + 10 s)


def grade_with(folder, step, source: str) -> tuple[dict, dict]:
    """Replace one step's file in ``folder``, grade every step, return (that step's entry, the document)."""
    (folder / step.file).write_text(source, encoding="utf-8")
    done = run_cli("--target", str(folder), "--format", "json")
    document = json.loads(done.stdout)
    assert done.returncode == 1
    others = [entry["status"] for entry in document["steps"] if entry["step"] != step.number]
    assert others == ["passed"] * (len(MANIFEST.steps) - 1), "the other steps must still be graded"
    (entry,) = [entry for entry in document["steps"] if entry["step"] == step.number]
    return entry, document


def grade_alone_with_a_short_limit(folder, step, source: str) -> dict:
    """Replace one step's file in ``folder`` with code that never ends, and grade that step alone: its entry."""
    (folder / step.file).write_text(source, encoding="utf-8")
    done = run_cli("--target", str(folder), "--format", "json", "--step", str(step.number), "--time-limit", LOOP_LIMIT)
    assert done.returncode == 1
    (entry,) = json.loads(done.stdout)["steps"]
    return entry


def solution(folder, step) -> str:
    return (folder / step.file).read_text(encoding="utf-8")


def test_syntax_error_shows_line_and_caret(solutions_copy):
    source = 'products_table = {\n    "TableName": "Products",\n    "KeySchema": [\n}\n'
    entry, _ = grade_with(solutions_copy, CREATE_TABLE, source)
    assert entry["status"] == "error"
    assert "SyntaxError on line 4" in entry["message"]
    lines = entry["message"].splitlines()
    caret = next(i for i, line in enumerate(lines) if line.strip() == "^")
    assert lines[caret - 1].strip() == "}"
    assert entry["hint"] == CREATE_TABLE.hint


def test_indentation_error_is_named_and_explained(solutions_copy):
    source = solution(solutions_copy, PROCESS_EVENT).replace("    product_id = new_image",
                                                             "      product_id = new_image")
    entry, _ = grade_with(solutions_copy, PROCESS_EVENT, source)
    assert entry["status"] == "error"
    assert "IndentationError" in entry["message"] and "starts with spaces that nothing asks for" in entry["message"]


@pytest.mark.parametrize("change, advice", [
    (("    new_image = record", "new_image = record"), "must be followed by at least one line indented"),
    (("    return (product_id, stock)", "  return (product_id, stock)"), "lines up with no block above it"),
    (("    return (product_id, stock)", "return (product_id, stock)"), "only work inside a function"),
    (("    return (product_id, stock)", "    return (product_id, stock"), "never closed"),
])
def test_syntax_advice_fits_the_error(solutions_copy, change, advice):
    source = solution(solutions_copy, PROCESS_EVENT)
    assert change[0] in source
    entry, _ = grade_with(solutions_copy, PROCESS_EVENT, source.replace(*change, 1))
    assert entry["status"] == "error"
    assert advice in entry["message"]
    assert "missing bracket, quote, comma or colon" not in entry["message"], "the general advice is left out"


def test_exception_shows_the_learners_frames_not_the_graders(solutions_copy):
    source = solution(solutions_copy, SIMULATE_EVENT).replace("process_event(sample_record)\n",
                                                              "process_event(sampel_record)\n")
    entry, _ = grade_with(solutions_copy, SIMULATE_EVENT, source)
    assert entry["status"] == "error"
    message = entry["message"]
    assert "raised NameError while running your file" in message
    assert "name 'sampel_record' is not defined" in message
    assert f'{SIMULATE_EVENT.file}", line' in message
    assert "child.py" not in message and "grader" not in message.split("What Python said:")[1]


def test_exception_inside_process_event_names_the_record(solutions_copy):
    source = solution(solutions_copy, PROCESS_EVENT).replace('["NewImage"]', '["NewImages"]')
    entry, _ = grade_with(solutions_copy, PROCESS_EVENT, source)
    assert entry["status"] == "failed"
    assert "It raised an error instead of returning" in entry["message"]
    assert "KeyError: 'NewImages'" in entry["message"]
    assert "Your code asked a dictionary for a key it does not have" in entry["message"]


def test_a_crash_of_the_interpreter_is_reported(solutions_copy):
    source = solution(solutions_copy, ENABLE_STREAMS) + "\nimport ctypes\nctypes.string_at(0)\n"
    entry, _ = grade_with(solutions_copy, ENABLE_STREAMS, source)
    assert entry["status"] == "error"
    assert "crashed (SIGSEGV)" in entry["message"] or "was stopped by the operating system" in entry["message"]


@pytest.mark.parametrize("ending, words", [
    ("import sys\nsys.exit(0)", "called sys.exit(0)"),
    ("import sys\nsys.exit('done')", "called sys.exit('done')"),
    ("exit()", "called sys.exit()"),
    ("import os\nos._exit(0)", "ended the program itself (exit status 0)"),
])
def test_an_early_exit_is_not_success(solutions_copy, ending, words):
    source = "print('about to leave')\n" + ending + "\n" + solution(solutions_copy, ENABLE_STREAMS)
    entry, _ = grade_with(solutions_copy, ENABLE_STREAMS, source)
    assert entry["status"] == "error"
    assert words in entry["message"]
    assert "about to leave" in entry["message"]


def test_a_file_that_never_finishes_times_out(solutions_copy):
    source = solution(solutions_copy, ENABLE_STREAMS) + BUSY_LOOP
    entry = grade_alone_with_a_short_limit(solutions_copy, ENABLE_STREAMS, source)
    assert entry["status"] == "timeout"
    assert "stopped your file" in entry["message"]
    assert f"{float(LOOP_LIMIT):g} seconds of processor time" in entry["message"]


def test_a_process_event_that_never_returns_times_out(solutions_copy):
    source = solution(solutions_copy, PROCESS_EVENT).replace("    return (product_id, stock)",
                                                             "    while True:\n        pass")
    entry = grade_alone_with_a_short_limit(solutions_copy, PROCESS_EVENT, source)
    assert entry["status"] == "timeout"
    assert "stopped process_event(...)" in entry["message"]
    assert f"{float(LOOP_LIMIT):g} seconds of processor time" in entry["message"]


def test_a_fault_of_the_harness_is_reported_as_the_graders_own(solutions_copy):
    step = PROCESS_EVENT
    run = StepRun(step, solutions_copy / step.file, MANIFEST.names_up_to(step.number), time_limit=30,
                  grade_untouched=True)
    try:
        run.start()
        run.value("products_table")
        run._process.send({"calls": "not a list of calls"})  # no grader sends this: the harness trips on it
        with pytest.raises(RunProblem) as problem:
            run.call("process_event", [[{}]])
    finally:
        run.close()
    assert problem.value.status == "error"
    # The details only with GRADER_DEBUG: learner code could send such an event, and its words must not
    # speak for the grader.
    assert problem.value.text.startswith("The grader itself went wrong (in the harness that runs your file)")
    assert "TypeError" not in problem.value.text
    assert "This is not your fault" in problem.value.text


def test_a_wrong_answer_shows_what_the_learners_own_prints_said(solutions_copy):
    source = solution(solutions_copy, PROCESS_EVENT).replace(
        "def process_event(record):\n", "def process_event(record):\n    print('DEBUG', record['eventName'])\n", 1
    ).replace("return (product_id, stock)", "return (product_id, str(stock))")
    entry, document = grade_with(solutions_copy, PROCESS_EVENT, source)
    assert entry["status"] == "failed"
    assert "Your code printed (last lines):" in entry["message"] and "DEBUG INSERT" in entry["message"]
    assert "DEBUG INSERT" in entry["output"], "and in a field of its own, for programs"
    assert all(step["output"] == "" for step in document["steps"] if step["status"] == "passed")
