"""The --state file (hints that grow) sits in the learner's folder, so it may be anything. The grader reads
and replaces it only when it is a regular file, and grades normally whatever it is."""

from __future__ import annotations

import json
import os

import pytest

from conftest import MANIFEST, run_cli
from grader import hints

NOTE = "is not a regular file, so hints will not grow; delete it to fix this"
STEP1 = MANIFEST.step(1).file


@pytest.fixture
def failing_step1(solutions_copy):
    """A folder whose step 1 fails a check, so the grader has a failure to remember."""
    path = solutions_copy / STEP1
    path.write_text(path.read_text(encoding="utf-8").replace('"TableName": "Products"', '"TableName": "products"'),
                    encoding="utf-8")
    return solutions_copy


def grade_step1(folder, state) -> str:
    """`python -m grader --step 1 --state STATE`, which must end and grade as usual; returns its stderr."""
    done = run_cli("--target", str(folder), "--step", "1", "--state", str(state))  # times out after 120 s
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines()[0].startswith(f"✗ Step 1: {MANIFEST.step(1).title}")
    assert "0 / 1 steps" in done.stdout.splitlines()[-1]
    assert "Traceback" not in done.stderr
    return done.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_is_neither_waited_on_nor_replaced(failing_step1, tmp_path):
    fifo = tmp_path / "grader-state.json"
    os.mkfifo(fifo)
    stderr = grade_step1(failing_step1, fifo)
    assert stderr.count(NOTE) == 1 and str(fifo) in stderr
    assert fifo.is_fifo()


def test_a_symlink_is_not_written_through(failing_step1, tmp_path):
    precious = tmp_path / "precious.txt"
    precious.write_text("the learner's own file", encoding="utf-8")
    state = tmp_path / "grader-state.json"
    try:
        state.symlink_to(precious)
    except (OSError, NotImplementedError):
        pytest.skip("this system does not let us create symlinks")
    assert grade_step1(failing_step1, state).count(NOTE) == 1
    assert state.is_symlink()
    assert precious.read_text(encoding="utf-8") == "the learner's own file"


def test_a_directory_is_left_alone(failing_step1, tmp_path):
    state = tmp_path / "grader-state.json"
    state.mkdir()
    assert grade_step1(failing_step1, state).count(NOTE) == 1
    assert state.is_dir() and not any(state.iterdir())


@pytest.mark.parametrize("content", [
    b'{"1": {"check": "x", "times": 1}, "padding": "' + b"x" * (hints.READ_LIMIT + 10) + b'"}',  # huge
    b'{"1": {"check": ',  # cut short
    b"[" * 200_000,  # deeper than the JSON parser can go
    b"\xff\xfe not UTF-8",
    b'{"1": {"check": "table_name_is_products", "times": "many"}}',  # the right shape, a wrong value
])
def test_a_broken_state_file_still_grades_and_is_replaced(failing_step1, tmp_path, content):
    state = tmp_path / "grader-state.json"
    state.write_bytes(content)
    assert NOTE not in grade_step1(failing_step1, state)
    remembered = json.loads(state.read_text(encoding="utf-8"))
    assert set(remembered) == {"1"} and remembered["1"]["times"] == 1
    assert [path.name for path in tmp_path.iterdir() if path.name.endswith(".tmp")] == [], "no temporary file left"


def test_a_regular_state_file_still_makes_hints_grow(failing_step1, tmp_path):
    state = tmp_path / "nox" / "grader-state.json"  # its folder is made when missing
    grade_step1(failing_step1, state)
    done = run_cli("--target", str(failing_step1), "--step", "1", "--state", str(state))
    assert "More help:" in done.stdout
    assert json.loads(state.read_text(encoding="utf-8"))["1"]["times"] == 2


def test_the_note_is_given_once_per_run(tmp_path, capsys):
    state = tmp_path / "grader-state.json"
    state.mkdir()
    assert hints.remember_failures([], state) == set()
    assert hints.remember_failures([], state) == set()
    assert capsys.readouterr().err.count(NOTE) == 1
