"""Step results as documents for programs: JSON, JUnit XML and Exercism's results.json (version 3).
Text for people is drawn by screen.py.

Paths in these documents are the ones the results name (StepResult.file, and the messages): `python -m grader`
makes them relative for JUnit and Exercism (see __main__.py)."""

from __future__ import annotations

import itertools
import json
import re
import socket
import time
import xml.etree.ElementTree as ElementTree
from datetime import datetime, timezone

from . import messages
from .failures import CheckFailed, RunProblem
from .grading import CheckOutcome, StepResult
from .manifest import Step, load_manifest
from .status import Status
from .text import printable

EXERCISM_CAP = 500  # characters of the learner's output per test (the spec's cap on `output`)
MESSAGE_ATTRIBUTE_CAP = 500  # a JUnit failure's one-line summary; the whole text is the element's content
SITUATION = "The grader called "  # how a check's words begin when they first say what the grader did
# What XML 1.0 cannot hold even escaped (printable() already took the other control characters out).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

def totals(results: list[StepResult]) -> dict:
    """Steps passed out of the core steps graded; bonus steps counted apart, their points extra credit."""
    core = [result for result in results if not result.step.bonus]
    bonus = [result for result in results if result.step.bonus]
    return {
        "passed": sum(result.passed for result in core),
        "total": len(core),
        "bonus_passed": sum(result.passed for result in bonus),
        "bonus_total": len(bonus),
        "score": round(sum(result.score for result in results), 2),
        "max_score": sum(result.max_score for result in results),
    }


def progress_line(results: list[StepResult]) -> str:
    """'3 / 4 steps · bonus 0 / 1 · 3.5 / 4 points', as every report ends."""
    core = [result for result in results if not result.step.bonus]
    bonus = [result for result in results if result.step.bonus]
    return messages.progress(
        sum(result.passed for result in core), len(core),
        sum(result.score for result in core), sum(result.max_score for result in core),
        sum(result.passed for result in bonus), len(bonus), sum(result.score for result in bonus),
    )


def as_json(results: list[StepResult], grader_modified: bool = False, **facts) -> str:
    """``facts``: more top-level fields about the run (its seed, the sandbox it ran in)."""
    steps = [
        {
            "step": result.step.number,
            "name": result.step.slug,
            "title": result.step.title,
            "file": result.file,
            "status": result.status,
            "message": result.message if not result.passed else "\n".join(result.tips),
            "hint": result.hint,
            "score": result.score,
            "max_score": result.max_score,
            "bonus": result.step.bonus,
            "output": result.output,
        }
        for result in results
    ]
    return json.dumps({"steps": steps, **totals(results), "grader_modified": grader_modified, **facts}, indent=2)


def _xml(text: str) -> str:
    return NOT_XML.sub("\ufffd", text)


def problem_line(outcome: CheckOutcome) -> str:
    """The one line of a failed check that says what is wrong, for JUnit's `message` attribute: not "In
    step3_process_event.py, process_event:" (where), nor "The grader called process_event(record) with ..."
    (what the grader did), but the explanation that follows them. The whole text is the element's content."""
    error = outcome.error
    if isinstance(error, CheckFailed):
        if error.explanation.strip():
            return summary(printable(error.explanation))
        if error.expected is not None:
            return summary(printable(f"expected {error.expected}, found {error.found}"))
    return summary(outcome.text)


def summary(text: str) -> str:
    """The first line of ``text`` that says what is wrong (past a line that only says what the grader did),
    completed by the line it introduces (when it ends in ":") or, for an exception, by the last line of
    Python's traceback ("NameError: name 'x' is not defined")."""
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) > 1 and lines[0].startswith(SITUATION):
        lines = lines[1:]
    if not lines:
        return "(no message)"
    line = lines[0].strip()
    if messages.PYTHON_SAID in lines:
        traceback = itertools.takewhile(lambda line: line.startswith(" "), lines[lines.index(messages.PYTHON_SAID) + 1:])
        last = list(traceback)[-1:]
        line = f"{line} {last[0].strip()}" if last else line
    elif line.endswith(":") and len(lines) > 1:
        line = f"{line} {lines[1].strip()}"
    return line if len(line) <= MESSAGE_ATTRIBUTE_CAP else line[: MESSAGE_ATTRIBUTE_CAP - 1] + "…"


def _timestamp(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, timezone.utc).isoformat(timespec="seconds")


def _seconds(seconds: float) -> str:
    return f"{seconds:.3f}"


def _case_kind(result: StepResult, error: BaseException | str) -> tuple[str, str]:
    """("failure" or "error", its type): an answer found wrong is a failure, code that could not run an error."""
    if isinstance(error, RunProblem):
        return "error", str(error.status)
    if result.status in (Status.ERROR, Status.TIMEOUT):
        return "error", str(result.status)
    if isinstance(error, CheckFailed) or isinstance(error, str):
        return "failure", str(Status.FAILED)
    return "error", "grader_fault"  # a check that raised something else: the grader's own fault


