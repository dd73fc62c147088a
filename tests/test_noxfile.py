"""The learner's command, `nox -s grade`, run for real (in this Python, without making an environment)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import KIT, MANIFEST


def nox(*args: str) -> subprocess.CompletedProcess:
    # With --no-venv, the session's `python` is the first on PATH: make it this one.
    path = os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")])
    return subprocess.run([sys.executable, "-m", "nox", "--no-venv", "-f", str(KIT / "noxfile.py"), *args],
                          capture_output=True, text=True, encoding="utf-8", timeout=120, stdin=subprocess.DEVNULL,
                          env={**os.environ, "PATH": path})


def test_grade_is_the_default_session_and_grades_a_folder(tmp_path):
    folder = tmp_path / "answers"
    shutil.copytree(KIT / "solutions", folder)
    done = nox("--", "--target", str(folder))
    assert done.returncode == 0, done.stderr
    assert "4 / 4 steps · bonus 1 / 1" in done.stdout


def test_a_bare_number_grades_that_step_only(tmp_path):
    folder = tmp_path / "answers"
    shutil.copytree(KIT / "steps", folder)
    done = nox("-s", "grade", "--", "3", "--target", str(folder))
    assert done.returncode == 0, "failing steps are feedback, not a failed session"
    assert f"○ Step 3: {MANIFEST.step(3).title} (not started)" in done.stdout
    assert "Step 1" not in done.stdout
    assert "0 / 1 steps" in done.stdout


def test_a_bad_option_fails_the_session_with_one_line():
    done = nox("-s", "grade", "--", "--step", "9")
    assert done.returncode != 0
    assert "there is no step 9" in done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr


def test_sessions_have_docstrings_and_maintainer_sessions_are_not_default():
    done = nox("-l")
    assert done.returncode == 0
    listed = {line[2:].split(" -> ")[0]: line for line in done.stdout.splitlines() if " -> " in line}
    assert set(listed) >= {"grade", "check", "tests"}
    assert listed["grade"].startswith("* ")
    assert listed["check"].startswith("- ") and listed["tests"].startswith("- ")


def _noxfile():
    import importlib.util

    spec = importlib.util.spec_from_file_location("kit_noxfile", KIT / "noxfile.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_version_gate_names_the_python_and_what_to_do():
    noxfile = _noxfile()
    words = noxfile.python_too_old((3, 9, 18))
    assert words.startswith("This kit needs Python 3.10 or newer; you have 3.9.18.")
    assert "nox -s grade" in words and "\n" not in words
    assert noxfile.python_too_old((3, 10, 0)) is None and noxfile.python_too_old((3, 13, 1)) is None


def _older_pythons() -> list[str]:
    found = {shutil.which(f"python3.{minor}") for minor in (8, 9)}
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    found |= {str(path) for path in pyenv.glob("3.[89].*/bin/python")}
    return sorted(path for path in found if path and "/shims/" not in path)  # a pyenv shim may run nothing


@pytest.mark.parametrize("python", _older_pythons() or [pytest.param(None, marks=pytest.mark.skip(
    reason="no Python older than 3.10 on this machine"))])
def test_an_older_python_hears_the_gate_first_and_only(python):
    # The noxfile as nox loads it, on a real older Python: the gate speaks before `import nox` (not installed here).
    done = subprocess.run([python, "-c", "import runpy; runpy.run_path('noxfile.py')"], cwd=KIT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("This kit needs Python 3.10 or newer; you have 3."), done.stderr


def test_pytest_typed_in_the_kit_without_its_packages_says_to_grade_with_nox(tmp_path):
    uv = shutil.which("uv") or shutil.which("uv", path=str(Path.home() / ".local" / "bin"))
    if uv is None:
        pytest.skip("no uv to build a Python with pytest alone")
    venv = tmp_path / "venv"
    for command in ([uv, "venv", "-q", "--python", sys.executable, str(venv)],
                    [uv, "pip", "install", "-q", "--offline", "--python", str(venv / "bin" / "python"), "pytest"]):
        if subprocess.run(command, capture_output=True, timeout=300, stdin=subprocess.DEVNULL).returncode:
            pytest.skip("cannot build a Python with pytest alone, offline")
    done = subprocess.run([str(venv / "bin" / "python"), "-m", "pytest", "-p", "no:cacheprovider"], cwd=KIT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 4
    assert "To grade your steps, run: nox -s grade" in done.stdout + done.stderr
    assert "ImportError" not in done.stdout + done.stderr and "Traceback" not in done.stdout + done.stderr
