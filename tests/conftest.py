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


def _kit_dependencies() -> list[str]:
    try:
        import tomllib
    except ImportError:  # Python 3.10: tomli is one of the kit's dependencies there
        import tomli as tomllib
    return tomllib.loads((KIT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]


@pytest.fixture(scope="session")
def open_python() -> str:
    """A Python with the kit's dependencies that other users can run, for the separate-user sandbox (whose
    learner processes run the grader's Python as another uid; the tests' own venv may live under /root, closed
    to others). Built once per session with uv, offline from its cache; skipped, saying why, where it cannot be."""
    import tempfile

    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("a separate user needs root")
    uv = shutil.which("uv") or shutil.which("uv", path=str(Path.home() / ".local" / "bin"))
    base = "/usr/bin/python3"
    if uv is None or not os.access(base, os.X_OK):
        pytest.skip(f"cannot build a Python other users can run: no uv, or no {base}")
    folder = Path(tempfile.mkdtemp(prefix="kit-python-"))
    try:
        folder.chmod(0o755)
        venv = folder / "venv"
        for command in ([uv, "venv", "-q", "--python", base, str(venv)],
                        [uv, "pip", "install", "-q", "--offline", "--python", str(venv / "bin" / "python"),
                         *_kit_dependencies()]):
            done = subprocess.run(command, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
            if done.returncode:
                last = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
                pytest.skip(f"cannot build a Python other users can run ({' '.join(command[:3])}): {last}")
        python = str(venv / "bin" / "python")
        as_nobody = subprocess.run([python, "-c", "pass"], user=65534, group=65534, extra_groups=[], cwd="/",
                                   env={}, capture_output=True, text=True, timeout=60)
        if as_nobody.returncode:
            pytest.skip(f"the Python built in {folder} cannot be run by other users: {as_nobody.stderr.strip()}")
        yield python
    finally:
        shutil.rmtree(folder, ignore_errors=True)
