"""Whatever a learner's file does, `python -m grader` answers with valid output, keeps the other steps'
results, and says what happened in plain words. One test per case in hostile_cases.py."""

from __future__ import annotations

import json
import os
import sys

import pytest

from conftest import MANIFEST, run_cli
from hostile_cases import CASES, TIME_LIMIT


def grade_case(folder, case) -> tuple[dict, list[str]]:
    path = folder / MANIFEST.step(case.step).file
    path.write_bytes(case.source.encode("utf-8") if case.name != "not_utf8" else case.source.encode("latin-1"))
    done = run_cli("--target", str(folder), "--format", "json", "--time-limit", TIME_LIMIT)
    document = json.loads(done.stdout)  # one valid JSON document, whatever the learner printed
    assert done.returncode == (0 if case.status == "passed" else 1)
    entry = document["steps"][case.step - 1]
    others = [e["status"] for e in document["steps"] if e["step"] != case.step]
    return entry, others


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_hostile_learner_code(case, solutions_copy):
    if case.posix_only and os.name != "posix":
        pytest.skip("this safeguard needs POSIX")
    if case.name == "memory_blow_up" and sys.platform == "darwin":
        pytest.skip("macOS does not enforce RLIMIT_AS")
    entry, others = grade_case(solutions_copy, case)
    assert others == ["passed"] * (len(MANIFEST.steps) - 1), "the other steps keep their results"
    assert entry["status"] == case.status, entry["message"]
    for words in case.words:
        assert any(choice in entry["message"] for choice in words.split("|")), words
    assert "Traceback" not in entry["message"] or "What Python said:" in entry["message"]


def test_output_imitating_the_grader_does_not_pass_in_text_either(solutions_copy):
    case = next(c for c in CASES if c.name == "output_imitating_the_grader")
    (solutions_copy / MANIFEST.step(3).file).write_text(case.source, encoding="utf-8")
    done = run_cli("--target", str(solutions_copy), "--step", "3")
    assert done.stdout.splitlines()[0].startswith("✗ Step 3")
    assert "(passed)" not in done.stdout
    assert "0 / 1 steps" in done.stdout.splitlines()[-1]


@pytest.mark.skipif(os.name != "posix", reason="process groups are POSIX")
def test_processes_the_learner_started_do_not_outlive_the_grader(solutions_copy, tmp_path):
    pid_file = tmp_path / "pid"
    source = (solutions_copy / MANIFEST.step(2).file).read_text()
    source += f"\nimport os, time\nif os.fork() == 0:\n    open({str(pid_file)!r}, 'w').write(str(os.getpid()))\n    time.sleep(3600)\n"
    (solutions_copy / MANIFEST.step(2).file).write_text(source)
    run_cli("--target", str(solutions_copy), "--step", "2")
    pid = int(pid_file.read_text())
    stat = f"/proc/{pid}/stat"
    alive = os.path.exists(stat) and open(stat).read().split(")")[-1].split()[0] not in ("Z", "X")
    assert not alive, f"the learner's forked process {pid} is still running"