def as_junit(results: list[StepResult], grader_modified: bool = False, **facts) -> str:
    """One <testsuite> per step and one <testcase> per check, valid against Jenkins' junit-10.xsd. A step with
    no checks run is one testcase named after its status: <skipped> when not started or missing, else an error.
    A step that did not pass although no check failed (it broke a rule: the network, a process) gets one more
    testcase, named after its status, that says why. `time` is measured per check (the wait for the learner's
    process included), `timestamp` is when the step's first check began; nothing else varies between runs."""
    hostname = socket.gethostname()
    now = time.time()
    suites = ElementTree.Element("testsuites", name="grader", tests="0", failures="0", errors="0")
    total_seconds = 0.0
    for result in results:
        seconds = sum(outcome.seconds for outcome in result.checks)
        started = min((o.started for o in result.checks if o.started is not None), default=now)
        total_seconds += seconds
        suite = ElementTree.SubElement(suites, "testsuite", name=f"Step {result.step.number}: {result.step.title}",
                                       timestamp=_timestamp(started), hostname=hostname, time=_seconds(seconds),
                                       file=_xml(result.file))
        properties = ElementTree.SubElement(suite, "properties")
        for name, value in (("status", result.status), ("score", result.score), ("max_score", result.max_score),
                            ("grader_modified", grader_modified), *facts.items()):
            ElementTree.SubElement(properties, "property", name=name, value=_xml(str(value)))
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}

        def case(name: str, seconds: float) -> ElementTree.Element:
            counts["tests"] += 1
            return ElementTree.SubElement(suite, "testcase", classname=f"step{result.step.number}", name=name,
                                          time=_seconds(seconds))

        for outcome in result.checks:
            node = case(outcome.check, outcome.seconds)
            if result.passed or outcome.error is None:
                continue
            kind, type_ = _case_kind(result, outcome.error)
            ElementTree.SubElement(node, kind, message=_xml(problem_line(outcome)), type=type_).text = _xml(outcome.text)
            counts["errors" if kind == "error" else "failures"] += 1
        if result.status in (Status.NOT_STARTED, Status.MISSING):
            ElementTree.SubElement(case(str(result.status), 0.0), "skipped", message=_xml(summary(result.message)))
            counts["skipped"] += 1
        elif not result.passed and not any(outcome.error is not None for outcome in result.checks):
            kind, type_ = _case_kind(result, result.message)
            node = ElementTree.SubElement(case(str(result.status), 0.0), kind, type=type_,
                                          message=_xml(summary(message_without_output(result))))
            node.text = _xml(result.message)
            counts["errors" if kind == "error" else "failures"] += 1
        if result.output:
            ElementTree.SubElement(suite, "system-out").text = _xml(result.output)
        for key, value in counts.items():
            suite.set(key, str(value))
            if key != "skipped":  # junit-10.xsd has no `skipped` on <testsuites>
                suites.set(key, str(int(suites.get(key)) + value))
    suites.set("time", _seconds(total_seconds))
    ElementTree.indent(suites)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(suites, encoding="unicode")


def _cap_output(text: str) -> str:
    marker = messages.EXERCISM_OUTPUT_TRUNCATED
    return text if len(text) <= EXERCISM_CAP else text[: EXERCISM_CAP - len(marker)] + marker


def message_without_output(result: StepResult) -> str:
    """The step's message without what the learner's code printed at its end (reports that have a field of
    their own for that show it there)."""
    printed = result.printed
    if printed.startswith(messages.PRINTED_HEADING) and result.message.endswith("\n" + printed):
        return result.message[: -len(printed) - 1]
    return result.message


def test_code(step: Step, names: set[str]) -> str:
    from .maintain import checks_of  # reads the checks' names from their source, without running them

    checks = [messages.check_in_words(check, names) for check in checks_of(step)]
    return messages.exercism_test_code(step.file, checks, step.number - 1)  # the file holds every earlier step


def as_exercism(results: list[StepResult], grader_modified: bool = False, **facts) -> str:
    """Exercism's test-runner results.json, version 3: one test per step, task_id = the step number, test_code
    = what the grader runs and checks for it, the learner's prints in `output` (capped at 500 characters, as the
    spec says) and the grader's words in `message` (not capped). (It has no field for points; the extra
    top-level score/max_score keys carry them.)"""
    names = {name for step in load_manifest().steps for name in step.names}
    tests = []
    for result in results:
        test = {"name": f"Step {result.step.number}: {result.step.title}", "task_id": result.step.number,
                "status": "pass" if result.passed else "error" if result.status in (Status.ERROR, Status.TIMEOUT) else "fail",
                "test_code": test_code(result.step, names)}
        if not result.passed:
            test["message"] = _exercism_message(result, with_hint=True)
        if result.output:
            test["output"] = _cap_output(result.output)
        tests.append(test)
    document = {"version": 3, "status": "pass" if all(r.passed for r in results) else "fail", "tests": tests,
                "score": totals(results)["score"], "max_score": totals(results)["max_score"],
                "grader_modified": grader_modified, **facts}
    if results and all(test["status"] == "error" for test in tests):
        document["status"] = "error"
        document["message"] = _exercism_message(results[0], with_hint=False)
    return json.dumps(document, indent=2)


def _exercism_message(result: StepResult, *, with_hint: bool) -> str:
    if result.status == Status.MISSING:  # the runner's learner cannot type the kit's commands (nox -s reset)
        return messages.exercism_missing(result.step.file)
    text = message_without_output(result)
    return f"{text}\n{messages.HINT_LABEL} {result.hint}" if with_hint else text


FORMATS = {"json": as_json, "junit": as_junit, "exercism": as_exercism}
