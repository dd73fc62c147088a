"""Step results as documents for programs: JSON, JUnit XML and Exercism's results.json (version 3).
Text for people is drawn by screen.py."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree

from . import messages
from .failures import RunProblem
from .grading import StepResult
from .status import Status

EXERCISM_CAP = 500
EXERCISM_TRUNCATED = "... (truncated to 500 characters)"


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


def as_junit(results: list[StepResult], grader_modified: bool = False, **facts) -> str:
    """One <testsuite> per step and one <testcase> per check; a step with no checks run (not started,
    missing) is one failing testcase named after its status."""
    suites = ElementTree.Element("testsuites", name="grader", tests="0", failures="0", errors="0")
    for result in results:
        suite = ElementTree.SubElement(suites, "testsuite", name=f"Step {result.step.number}: {result.step.title}")
        properties = ElementTree.SubElement(suite, "properties")
        for name, value in (("status", result.status), ("score", result.score), ("max_score", result.max_score),
                            ("grader_modified", grader_modified), *facts.items()):
            ElementTree.SubElement(properties, "property", name=name, value=str(value))
        cases = ([(outcome.check, outcome.error, outcome.text) for outcome in result.checks]
                 or [(result.status, result.message, result.message)])
        counts = {"tests": 0, "failures": 0, "errors": 0}
        for name, error, text in cases:
            case = ElementTree.SubElement(suite, "testcase", classname=f"step{result.step.number}", name=name)
            counts["tests"] += 1
            if result.passed or error is None:
                continue
            kind = "error" if isinstance(error, RunProblem) or result.status in (Status.ERROR, Status.TIMEOUT) else "failure"
            node = ElementTree.SubElement(case, kind, message=text.split("\n")[0][:200])
            node.text = text
            counts["errors" if kind == "error" else "failures"] += 1
        for key, value in counts.items():
            suite.set(key, str(value))
            suites.set(key, str(int(suites.get(key)) + value))
    ElementTree.indent(suites)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(suites, encoding="unicode")


def _cap(text: str) -> str:
    return text if len(text) <= EXERCISM_CAP else text[: EXERCISM_CAP - len(EXERCISM_TRUNCATED)] + EXERCISM_TRUNCATED


def as_exercism(results: list[StepResult], grader_modified: bool = False, **facts) -> str:
    """Exercism's test-runner results.json, version 3: one test per step, task_id = the step number.
    (It has no field for points; the extra top-level score/max_score keys carry them.)"""
    tests = []
    for result in results:
        test = {"name": f"Step {result.step.number}: {result.step.title}", "task_id": result.step.number,
                "status": "pass" if result.passed else "error" if result.status in (Status.ERROR, Status.TIMEOUT) else "fail"}
        if not result.passed:
            test["message"] = _cap(f"{result.message}\nHint: {result.hint}")
        tests.append(test)
    document = {"version": 3, "status": "pass" if all(r.passed for r in results) else "fail", "tests": tests,
                "score": totals(results)["score"], "max_score": totals(results)["max_score"],
                "grader_modified": grader_modified, **facts}
    if results and all(test["status"] == "error" for test in tests):
        document["status"] = "error"
        document["message"] = results[0].message[:65535]
    return json.dumps(document, indent=2)


FORMATS = {"json": as_json, "junit": as_junit, "exercism": as_exercism}
