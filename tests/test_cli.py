"""`python -m grader` as learners and instructors run it: real subprocesses, real output."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import KIT, MANIFEST, run_cli


@pytest.fixture
def untouched_kit(tmp_path):
    folder = tmp_path / "steps"
    shutil.copytree(KIT / "steps", folder)
    return folder


def test_untouched_kit_grades_0_of_4_and_explains_step_1(untouched_kit):
    done = run_cli("--target", str(untouched_kit))
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[0].startswith("○ Step 1: Create the DynamoDB Products table (not started)")
    assert "Open " in lines[1] and "step1_create_table.py" in lines[1]
    assert lines[2].strip() == "Hint: " + MANIFEST.step(1).hint
    for step in MANIFEST.steps[1:]:
        assert f"○ Step {step.number}: {step.title} (not started)" in lines
    assert lines[-1] == "0 / 4 steps · bonus 0 / 1 · 0 / 4 points"
    assert done.stdout.count("Hint:") == 1


def test_solutions_grade_4_of_4():
    done = run_cli("--target", str(KIT / "solutions"))
    assert done.returncode == 0, done.stdout + done.stderr
    for step in MANIFEST.steps:
        assert f"✓ Step {step.number}: {step.title} (passed)" in done.stdout
    assert done.stdout.splitlines()[-1].startswith("4 / 4 steps · bonus 1 / 1 · 4 / 4 points")


def test_default_target_is_the_kits_steps_folder():
    done = run_cli("--format", "json")
    files = [step["file"] for step in json.loads(done.stdout)["steps"]]
    assert files == [f"steps/{step.file}" for step in MANIFEST.steps]


def test_json_holds_only_the_document_with_every_field(solutions_copy):
    (solutions_copy / MANIFEST.step(2).file).write_text("print('✓ Step 2 passed')\nsyntax error here\n")
    done = run_cli("--target", str(solutions_copy), "--format", "json")
    document = json.loads(done.stdout)
    assert set(document) == {"steps", "passed", "total", "bonus_passed", "bonus_total", "score", "max_score",
                             "grader_modified", "seed", "confinement"}
    assert (document["passed"], document["total"], document["bonus_passed"], document["bonus_total"]) == (3, 4, 1, 1)
    assert (document["score"], document["max_score"]) == (3 + MANIFEST.step(5).points, 4)
    assert document["grader_modified"] is False
    for entry, step in zip(document["steps"], MANIFEST.steps):
        assert set(entry) == {"step", "name", "title", "file", "status", "message", "hint", "score", "max_score", "bonus",
                              "output"}
        assert (entry["step"], entry["title"], entry["hint"]) == (step.number, step.title, step.hint)
    assert [entry["status"] for entry in document["steps"]] == ["passed", "error", "passed", "passed", "passed"]
    assert done.returncode == 1


def test_one_step_only(solutions_copy):
    done = run_cli("--target", str(solutions_copy), "--step", "3", "--format", "json")
    document = json.loads(done.stdout)
    assert [entry["step"] for entry in document["steps"]] == [3]
    assert done.returncode == 0


def test_a_missing_step_file_is_reported_as_missing(solutions_copy):
    (solutions_copy / MANIFEST.step(4).file).unlink()
    done = run_cli("--target", str(solutions_copy), "--format", "json")
    statuses = [entry["status"] for entry in json.loads(done.stdout)["steps"]]
    assert statuses == ["passed", "passed", "passed", "missing", "passed"]
    assert "is missing" in json.loads(done.stdout)["steps"][3]["message"]


@pytest.mark.parametrize("args, words", [
    (["--target", "no/such/folder"], "no/such/folder is not a folder of step files"),
    (["--step", "9"], "there is no step 9; the steps are 1 to 5"),
    (["--step", "two"], "there is no step two; the steps are 1 to 5 (create-table"),
    (["--format", "xml"], "argument --format: invalid choice: 'xml'"),
    (["--time-limit", "0"], "--time-limit must be a positive number of seconds"),
    (["--colour"], "unrecognized arguments: --colour"),
])
def test_bad_options_give_one_line_and_exit_2(args, words):
    done = run_cli(*args)
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert words in done.stderr
    assert "Traceback" not in done.stderr


def test_a_broken_manifest_gives_one_line(tmp_path, monkeypatch):
    from grader import manifest as manifest_module

    broken = tmp_path / "manifest.toml"
    broken.write_text("[[steps]]\nslug = 1\n")
    with pytest.raises(manifest_module.ManifestError, match="'slug' must be a str"):
        manifest_module.load_manifest(broken)
    broken.write_text("[[steps]]\nslug = 'Process Event'\n")
    with pytest.raises(manifest_module.ManifestError, match="lowercase words joined by hyphens"):
        manifest_module.load_manifest(broken)
    broken.write_text("[[steps]]\nnumber = 3\nslug = 'a'\n")
    with pytest.raises(manifest_module.ManifestError, match="remove 'number'"):
        manifest_module.load_manifest(broken)
    entry = "[[steps]]\nslug = 'a'\ntitle = 't'\nhint = 'h'\nnames = []\n"
    broken.write_text(entry * 2)
    with pytest.raises(manifest_module.ManifestError, match="a is used twice"):
        manifest_module.load_manifest(broken)
    broken.write_text("this is not toml")
    with pytest.raises(manifest_module.ManifestError, match="cannot be read"):
        manifest_module.load_manifest(broken)


def test_plain_ascii_symbols_where_the_terminal_cannot_show_ticks(solutions_copy):
    done = run_cli("--target", str(solutions_copy), "--step", "1", encoding="cp1252")
    assert done.stdout.startswith("OK Step 1")


def test_a_fault_of_the_grader_is_one_line_unless_debugging(capsys, monkeypatch):
    from grader import options

    def broken(argv):
        raise RuntimeError("the checks could not run\nINTERNALERROR> a wall of text")

    monkeypatch.delenv("GRADER_DEBUG", raising=False)
    assert options.run(broken, "grader") == options.EXIT_INTERNAL
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "internal error (not your fault)" in error and "wall of text" not in error
    monkeypatch.setenv("GRADER_DEBUG", "1")
    with pytest.raises(RuntimeError):
        options.run(broken, "grader")
