"""Step results as documents for programs (text for people is drawn by screen.py)."""

from __future__ import annotations

import json

from .grading import StepResult

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
