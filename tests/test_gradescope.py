"""The Gradescope autograder: the zip that `nox -s gradescope` builds, unpacked as Gradescope unpacks it, and its
run_autograder run for real (bash, this Python instead of setup.sh's environment) on students' submissions."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import KIT, MANIFEST, run_cli
from grader import messages

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

VISIBILITY = "after_due_date"
VISIBILITIES = {"visible", "hidden", "after_due_date", "after_published"}
TOP_KEYS = {"score", "execution_time", "output", "output_format", "test_output_format", "test_name_format",
            "visibility", "stdout_visibility", "extra_data", "tests", "leaderboard"}
TEST_KEYS = {"score", "max_score", "status", "name", "name_format", "number", "output", "output_format", "tags",
             "visibility", "extra_data"}
WRONG_VIEW_TYPE = ("NEW_AND_OLD_IMAGES", "NEW_IMAGE")  # breaks the enable-streams step
WRONG_CONVERSION = ('int(new_image["Stock"]["N"])', 'float(new_image["Stock"]["N"])')  # breaks process-event
CREATE_TABLE, ENABLE_STREAMS, PROCESS_EVENT, SIMULATE_EVENT = (
    MANIFEST.by_slug(slug) for slug in ("create-table", "enable-streams", "process-event", "simulate-event"))


def gradescope(*args: str) -> subprocess.CompletedProcess:
    return run_cli(*args, module="grader.gradescope")


def one_line_error(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 2
    assert "Traceback" not in done.stdout + done.stderr
    (line,) = done.stderr.strip().splitlines()
    return line


@pytest.fixture(scope="module")
def autograder_zip(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("build") / "gradescope.zip"
    done = gradescope("build", "--out", str(out), "--visibility", VISIBILITY)
    assert done.returncode == 0, done.stderr
    assert str(out) in done.stdout
    return out


@pytest.fixture
def root(tmp_path, autograder_zip) -> Path:
    """TMP/autograder as Gradescope lays it out: source/ = the unpacked zip, and an empty submission/."""
    folder = tmp_path / "autograder"
    with zipfile.ZipFile(autograder_zip) as archive:
        archive.extractall(folder / "source")
    (folder / "submission").mkdir()
    return folder


def put(folder: Path, *, without: tuple[str, ...] = (), change: dict | None = None) -> Path:
    """The reference solutions as a student's files in ``folder``, less ``without``, with ``change``
    (file -> (old, new)) applied."""
    folder.mkdir(parents=True, exist_ok=True)
    for step in MANIFEST.steps:
        if step.file in without:
            continue
        text = (KIT / "solutions" / step.file).read_text(encoding="utf-8")
        if change and step.file in change:
            old, new = change[step.file]
            assert old in text
            text = text.replace(old, new)
        (folder / step.file).write_text(text, encoding="utf-8")
    return folder


def run_autograder(root: Path, manifest=MANIFEST) -> dict:
    environment = {**os.environ, "AUTOGRADER_ROOT": str(root), "GRADER_PYTHON": sys.executable}
    environment.pop("PYTHONPATH", None)
    done = subprocess.run(["bash", str(root / "source" / "run_autograder")], cwd=root, capture_output=True,
                          text=True, encoding="utf-8", timeout=180, stdin=subprocess.DEVNULL, env=environment)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    document = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    follows_the_spec(document, manifest=manifest)
    return document


def follows_the_spec(document: dict, visibility: str = VISIBILITY, manifest=MANIFEST) -> None:
    """Gradescope's results.json: known keys with the right types, one test per step."""
    assert set(document) <= TOP_KEYS
    assert document["output_format"] == document["test_output_format"] == document["test_name_format"] == "text"
    assert isinstance(document["score"], (int, float)) and not isinstance(document["score"], bool)
    assert isinstance(document["output"], str) and document["output"]
    assert document["visibility"] == visibility
    assert document["stdout_visibility"] in VISIBILITIES
    assert isinstance(document["execution_time"], int) and document["execution_time"] >= 0
    assert isinstance(document["extra_data"], dict)
    tests = document["tests"]
    assert isinstance(tests, list) and len(tests) == len(manifest.steps)
    for test, step in zip(tests, manifest.steps):
        assert set(test) <= TEST_KEYS
        assert test["name"] == f"Step {step.number}: {step.title}"
        assert test["number"] == str(step.number)
        assert test["status"] in ("passed", "failed")
        for key in ("score", "max_score"):
            assert isinstance(test[key], (int, float)) and not isinstance(test[key], bool)
        assert test["max_score"] == step.points, "a bonus step shows its points out of its own"
        assert 0 <= test["score"] <= step.points
        if test["status"] == "passed":
            assert test["score"] == step.points
        assert isinstance(test["output"], str) and test["output"]
        assert test["output_format"] == "text"
        assert test["visibility"] == (step.visibility or visibility)
        assert ("extra credit" in test.get("tags", [])) == step.bonus
    assert document["score"] == round(sum(test["score"] for test in tests), 2)
    assert document["extra_data"]["max_score"] == sum(step.points for step in manifest.core), (
        "the assignment's points are the core steps': the bonus is extra credit beyond them")


