"""Helpers for the kit's own tests: grade a learner file in-process, or run the grader's CLI for real."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grader.grading import StepResult, grade
from grader.manifest import load_manifest

KIT = Path(__file__).resolve().parent.parent
MANIFEST = load_manifest()


def step_file(step: int) -> str:
    return MANIFEST.step(step).file


@pytest.fixture
def grade_source(tmp_path):
    """grade_source(step, text) writes ``text`` as that step's file and grades it; returns the StepResult."""

    def grade_it(step: int, text: str | bytes, **options) -> StepResult:
        path = tmp_path / step_file(step)
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        (result,) = grade(MANIFEST, tmp_path, [step], **options)
        return result

    return grade_it


@pytest.fixture
def solutions_copy(tmp_path) -> Path:
    """A folder holding a copy of every reference solution, to break one file at a time."""
    folder = tmp_path / "answers"
    shutil.copytree(KIT / "solutions", folder)
    return folder


def run_cli(*args: str, cwd: Path = KIT, timeout: float = 120, encoding: str = "utf-8",
            module: str = "grader") -> subprocess.CompletedProcess:
    """`python -m grader ARGS` in a real subprocess, as a learner or instructor runs it."""
    environment = {**os.environ, "PYTHONIOENCODING": encoding}
    environment.pop("NO_COLOR", None)
    return subprocess.run([sys.executable, "-m", module, *args], cwd=cwd, capture_output=True, text=True,
                          encoding=encoding, timeout=timeout, stdin=subprocess.DEVNULL, env=environment)
