"""Turning step results into what is printed: text for people, JSON for programs."""

from __future__ import annotations

import json

from . import messages
from .grading import NOT_STARTED_STATUS, PASSED, StepResult

SYMBOLS = {"passed": "✓", "not_started": "○", "other": "✗"}
ASCII_SYMBOLS = {"passed": "OK", "not_started": "--", "other": "X "}


def _symbols(encoding: str | None) -> dict:
    try:
        "".join(SYMBOLS.values()).encode(encoding or "ascii")
    except (UnicodeEncodeError, LookupError):
        return ASCII_SYMBOLS
    return SYMBOLS


def as_json(results: list[StepResult]) -> str:
    steps = [
        {
            "step": result.step.number,
            "title": result.step.title,
            "file": result.file,
            "status": result.status,
            "message": result.message if not result.passed else "\n".join(result.tips),
            "hint": result.hint,
        }
        for result in results
    ]
    return json.dumps({"steps": steps, "passed": sum(r.passed for r in results), "total": len(results)}, indent=2)


def as_text(results: list[StepResult], encoding: str | None = "utf-8") -> str:
    symbols = _symbols(encoding)
    lines = []
    explained_a_not_started_step = False
    for result in results:
        symbol = symbols.get(result.status, symbols["other"])
        lines.append(f"{symbol} Step {result.step.number}: {result.step.title} "
                     f"({messages.STATUS_WORDS[result.status]})")
        explain = result.status not in (PASSED, NOT_STARTED_STATUS) or not explained_a_not_started_step
        if result.passed or not explain:
            continue
        explained_a_not_started_step |= result.status == NOT_STARTED_STATUS
        lines.extend("    " + line for line in result.message.split("\n"))
        lines.append(f"    {messages.HINT_LABEL} {result.hint}")
    lines.append("")
    tips = list(dict.fromkeys(tip for result in results for tip in result.tips))
    if tips:
        lines.extend(tips + [""])
    passed = sum(r.passed for r in results)
    lines.append(messages.progress(passed, len(results)))
    if passed == len(results) and len(results) > 1:
        lines.append(messages.ALL_DONE)
    text = "\n".join(lines) + "\n"
    return text if symbols is SYMBOLS else text.encode(encoding or "ascii", "replace").decode(encoding or "ascii")