def statuses(document: dict) -> list[str]:
    return [test["status"] for test in document["tests"]]


def all_pass_but(*numbers: int) -> list[str]:
    return ["failed" if step.number in numbers else "passed" for step in MANIFEST.steps]


# --- the zip ---------------------------------------------------------------------------------------------

def test_the_zip_holds_the_scripts_and_the_grader_but_no_answers(autograder_zip):
    with zipfile.ZipFile(autograder_zip) as archive:
        infos = {info.filename: info for info in archive.infolist()}
        config = json.loads(archive.read("gradescope.json"))
    names = set(infos)
    assert {"setup.sh", "run_autograder", "pyproject.toml", "grader/manifest.toml", "grader/integrity.txt",
            "grader/grading.py", "grader/gradescope.py", "grader/sandbox/child.py",
            "grader/steps/pytest.ini"} <= names
    assert {f"grader/steps/{step.identifier}/{part}" for step in MANIFEST.steps
            for part in ("starter.py", "checks.py", "words.py")} <= names
    assert not [name for name in names if name.split("/")[0] in ("solutions", "tests", "steps", "dist")]
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")]
    for script in ("setup.sh", "run_autograder"):
        assert (infos[script].external_attr >> 16) & 0o111, f"{script} must be executable"
    assert config["visibility"] == VISIBILITY


