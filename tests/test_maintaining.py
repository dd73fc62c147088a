"""For maintainers: a step is one folder, steps/ is written from it, and adding a step renumbers nothing by hand."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import pytest
from conftest import KIT, MANIFEST


def _kit_copy(tmp_path):
    kit = tmp_path / "kit"
    ignore = shutil.ignore_patterns("__pycache__")
    for folder in ("grader", "steps", "solutions"):
        shutil.copytree(KIT / folder, kit / folder, ignore=ignore)
    return kit


def _run(kit, module: str, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", module, *args], cwd=kit, capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture
def kit(tmp_path):
    return _kit_copy(tmp_path)


def test_a_step_added_in_the_middle_from_the_template_passes_check(kit):
    added = _run(kit, "grader.sync", "--new", "check-stock", "--title", "Check a stock level", "--after",
                 "process-event")
    assert added.returncode == 0, added.stderr
    after = MANIFEST.by_slug("process-event").number
    # Every later step moved up one, its file name and heading with it, in steps/ and solutions/ alike.
    names = sorted(path.name for path in (kit / "steps").glob("*.py"))
    assert names == sorted(path.name for path in (kit / "solutions").glob("*.py"))
    assert f"step{after + 1}_check_stock.py" in names
    for step in MANIFEST.steps:
        moved = step.number + 1 if step.number > after else step.number
        text = (kit / "steps" / f"step{moved}_{step.identifier}.py").read_text(encoding="utf-8")
        core = len(MANIFEST.core) + 1
        heading = (f"# Bonus step {moved} (optional)." if step.bonus else f"# Step {moved} of {core}.")
        assert text.startswith(heading), text.split("\n")[0]
        assert (kit / "solutions" / f"step{moved}_{step.identifier}.py").read_text().startswith(heading)
    assert _run(kit, "grader.sync").stdout.startswith("✓ steps/ and solutions/ already agree"), "sync is idempotent"

    check = _run(kit, "grader.maintain")
    assert check.returncode == 0, check.stdout + check.stderr
    assert f"✓ {len(MANIFEST.steps) + 1} steps" in check.stdout

    graded = json.loads(_run(kit, "grader", "--target", "solutions", "--format", "json").stdout)
    assert [(entry["step"], entry["name"]) for entry in graded["steps"]][after] == (after + 1, "check-stock")
    assert all(entry["status"] == "passed" for entry in graded["steps"])
    assert graded["total"] == len(MANIFEST.core) + 1


def test_check_fails_until_sync_writes_steps(kit):
    step = MANIFEST.by_slug("process-event")
    starter = kit / "grader" / "steps" / step.identifier / "starter.py"
    starter.write_text(starter.read_text(encoding="utf-8") + "# one more line of instructions\n", encoding="utf-8")
    assert _run(kit, "grader.integrity", "--record").returncode == 0
    check = _run(kit, "grader.maintain")
    assert check.returncode == 1
    assert f"steps/{step.file} differs from grader/steps/{step.identifier}/starter.py (write it with nox -s sync)" \
        in check.stdout
    synced = _run(kit, "grader.sync")
    assert f"✓ wrote steps/{step.file}" in synced.stdout
    assert (kit / "steps" / step.file).read_text(encoding="utf-8").endswith("# one more line of instructions\n")


def test_check_names_a_checks_module_without_its_marker_and_a_check_without_its_hint(kit):
    step = MANIFEST.by_slug("enable-streams")
    checks = kit / "grader" / "steps" / step.identifier / "checks.py"
    text = checks.read_text(encoding="utf-8")
    text = text.replace(f'pytest.mark.step("{step.slug}")', 'pytest.mark.step("enable-stream")')
    text = re.sub(r'(def test_stream_is_enabled\(run\):\n)    """.*?"""\n', r"\1", text, count=1, flags=re.S)
    checks.write_text(text, encoding="utf-8")
    _run(kit, "grader.integrity", "--record")
    check = _run(kit, "grader.maintain")
    assert check.returncode == 1
    assert f'must say pytestmark = pytest.mark.step("{step.slug}") (found \'enable-stream\')' in check.stdout
    assert "the check stream_is_enabled has no docstring" in check.stdout


def test_a_checks_module_without_a_step_marker_is_a_clear_grader_error(kit):
    step = MANIFEST.by_slug("enable-streams")
    checks = kit / "grader" / "steps" / step.identifier / "checks.py"
    checks.write_text(checks.read_text(encoding="utf-8").replace(f'pytestmark = pytest.mark.step("{step.slug}")', ""),
                      encoding="utf-8")
    done = _run(kit, "grader", "--target", "solutions", "--step", "1")
    assert done.returncode == 3, "a fault of the grader, not Ctrl-C"
    assert "its module needs pytestmark = pytest.mark.step(SLUG)" in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("mark", ["skip", "xfail"])
def test_a_check_marked_to_be_skipped_is_a_clear_grader_error(kit, mark):
    """The grader's pytest has no skipping plugin (each plugin costs time on every check): a check marked to be
    skipped would run anyway, so the mark is refused rather than ignored."""
    step = MANIFEST.by_slug("create-table")
    checks = kit / "grader" / "steps" / step.identifier / "checks.py"
    text = checks.read_text(encoding="utf-8")
    first = re.search(r"^def test_", text, flags=re.M).start()
    checks.write_text(text[:first] + f"@pytest.mark.{mark}\n" + text[first:], encoding="utf-8")
    done = _run(kit, "grader", "--target", "solutions", "--step", "1")
    assert done.returncode == 3, done.stdout + done.stderr
    assert f"a check is never skipped (pytest.mark.{mark})" in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_sync_keeps_a_learners_edited_file_it_cannot_place(kit):
    (kit / "steps" / "step9_old_step.py").write_text("my_work = 1\n", encoding="utf-8")
    (kit / "steps" / "step8_gone.py").write_text("# Step 8 of 9. ...\n" +
                                                 MANIFEST.step(1).starter.read_text(encoding="utf-8"))
    synced = _run(kit, "grader.sync")
    assert synced.returncode == 0
    assert (kit / "steps" / "step9_old_step.py").read_text() == "my_work = 1\n"
    assert "! steps/step9_old_step.py belongs to no step and is not a starter: left as it is" in synced.stdout
    assert not (kit / "steps" / "step8_gone.py").exists()


@pytest.mark.parametrize("args, words", [
    (["--new", "Check Stock", "--title", "x"], "must be lowercase words joined by hyphens"),
    (["--new", "process-event", "--title", "x"], "there is a step process-event already"),
    (["--new", "check-stock"], "--title must say what the step is about"),
    (["--new", "check-stock", "--title", "x", "--after", "audit-trail"], "a step goes before the bonus steps"),
    (["--new", "check-stock", "--title", "x", "--after", "nowhere"], "there is no step nowhere"),
])
def test_sync_refuses_a_bad_new_step_in_one_line(kit, args, words):
    done = _run(kit, "grader.sync", *args)
    assert done.returncode == 2
    assert words in done.stderr and len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert not (kit / "grader" / "steps" / "check_stock").exists()
