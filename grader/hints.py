"""Hints that grow: the seed's hint first; when the same check fails twice in a row, a specific one too.

What failed last time is remembered in a small JSON file (`--state`, which `nox -s grade` and
`nox -s watch` point at .nox/grader-state.json). No file, no memory: only the first hint is shown.
"""

from __future__ import annotations

import json
from pathlib import Path

from .grading import FAILED, StepResult


def _load(path: Path) -> dict:
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def remember_failures(results: list[StepResult], path: Path | None) -> set[int]:
    """Record which check failed first for each step; return the steps whose check failed again."""
    if path is None:
        return set()
    state = _load(path)
    again = set()
    for result in results:
        key = str(result.step.number)
        failure = result.first_failure if result.status == FAILED else None
        if failure is None:
            state.pop(key, None)
            continue
        previous = state.get(key) if isinstance(state.get(key), dict) else {}
        times = previous.get("times", 0) + 1 if previous.get("check") == failure.check else 1
        state[key] = {"check": failure.check, "times": times}
        if times >= 2 and result.more_hint:
            again.add(result.step.number)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(state, indent=1), encoding="utf-8")
    except OSError:
        pass  # hints are a help, never a reason to fail
    return again
