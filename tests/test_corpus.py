"""The corpus of learner answers in tests/corpus/: right ones must pass, wrong ones must fail, and say why.

Each corpus file is a whole step file, as a learner would hand it in, headed by comments:

    # step: enable-streams          the step it is graded as, by its slug in grader/manifest.toml (never by
                                    its number: inserting a step renumbers the steps after it)
    # status: failed                wrong answers only: the status the grader must give
    # message: NEW_IMAGE records    wrong answers only: words the message must contain (one or more lines)
    # time-limit: 2                 optional: seconds of processor time the file may use, for answers that
                                    never finish (a busy loop burns them; code that waits is ended by the
                                    clock, at 3 x that + 10 s): short, as only this step is graded with it
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import MANIFEST
from grader.manifest import Step

CORPUS = Path(__file__).parent / "corpus"


@dataclass
class Case:
    path: Path
    step_name: str = ""  # as the header wrote it: a slug
    status: str = "passed"
    messages: list[str] = field(default_factory=list)
    time_limit: float | None = None

    @property
    def step(self) -> Step:
        """The step the header names, found by its slug in the manifest; a clear failure for anything else."""
        name = self.step_name
        if not name:
            pytest.fail(f"{self.path.name} has no '# step: SLUG' header (a slug of grader/manifest.toml, "
                        "like process-event)")
        if name.isdigit():
            number = int(name)
            today = f" (step {number} is '# step: {MANIFEST.step(number).slug}')" if number in MANIFEST.numbers else ""
            pytest.fail(f"{self.path.name} names its step by number ('# step: {name}'): name it by its slug "
                        f"instead{today}, so that inserting a step in the manifest renumbers nothing here")
        try:
            return MANIFEST.by_slug(name)
        except KeyError:
            known = ", ".join(step.slug for step in MANIFEST.steps)
            pytest.fail(f"{self.path.name}: '# step: {name}' is no step of grader/manifest.toml ({known})")


def _cases(kind: str) -> list[Case]:
    cases = []
    for path in sorted((CORPUS / kind).glob("*.py")):
        case = Case(path)
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.startswith("# "):
                break
            key, _, value = line[2:].partition(": ")
            if key == "step":
                case.step_name = value.strip()
            elif key == "status":
                case.status = value
            elif key == "message":
                case.messages.append(value)
            elif key == "time-limit":
                case.time_limit = float(value)
        cases.append(case)
    return cases


RIGHT, WRONG = _cases("right"), _cases("wrong")


def test_every_corpus_file_names_its_step_by_slug():
    for case in RIGHT + WRONG:
        assert case.step.slug  # case.step fails, saying which file and why: no header, a number, an unknown slug


def test_the_corpus_is_big_enough():
    assert len(WRONG) >= 25
    every_slug = {step.slug for step in MANIFEST.steps}
    assert {case.step.slug for case in WRONG} == every_slug
    assert {case.step.slug for case in RIGHT} == every_slug


@pytest.mark.parametrize("case", RIGHT, ids=[case.path.stem for case in RIGHT])
def test_right_answer_passes(case, grade_source):
    result = grade_source(case.step.number, case.path.read_bytes())
    assert result.status == "passed", result.message


@pytest.mark.parametrize("case", WRONG, ids=[case.path.stem for case in WRONG])
def test_wrong_answer_fails_at_its_step_and_says_why(case, grade_source):
    assert case.messages, f"{case.path.name} must say which words the message needs ('# message: ...')"
    step = case.step
    result = grade_source(step.number, case.path.read_bytes(), time_limit=case.time_limit)
    assert result.status == case.status, result.message
    if case.status == "failed":
        failed_at = MANIFEST.step(result.first_failure.first_step).slug
        assert failed_at == step.slug, f"failed at a check of step {failed_at}: {result.message}"
    for words in case.messages:
        assert words in result.message
