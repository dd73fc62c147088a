"""The corpus of learner answers in tests/corpus/: right ones must pass, wrong ones must fail, and say why.

Each corpus file is a whole step file, as a learner would hand it in, headed by comments:

    # step: 2                       the step it is graded as
    # status: failed                wrong answers only: the status the grader must give
    # message: NEW_IMAGE records    wrong answers only: words the message must contain (one or more lines)
    # time-limit: 2                 optional: seconds the file may run (for answers that never finish)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import MANIFEST

CORPUS = Path(__file__).parent / "corpus"


@dataclass
class Case:
    path: Path
    step: int = 0
    status: str = "passed"
    messages: list[str] = field(default_factory=list)
    time_limit: float | None = None


def _cases(kind: str) -> list[Case]:
    cases = []
    for path in sorted((CORPUS / kind).glob("*.py")):
        case = Case(path)
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.startswith("# "):
                break
            key, _, value = line[2:].partition(": ")
            if key == "step":
                case.step = int(value)
            elif key == "status":
                case.status = value
            elif key == "message":
                case.messages.append(value)
            elif key == "time-limit":
                case.time_limit = float(value)
        assert case.step, f"{path.name} has no '# step: N' header"
        cases.append(case)
    return cases


RIGHT, WRONG = _cases("right"), _cases("wrong")


def test_the_corpus_is_big_enough():
    assert len(WRONG) >= 25
    assert {case.step for case in WRONG} == set(MANIFEST.numbers)
    assert {case.step for case in RIGHT} == set(MANIFEST.numbers)


@pytest.mark.parametrize("case", RIGHT, ids=[case.path.stem for case in RIGHT])
def test_right_answer_passes(case, grade_source):
    result = grade_source(case.step, case.path.read_bytes())
    assert result.status == "passed", result.message


@pytest.mark.parametrize("case", WRONG, ids=[case.path.stem for case in WRONG])
def test_wrong_answer_fails_at_its_step_and_says_why(case, grade_source):
    assert case.messages, f"{case.path.name} must say which words the message needs ('# message: ...')"
    result = grade_source(case.step, case.path.read_bytes(), time_limit=case.time_limit)
    assert result.status == case.status, result.message
    if case.status == "failed":
        assert result.first_failure.first_step == case.step, (
            f"failed at a check of step {result.first_failure.first_step}: {result.message}")
    for words in case.messages:
        assert words in result.message
