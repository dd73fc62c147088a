"""The learner's command, `nox -s grade`, run for real (in this Python, without making an environment)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

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
