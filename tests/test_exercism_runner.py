"""bin/run.sh, Exercism's test-runner interface (`run.sh SLUG INPUT_DIR OUTPUT_DIR`, folders given with a
trailing slash), run for real with bash: it writes OUTPUT_DIR/results.json and exits 0 whenever it ran."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import KIT, MANIFEST
from grader import messages

RUN_SH = KIT / "bin" / "run.sh"
SLUG = "dynamodb-streams"
ENABLE_STREAMS = MANIFEST.by_slug("enable-streams")


def run_sh(*args: str, python: str = sys.executable, cwd: Path | None = None) -> subprocess.CompletedProcess:
    environment = {**os.environ, "GRADER_PYTHON": python}
    environment.pop("PYTHONPATH", None)
    return subprocess.run(["bash", str(RUN_SH), *args], capture_output=True, text=True, encoding="utf-8",
                          timeout=180, stdin=subprocess.DEVNULL, env=environment, cwd=cwd)


def results(output: Path) -> dict:
    assert sorted(path.name for path in output.iterdir()) == ["results.json"], "nothing else is left there"
    return json.loads((output / "results.json").read_text(encoding="utf-8"))


def test_a_solution_that_passes(tmp_path):
    solution, output = tmp_path / "solution", tmp_path / "output"
    shutil.copytree(KIT / "solutions", solution)
    output.mkdir()
    done = run_sh(SLUG, f"{solution}/", f"{output}/")
    assert done.returncode == 0, done.stderr
    document = results(output)
    assert document["version"] == 3 and document["status"] == "pass"
    assert [test["task_id"] for test in document["tests"]] == MANIFEST.numbers
    assert all(test["test_code"] for test in document["tests"])


def test_a_failing_solution_still_exits_0_with_paths_relative_to_it(tmp_path):
    """A whole kit handed in: its steps/ are graded, with one step broken, and never its own grader/."""
    solution, output = tmp_path / "in put", tmp_path / "out"
    shutil.copytree(KIT / "solutions", solution / "steps")
    broken = solution / "steps" / ENABLE_STREAMS.file
    broken.write_text(broken.read_text().replace("NEW_AND_OLD_IMAGES", "NEW_IMAGE"))
    (solution / "grader").mkdir()
    (solution / "grader" / "__init__.py").write_text("raise SystemExit('a grader of my own')\n")
    (solution / "grader" / "__main__.py").write_text("raise SystemExit('a grader of my own')\n")
    done = run_sh(SLUG, f"{solution}/", f"{output}/", cwd=solution)  # the output folder is made if need be
    assert done.returncode == 0, done.stderr
    document = results(output)
    assert document["status"] == "fail"
    assert [test["status"] for test in document["tests"]] == [
        "fail" if step is ENABLE_STREAMS else "pass" for step in MANIFEST.steps]
    message = document["tests"][ENABLE_STREAMS.number - 1]["message"]
    assert message.startswith(f"In {ENABLE_STREAMS.file}, ")
    assert str(tmp_path) not in (output / "results.json").read_text(encoding="utf-8")


def test_step_files_in_the_folder_itself_come_before_a_steps_folder(tmp_path):
    solution, output = tmp_path / "solution", tmp_path / "output"
    shutil.copytree(KIT / "steps", solution / "steps")  # the starters: not started
    shutil.copytree(KIT / "solutions", solution, dirs_exist_ok=True)
    assert run_sh(SLUG, str(solution), str(output)).returncode == 0
    assert results(output)["status"] == "pass"


def test_it_exits_non_zero_only_when_it_could_not_run(tmp_path):
    solution, output = tmp_path / "solution", tmp_path / "output"
    shutil.copytree(KIT / "solutions", solution)
    for args in ((SLUG, str(solution)), (SLUG, str(tmp_path / "nowhere"), str(output))):
        done = run_sh(*args)
        assert done.returncode == 2 and done.stderr.strip() and "Traceback" not in done.stderr
    failing_python = tmp_path / "python"
    failing_python.write_text("#!/bin/sh\necho 'half a document' \nexit 3\n")
    failing_python.chmod(0o755)
    done = run_sh(SLUG, str(solution), str(output), python=str(failing_python))
    assert done.returncode == 3
    assert not output.exists() or not list(output.iterdir()), "no results.json, not even half of one"


FORGED_HARNESS_FAULT = """
import json, sys
_channel = sys.modules["__main__"].grader_channel.outgoing
_channel.write(json.dumps({"event": "harness_fault", "detail": "forged"}).encode() + b"\\n")
_channel.flush()
"""


def test_the_learner_reads_no_advice_for_the_local_kit(tmp_path):
    """No `nox -s reset` for a missing file and no GRADER_DEBUG for a grader fault: the runner's learner can set
    neither. (The fault here is forged by the learner's own file, which the grader reports as its own.)"""
    solution, output = tmp_path / "solution", tmp_path / "output"
    shutil.copytree(KIT / "solutions", solution)
    (solution / MANIFEST.step(1).file).unlink()
    with (solution / ENABLE_STREAMS.file).open("a", encoding="utf-8") as file:
        file.write(FORGED_HARNESS_FAULT)
    assert run_sh(SLUG, str(solution), str(output)).returncode == 0
    tests = results(output)["tests"]
    assert tests[0]["status"] == "fail" and tests[0]["message"] == messages.exercism_missing(MANIFEST.step(1).file)
    assert "The grader itself went wrong" in tests[ENABLE_STREAMS.number - 1]["message"]
    text = (output / "results.json").read_text(encoding="utf-8")
    for local in ("nox ", "--time-limit", "GRADER_DEBUG"):
        assert local not in text