def test_setup_installs_the_pyproject_dependencies_and_the_scripts_are_bash(autograder_zip, tmp_path):
    with zipfile.ZipFile(autograder_zip) as archive:
        archive.extractall(tmp_path)
    setup = (tmp_path / "setup.sh").read_text(encoding="utf-8")
    assert setup.startswith("#!/usr/bin/env bash\n")
    assert (tmp_path / "run_autograder").read_text(encoding="utf-8").startswith("#!/usr/bin/env bash\n")
    assert "python3-venv" in setup and "python3 -m venv" in setup
    words = shlex.split(setup.replace("\\\n", " "), comments=True)
    install = words.index("install", words.index("pip", words.index("--upgrade") + 1))
    wanted = tomllib.loads((KIT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    assert wanted and set(wanted) <= set(words[install + 1:])
    for script in ("setup.sh", "run_autograder"):
        checked = subprocess.run(["bash", "-n", str(tmp_path / script)], capture_output=True, text=True, timeout=30)
        assert checked.returncode == 0, checked.stderr


def test_results_are_visible_unless_asked_and_bad_options_are_one_line(tmp_path):
    done = gradescope("build", "--out", str(tmp_path))  # a folder: the zip goes inside
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(tmp_path / "gradescope.zip") as archive:
        assert json.loads(archive.read("gradescope.json"))["visibility"] == "visible"

    assert "--visibility" in one_line_error(gradescope("build", "--out", str(tmp_path / "x.zip"),
                                                       "--visibility", "secret"))
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    assert "is a file, not a folder" in one_line_error(gradescope("build", "--out", str(blocker / "x.zip")))
    assert "not a folder" in one_line_error(gradescope("run", "--root", str(tmp_path / "nowhere")))
    (tmp_path / "nowhere" / "submission").mkdir(parents=True)
    (tmp_path / "nowhere" / "results").write_text("")
    assert "cannot write" in one_line_error(gradescope("run", "--root", str(tmp_path / "nowhere")))
    assert not list(tmp_path.glob("*.zip.*")), "a failed build leaves nothing behind"


def test_the_nox_session_builds_the_zip(tmp_path):
    path = os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")])
    done = subprocess.run([sys.executable, "-m", "nox", "--no-venv", "-f", str(KIT / "noxfile.py"),
                           "-s", "gradescope", "--", "--out", str(tmp_path / "g.zip"), "--visibility", "hidden"],
                          capture_output=True, text=True, encoding="utf-8", timeout=120, stdin=subprocess.DEVNULL,
                          env={**os.environ, "PATH": path})
    assert done.returncode == 0, done.stdout + done.stderr
    with zipfile.ZipFile(tmp_path / "g.zip") as archive:
        assert json.loads(archive.read("gradescope.json"))["visibility"] == "hidden"


# --- run_autograder on submissions ---------------------------------------------------------------------------

def test_a_correct_submission_gets_every_point(root):
    put(root / "submission")
    document = run_autograder(root)
    assert statuses(document) == all_pass_but()
    assert document["score"] == sum(step.points for step in MANIFEST.steps)
    core, bonus = MANIFEST.core, [step for step in MANIFEST.steps if step.bonus]
    assert document["output"] == messages.progress(
        len(core), len(core), sum(s.points for s in core), sum(s.points for s in core),
        len(bonus), len(bonus), sum(s.points for s in bonus))
    assert all(test["output"].startswith(messages.GRADESCOPE_PASSED) for test in document["tests"])
    assert document["extra_data"]["grader_modified"] is False
    core_points, bonus_points = sum(s.points for s in core), sum(s.points for s in bonus)
    assert document["score"] == core_points + bonus_points > document["extra_data"]["max_score"] == core_points
    for test, step in zip(document["tests"], MANIFEST.steps):
        assert (test["score"], test["max_score"]) == (step.points, step.points), "never 1.0 out of 0.0"
        assert (messages.gradescope_extra_credit(step.points, core_points) in test["output"]) == step.bonus


def test_a_wrong_step_fails_with_the_graders_message_hint_and_partial_credit(root):
    put(root / "submission", change={ENABLE_STREAMS.file: WRONG_VIEW_TYPE})
    document = run_autograder(root)
    assert statuses(document) == all_pass_but(ENABLE_STREAMS.number)
    wrong = document["tests"][ENABLE_STREAMS.number - 1]
    assert 0 < wrong["score"] < ENABLE_STREAMS.points
    assert f"In {ENABLE_STREAMS.file}," in wrong["output"]  # the name the student knows, no temporary path
    assert "expected: 'NEW_AND_OLD_IMAGES'" in wrong["output"] and "found:    'NEW_IMAGE'" in wrong["output"]
    assert wrong["output"].endswith(f"{messages.HINT_LABEL} {ENABLE_STREAMS.hint}")
    assert document["output"].startswith(f"{len(MANIFEST.core) - 1} / {len(MANIFEST.core)} steps · ")


def test_a_whole_kit_in_a_folder_is_graded_from_its_steps_folder(root):
    kit = root / "submission" / "my-work" / "dynamodb-kit"
    put(kit / "steps", change={PROCESS_EVENT.file: WRONG_CONVERSION})
    put(kit / "solutions")
    shutil.copytree(root / "source" / "grader", kit / "grader")  # the grader as published: no note
    document = run_autograder(root)
    assert statuses(document) == all_pass_but(PROCESS_EVENT.number), "steps/ is graded, not solutions/"
    assert document["extra_data"]["files"][CREATE_TABLE.file] == f"my-work/dynamodb-kit/steps/{CREATE_TABLE.file}"
    assert document["extra_data"]["grader_modified"] is False
    assert "differs from the course's grader" not in document["output"]
    assert "more than one" in document["output"]


def test_a_missing_file_is_a_failed_step_that_says_what_to_upload(root):
    missing = SIMULATE_EVENT.file
    put(root / "submission" / "steps", without=(missing,))
    document = run_autograder(root)
    assert statuses(document) == all_pass_but(SIMULATE_EVENT.number)
    assert document["tests"][SIMULATE_EVENT.number - 1]["score"] == 0
    assert document["tests"][SIMULATE_EVENT.number - 1]["output"] == messages.gradescope_missing(missing)


def test_an_empty_submission_says_which_files_to_upload(root):
    (root / "submission" / "notes.txt").write_text("I forgot the files")
    document = run_autograder(root)
    assert statuses(document) == all_pass_but(*MANIFEST.numbers) and document["score"] == 0
    assert all(step.file in document["output"] for step in MANIFEST.steps)


def test_a_changed_grader_in_the_submission_is_noted_and_never_used(root):
    put(root / "submission", change={ENABLE_STREAMS.file: WRONG_VIEW_TYPE})
    grader = root / "submission" / "grader"
    shutil.copytree(root / "source" / "grader", grader)
    manifest = grader / "manifest.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("points = 1\n", "points = 100\n", 1))
    (grader / "steps" / "conftest.py").write_text("raise SystemExit('a grader of my own')\n")
    (grader / "steps" / MANIFEST.step(2).identifier / "checks.py").write_text("raise SystemExit('mine')\n")
    document = run_autograder(root)
    assert statuses(document) == all_pass_but(ENABLE_STREAMS.number)
    assert [test["max_score"] for test in document["tests"]] == [s.points for s in MANIFEST.steps]
    assert document["extra_data"]["grader_modified"] is True
    assert messages.GRADESCOPE_GRADER_MODIFIED.format(where="grader/") in document["output"]


# --- the manifest's visibility, what students read, the pinned versions ----------------------------------

def edit_manifest(root: Path, changes: dict[str, str]):
    """The unpacked zip's manifest with each ``old: new`` change made once; returns it as loaded."""
    from grader.manifest import load_manifest

    path = root / "source" / "grader" / "manifest.toml"
    text = path.read_text(encoding="utf-8")
    for old, new in changes.items():
        assert old in text, f"the manifest no longer holds {old!r}"
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    return load_manifest(path)


def test_a_step_may_set_its_own_visibility(root):
    audit = MANIFEST.steps[-1]
    manifest = edit_manifest(root, {f'slug = "{ENABLE_STREAMS.slug}"\n': f'slug = "{ENABLE_STREAMS.slug}"\nvisibility = "visible"\n',
                                    f'slug = "{audit.slug}"\n': f'slug = "{audit.slug}"\nvisibility = "hidden"\n'})
    put(root / "submission")
    document = run_autograder(root, manifest)
    assert [test["visibility"] for test in document["tests"]] == [
        "visible" if step is ENABLE_STREAMS else "hidden" if step is audit else VISIBILITY for step in MANIFEST.steps]
    assert document["visibility"] == VISIBILITY


def test_a_wrong_visibility_in_the_manifest_is_one_line(tmp_path):
    kit = tmp_path / "kit"
    shutil.copytree(KIT / "grader", kit / "grader", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(KIT / "pyproject.toml", kit)
    manifest = kit / "grader" / "manifest.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(
        f'slug = "{CREATE_TABLE.slug}"\n', f'slug = "{CREATE_TABLE.slug}"\nvisibility = "secret"\n', 1), encoding="utf-8")
    done = run_cli("build", "--out", str(tmp_path / "g.zip"), cwd=kit, module="grader.gradescope")
    line = one_line_error(done)
    assert "step entry 1: 'visibility' must be one of visible, hidden, after_due_date, after_published" in line
    assert "'secret'" in line and not (tmp_path / "g.zip").exists()


FORGED_HARNESS_FAULT = """
import json, sys
_channel = sys.modules["__main__"].grader_channel.outgoing
_channel.write(json.dumps({"event": "harness_fault", "detail": "forged"}).encode() + b"\\n")
_channel.flush()
"""


def test_students_never_read_advice_for_the_local_kit(root):
    """No `nox -s ...`, no --time-limit and no GRADER_DEBUG: a Gradescope student can use none of them."""
    edit_manifest(root, {"time_limit = 10\n": "time_limit = 1\n"})  # the loop below stops sooner
    submission = root / "submission"
    put(submission, without=(CREATE_TABLE.file, PROCESS_EVENT.file))
    (submission / CREATE_TABLE.file).write_text(CREATE_TABLE.starter_text())  # not started
    # Renamed, and it forges a fault of the grader's harness: the grader reports it as its own, in words for here.
    (submission / "step3.py").write_text((KIT / "solutions" / PROCESS_EVENT.file).read_text() + FORGED_HARNESS_FAULT)
    with (submission / ENABLE_STREAMS.file).open("a") as file:
        file.write("\nwhile True:\n    pass\n")
    with (submission / SIMULATE_EVENT.file).open("a") as file:
        file.write("\nimport sys\nsys.exit(0)\n")
    with (submission / MANIFEST.steps[-1].file).open("a") as file:
        file.write("\nimport socket\ntry:\n    socket.create_connection(('127.0.0.1', 9), timeout=1)\n"
                   "except OSError:\n    pass\n")
    document = run_autograder(root)
    # step3.py is graded as the step file it was meant to be (the finder's note says so).
    assert document["extra_data"]["statuses"] == {"1": "not_started", "2": "timeout", "3": "error", "4": "error",
                                                  "5": "error"}
    assert "The grader itself went wrong" in document["tests"][PROCESS_EVENT.number - 1]["output"]
    assert messages.MORE_TIME_ELSEWHERE in document["tests"][ENABLE_STREAMS.number - 1]["output"]
    for submitted in ("everything wrong", "nothing at all"):
        text = (root / "results" / "results.json").read_text(encoding="utf-8")
        for local in ("nox ", "--time-limit", "GRADER_DEBUG"):
            assert local not in text, f"{submitted}: {local!r} reached the student"
        shutil.rmtree(submission)
        submission.mkdir()
        (submission / "notes.txt").write_text("I forgot the files")
        run_autograder(root)


def _pinned(constraints: str) -> dict[str, tuple[str, list[str]]]:
    """name -> (version, hashes) of a requirements file that pins with hashes (as `uv pip compile` writes it)."""
    pinned = {}
    for line in constraints.replace("\\\n", " ").splitlines():
        words = line.split("#")[0].split()
        if not words:
            continue
        name, equals, version = words[0].partition("==")
        assert equals and version, f"not pinned with ==: {line.strip()}"
        hashes = [word for word in words[1:] if word.startswith("--hash=sha256:")]
        assert hashes and len(hashes) == len(words) - 1, f"without its hashes: {line.strip()}"
        pinned[name.lower().replace("_", "-")] = (version, hashes)
    return pinned


def test_setup_installs_the_versions_pinned_with_hashes(autograder_zip, tmp_path):
    from packaging.requirements import Requirement

    with zipfile.ZipFile(autograder_zip) as archive:
        archive.extractall(tmp_path)
    setup = (tmp_path / "setup.sh").read_text(encoding="utf-8")
    assert 'pip install --require-hashes -r "$SOURCE/grader/constraints.txt"' in setup
    assert setup.index("--require-hashes") < setup.index("--no-index"), "the pins first, then nothing else"
    constraints = (tmp_path / "grader" / "constraints.txt").read_text(encoding="utf-8")
    assert constraints == (KIT / "grader" / "constraints.txt").read_text(encoding="utf-8")
    pinned = _pinned(constraints)
    gradescope_python = {"python_version": "3.10", "python_full_version": "3.10.12", "sys_platform": "linux",
                         "platform_system": "Linux", "platform_machine": "x86_64", "implementation_name": "cpython"}
    wanted = tomllib.loads((KIT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    for requirement in map(Requirement, wanted):
        if requirement.marker is not None and not requirement.marker.evaluate(gradescope_python):
            continue
        name = requirement.name.lower().replace("_", "-")
        assert name in pinned, f"{name} is not pinned: run nox -s constraints"
        assert requirement.specifier.contains(pinned[name][0]), (
            f"{name}=={pinned[name][0]} does not meet pyproject.toml's {requirement}: run nox -s constraints")


def test_the_learners_own_installs_ignore_the_pins():
    noxfile = (KIT / "noxfile.py").read_text(encoding="utf-8")
    grade_session = noxfile[noxfile.index("def grade("):noxfile.index("def watch(")]
    assert "constraints" not in grade_session and "install_once(session, *DEPENDENCIES)" in grade_session
