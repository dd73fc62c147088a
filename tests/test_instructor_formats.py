"""What instructors get: points and partial credit, JUnit XML, Exercism's results.json, integrity."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ElementTree

from conftest import KIT, MANIFEST, run_cli
from grader import messages

WRONG_VIEW_TYPE = ("NEW_AND_OLD_IMAGES", "NEW_IMAGE")
ENABLE_STREAMS, PROCESS_EVENT = MANIFEST.by_slug("enable-streams"), MANIFEST.by_slug("process-event")


def break_enable_streams(folder):
    path = folder / ENABLE_STREAMS.file
    path.write_text(path.read_text().replace(*WRONG_VIEW_TYPE))


def test_partial_credit_is_the_fraction_of_the_steps_own_checks(solutions_copy, grade_source):
    from grader.maintain import checks_of

    source = (solutions_copy / ENABLE_STREAMS.file).read_text().replace(*WRONG_VIEW_TYPE)
    result = grade_source(ENABLE_STREAMS.number, source)
    own = checks_of(ENABLE_STREAMS)
    assert result.status == "failed"
    assert result.score == round(ENABLE_STREAMS.points * (len(own) - 1) / len(own), 2)
    assert result.max_score == ENABLE_STREAMS.points


def test_untouched_and_rule_breaking_steps_earn_nothing(grade_source, solutions_copy):
    assert grade_source(ENABLE_STREAMS.number, ENABLE_STREAMS.starter_text()).score == 0
    network = (solutions_copy / ENABLE_STREAMS.file).read_text() + (
        "\nimport socket\ntry:\n    socket.create_connection(('127.0.0.1', 9), timeout=1)\nexcept OSError:\n    pass\n")
    result = grade_source(ENABLE_STREAMS.number, network)
    assert result.status == "error" and result.score == 0 and "network" in result.message


def test_points_come_from_the_manifest(tmp_path):
    from grader.manifest import load_manifest

    original = (KIT / "grader" / "manifest.toml").read_text()
    text = original.replace("points = 1\n", "points = 2.5\n", 1)  # the default
    text = text.replace('slug = "simulate-event"\n', 'slug = "simulate-event"\npoints = 10\n')  # one step's own
    assert text.count("points = 2.5") == text.count("points = 10") == 1, "the manifest no longer reads as expected"
    (tmp_path / "manifest.toml").write_text(text)
    manifest = load_manifest(tmp_path / "manifest.toml")
    assert {step.slug: step.points for step in manifest.steps} == {
        step.slug: 10 if step.slug == "simulate-event" else 2.5 for step in MANIFEST.steps}


def test_json_shows_points(solutions_copy):
    break_enable_streams(solutions_copy)
    document = json.loads(run_cli("--target", str(solutions_copy), "--format", "json").stdout)
    assert [entry["max_score"] for entry in document["steps"]] == [1, 1, 1, 1, 0], "bonus points are extra credit"
    scores = {entry["step"]: entry["score"] for entry in document["steps"]}
    assert 0 < scores.pop(ENABLE_STREAMS.number) < 1
    assert set(scores.values()) == {1}
    assert document["score"] == sum(entry["score"] for entry in document["steps"])


def test_text_shows_points(solutions_copy):
    done = run_cli("--target", str(solutions_copy))
    assert done.stdout.splitlines()[-1] == "4 / 4 steps · bonus 1 / 1 · 4 / 4 points + 1 bonus"


def test_junit_has_one_testcase_per_check(solutions_copy):
    from grader.maintain import checks_of

    break_enable_streams(solutions_copy)
    done = run_cli("--target", str(solutions_copy), "--format", "junit")
    root = ElementTree.fromstring(done.stdout)
    suites = root.findall("testsuite")
    assert [suite.get("name") for suite in suites] == [f"Step {s.number}: {s.title}" for s in MANIFEST.steps]
    for suite, step in zip(suites, MANIFEST.steps):
        expected = sorted(name for first in MANIFEST.steps[:step.number] for name in checks_of(first))
        assert sorted(case.get("name") for case in suite.findall("testcase")) == expected
        properties = {p.get("name"): p.get("value") for p in suite.find("properties")}
        assert float(properties["max_score"]) == (0 if step.bonus else step.points)
    failures = [case for case in suites[ENABLE_STREAMS.number - 1].findall("testcase")
                if case.find("failure") is not None]
    assert [case.get("name") for case in failures] == ["stream_view_type_is_new_and_old_images"]
    assert "NEW_IMAGE records carry only" in failures[0].find("failure").text
    assert root.get("failures") == "1" and root.get("errors") == "0"


def test_junit_marks_code_that_could_not_run_as_errors(solutions_copy):
    (solutions_copy / PROCESS_EVENT.file).write_text("def process_event(record:\n")
    root = ElementTree.fromstring(run_cli("--target", str(solutions_copy), "--format", "junit").stdout)
    suite = root.findall("testsuite")[PROCESS_EVENT.number - 1]
    assert int(suite.get("errors")) == int(suite.get("tests")) > 0


def test_exercism_results_follow_version_3(solutions_copy):
    path = solutions_copy / PROCESS_EVENT.file
    path.write_text(path.read_text().replace("    return (product_id, stock)",
                                             "    print('x' * 2000)\n    return (product_id, str(stock))"))
    done = run_cli("--target", str(solutions_copy), "--format", "exercism")
    assert done.returncode == 1, "without --exit-zero, a failing step still exits 1, as before"
    document = json.loads(done.stdout)
    assert document["version"] == 3 and document["status"] == "fail"
    assert [test["task_id"] for test in document["tests"]] == MANIFEST.numbers
    assert [test["status"] for test in document["tests"]] == [
        "fail" if number == PROCESS_EVENT.number else "pass" for number in MANIFEST.numbers]
    assert "message" not in document["tests"][0] and "output" not in document["tests"][0]
    for test, step in zip(document["tests"], MANIFEST.steps):
        assert test["test_code"].startswith(f"# The grader runs {step.file} ")
        assert "stream_view_type_is_new_and_old_images" not in test["test_code"], "checks are named in words"
    assert "#   - stream view type is new and old images" in document["tests"][ENABLE_STREAMS.number - 1]["test_code"]
    failed = document["tests"][PROCESS_EVENT.number - 1]
    assert failed["message"].startswith(f"In {PROCESS_EVENT.file}, process_event:"), "relative to the solution"
    assert "The stock must be an int, but it is a str." in failed["message"]
    assert failed["message"].endswith(f"Hint: {PROCESS_EVENT.hint}")
    assert len(failed["message"]) > 500, "the spec caps output, not message: this one is long and whole"
    assert "xxxx" not in failed["message"] and "Your code printed" not in failed["message"]
    assert len(failed["output"]) == 500 and failed["output"].startswith("x" * 400)
    assert failed["output"].endswith("Output was truncated. Please limit to 500 chars")
    assert str(solutions_copy) not in done.stdout
    assert document["max_score"] == 4 and 2 <= document["score"] < 5


def test_exercism_exit_zero_whenever_it_ran(solutions_copy):
    break_enable_streams(solutions_copy)
    done = run_cli("--target", str(solutions_copy), "--format", "exercism", "--exit-zero")
    assert done.returncode == 0 and json.loads(done.stdout)["status"] == "fail"
    bad = run_cli("--target", str(solutions_copy / "nowhere"), "--format", "exercism", "--exit-zero")
    assert bad.returncode == 2 and not bad.stdout, "a runner error is still an error"


def test_a_bonus_file_that_stops_with_an_error_leaves_the_other_steps_alone(solutions_copy):
    """The bonus step's process is sent its calls early, while other steps' checks run: its crash is its own."""
    path = solutions_copy / MANIFEST.steps[-1].file
    path.write_text(path.read_text() + "\nraise ValueError('stopped here')\n")
    document = json.loads(run_cli("--target", str(solutions_copy), "--format", "json").stdout)
    assert [entry["status"] for entry in document["steps"]] == ["error" if step.bonus else "passed"
                                                                for step in MANIFEST.steps]


def test_exercism_status_is_error_when_nothing_could_run(solutions_copy):
    for step in MANIFEST.steps:
        (solutions_copy / step.file).write_text("def broken(:\n")
    document = json.loads(run_cli("--target", str(solutions_copy), "--format", "exercism").stdout)
    assert document["status"] == "error" and "SyntaxError" in document["message"]


def test_integrity_record_is_current():
    from grader import integrity

    assert not integrity.is_modified(), "grader/ changed: record it with `python -m grader.integrity --record`"


def test_a_modified_grader_is_reported(tmp_path):
    kit = tmp_path / "kit"
    shutil.copytree(KIT / "grader", kit / "grader", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(KIT / "solutions", kit / "steps")
    clean = json.loads(run_cli("--format", "json", cwd=kit).stdout)
    assert clean["grader_modified"] is False
    checks = kit / "grader" / "steps" / ENABLE_STREAMS.identifier / "checks.py"
    checks.write_text(checks.read_text().replace("def test_stream_is_enabled", "def _disabled"))
    tampered = run_cli("--format", "json", cwd=kit)
    assert json.loads(tampered.stdout)["grader_modified"] is True
    text = run_cli(cwd=kit).stdout
    assert "the grader's own files (grader/) differ from the kit as published" in text


def test_exercism_never_advises_a_local_command_for_more_time(solutions_copy):
    """An Exercism learner cannot pass --time-limit: a step that runs out of time says whom to ask instead."""
    step = solutions_copy / MANIFEST.step(1).file
    step.write_text(step.read_text(encoding="utf-8") + "\nwhile True:\n    pass\n", encoding="utf-8")
    done = run_cli("--target", str(solutions_copy), "--format", "exercism", "--step", "1", "--time-limit", "1")
    document = json.loads(done.stdout)
    assert document["tests"][0]["status"] == "error"  # Exercism's word for a test that could not finish
    assert messages.MORE_TIME_ELSEWHERE in document["tests"][0]["message"]
    assert "--time-limit" not in done.stdout and "nox " not in done.stdout
