"""`python -m grader.classroom`: a whole class graded in parallel, with real worker and learner processes.
Whatever one submission does (loop, exit, crash its worker, hang its worker), the run finishes and only that
submission suffers."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

import processes
from conftest import KIT, MANIFEST, run_cli

from grader import classroom, integrity, messages, options

WRONG_VIEW_TYPE = ("NEW_AND_OLD_IMAGES", "NEW_IMAGE")
STEP_COLUMNS = [f"step{n}" for n in MANIFEST.numbers]
CORE_POINTS = sum(step.points for step in MANIFEST.core)
CREATE_TABLE, ENABLE_STREAMS, PROCESS_EVENT = (MANIFEST.by_slug(slug)
                                               for slug in ("create-table", "enable-streams", "process-event"))
# Seconds of processor time per step for the class graded below: cy's busy loop burns them, whatever the machine's
# speed (the clock allows 3 x that + 10 s); the reference solutions need a small part of them.
LOOP_LIMIT = "1.5"


def column_of(step) -> str:
    return f"step{step.number}"


def copy_solutions(folder: Path) -> Path:
    shutil.copytree(KIT / "solutions", folder)
    return folder


def copy_grader(folder: Path) -> Path:
    shutil.copytree(KIT / "grader", folder, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def change_step(folder: Path, step, change) -> None:
    path = folder / step.file
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")


def read_grades(out: Path) -> dict[str, dict]:
    with (out / "grades.csv").open(encoding="utf-8", newline="") as file:
        reader = csv.DictReader(file)
        assert reader.fieldnames == ["learner", *STEP_COLUMNS, "total", "max_total", "grader_modified", "status",
                                     "message", "confinement", "seed", "core_total", "bonus",
                                     *(f"{column}_status" for column in STEP_COLUMNS), *classroom.FOUND_COLUMNS]
        return {row["learner"]: row for row in reader}


def feedback(out: Path, learner: str) -> str:
    return (out / "feedback" / f"{learner}.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    """A class of seven, graded once by the real command: (its outcome, the grades folder)."""
    root = tmp_path_factory.mktemp("class")
    submissions = root / "submissions"
    copy_solutions(submissions / "ada")  # all right
    change_step(copy_solutions(submissions / "ben"), ENABLE_STREAMS, lambda text: text.replace(*WRONG_VIEW_TYPE))
    change_step(copy_solutions(submissions / "cy"), PROCESS_EVENT, lambda text: text + "\nwhile True:\n    pass\n")
    change_step(copy_solutions(submissions / "dee"), CREATE_TABLE, lambda text: text + "\nimport os\nos._exit(3)\n")
    copy_solutions(submissions / "eve" / "steps")  # handed in the whole kit, grader untouched
    copy_grader(submissions / "eve" / "grader")
    copy_solutions(submissions / "fay" / "steps")  # handed in the whole kit with a changed grader
    copy_grader(submissions / "fay" / "grader")
    with (submissions / "fay" / "grader" / "grading.py").open("a", encoding="utf-8") as file:
        file.write("\nPASSED = 'passed'  # everyone passes\n")
    shutil.copytree(KIT / "steps", submissions / "gus" / "steps")  # whole kit, not started
    (submissions / ".DS_Store").write_text("not a learner")
    out = root / "grades"
    done = run_cli(str(submissions), "--out", str(out), "--workers", "2", "--time-limit", LOOP_LIMIT,
                   module="grader.classroom", timeout=600)
    return done, out


def test_every_learner_gets_a_row_in_name_order_and_the_run_says_where(graded_class):
    done, out = graded_class
    assert done.returncode == 0, done.stdout + done.stderr
    assert list(read_grades(out)) == ["ada", "ben", "cy", "dee", "eve", "fay", "gus"]
    changed = 1 + (integrity.digest() != integrity.recorded())  # fay's, and eve's while the record is stale
    assert done.stdout.strip() == messages.class_done(7, 0, changed, out, skipped=1)  # .DS_Store
    assert "Traceback" not in done.stderr


def test_scores_per_step_total_and_maximum(graded_class):
    _, out = graded_class
    grades = read_grades(out)
    for learner in ("ada", "eve", "fay"):
        row = grades[learner]
        assert [row[column_of(step)] for step in MANIFEST.core] == ["1"] * MANIFEST.count, learner
        assert (row["status"], row["message"]) == ("graded", "")
    for row in grades.values():
        assert float(row["max_total"]) == CORE_POINTS
        assert float(row["total"]) == pytest.approx(sum(float(row[column]) for column in STEP_COLUMNS), abs=0.011)
    ben = grades["ben"]
    assert 0 < float(ben[column_of(ENABLE_STREAMS)]) < 1, "partial credit for the checks of that step that pass"
    assert grades["cy"][column_of(PROCESS_EVENT)] == "0"
    assert grades["dee"][column_of(CREATE_TABLE)] == "0"
    others = [step for step in MANIFEST.core if step != PROCESS_EVENT]
    assert [grades["cy"][column_of(step)] for step in others] == ["1"] * len(others)


def test_feedback_is_the_plain_report_the_learner_would_see(graded_class):
    _, out = graded_class
    ada = feedback(out, "ada")
    for step in MANIFEST.core:
        assert f"✓ Step {step.number}: {step.title} (passed)" in ada
    assert "\x1b[" not in ada, "no colour codes in a file"
    ben = feedback(out, "ben")
    assert f"✗ Step {ENABLE_STREAMS.number}: {ENABLE_STREAMS.title} (not yet)" in ben
    assert "NEW_IMAGE" in ben and "Hint: " + ENABLE_STREAMS.hint in ben
    assert f"In {ENABLE_STREAMS.file}" in ben, "paths as the learner sees them from their own folder"
    cy = feedback(out, "cy")
    assert f"Step {PROCESS_EVENT.number}: {PROCESS_EVENT.title} (took too long)" in cy
    assert f"{float(LOOP_LIMIT):g} seconds of processor time" in cy
    assert "ask your instructor about the time limit" in cy, "no advice a learner cannot follow"
    assert "ended the program itself" in feedback(out, "dee")
    assert f"Open steps/{CREATE_TABLE.file}," in feedback(out, "gus")


def test_a_changed_grader_copy_is_flagged_in_the_csv_and_the_feedback(graded_class):
    _, out = graded_class
    grades = read_grades(out)
    assert grades["fay"]["grader_modified"] == "True"
    assert messages.CLASS_GRADER_MODIFIED in feedback(out, "fay")
    # eve's copy is the grader as it is now: it is "modified" only while grader/ differs from its record.
    expected = integrity.digest() != integrity.recorded()
    assert grades["eve"]["grader_modified"] == str(expected)
    assert (messages.CLASS_GRADER_MODIFIED in feedback(out, "eve")) == expected
    assert grades["ada"]["grader_modified"] == "False"


def test_step_files_are_found_in_the_folder_or_in_its_steps_subfolder(tmp_path):
    assert classroom.steps_folder(copy_solutions(tmp_path / "a"), MANIFEST) == tmp_path / "a"
    copy_solutions(tmp_path / "b" / "steps")
    assert classroom.steps_folder(tmp_path / "b", MANIFEST) == tmp_path / "b" / "steps"
    (tmp_path / "c").mkdir()
    assert classroom.steps_folder(tmp_path / "c", MANIFEST) == tmp_path / "c"


# --- a worker that crashes or hangs costs only its submission -------------------------------------------

def grade_or_misbehave(learner: str, folder: Path, time_limit):
    """Runs in the workers, in place of classroom.grade_submission."""
    if learner == "a_crash":  # the worker process dies, once the pool knows it took the task (died before that,
        time.sleep(1)          # the pool breaks: grade_class grades each of its tasks again, once)
        os._exit(9)
    if learner == "b_hang":
        # The learner's file sleeps, and the grader's own limit is far away: only the pool's timeout ends it.
        return classroom.grade_submission(learner, folder, 600)
    return classroom.grade_submission(learner, folder, time_limit)


# The pool's own wall-clock limit per submission: it ends b_hang's, and the fine ones must finish well within it
# however busy the machine is (a starter is graded in about 2 s on a loaded 2-core machine).
STUCK_TIMEOUT = 15


@pytest.fixture(scope="module")
def stuck_class(tmp_path_factory):
    """A class whose first worker crashes and whose second hangs, graded once: (rows, grades folder, the pids seen
    carrying b_hang's token while it was graded, the token)."""
    submissions = tmp_path_factory.mktemp("stuck") / "submissions"
    shutil.copytree(KIT / "steps", submissions / "a_crash")
    # b_hang's file names its process after a token, starts another process carrying it, and sleeps.
    token = processes.new_token("hang")
    shutil.copytree(KIT / "steps", submissions / "b_hang")
    change_step(submissions / "b_hang", CREATE_TABLE, lambda text: text + processes.linger(token))
    shutil.copytree(KIT / "steps", submissions / "c_fine")
    shutil.copytree(KIT / "steps", submissions / "d_fine" / "steps")
    out = submissions.parent / "grades"
    try:
        with processes.watching(token) as seen:
            rows = classroom.grade_class(submissions, out, MANIFEST, workers=1, time_limit=None, timeout=STUCK_TIMEOUT,
                                         grade_function=grade_or_misbehave, show_progress=False)
        yield rows, out, seen, token
    finally:
        for pid in processes.processes_carrying(token):  # only if a test below failed: leave nothing running
            os.kill(pid, 9)


def test_a_crashed_or_stuck_worker_costs_only_its_submission(stuck_class):
    rows, out, _, _ = stuck_class
    assert [row["status"] for row in rows] == ["error", "error", "graded", "graded"]
    grades = read_grades(out)
    assert grades["a_crash"]["message"] == messages.class_worker_crashed(9)
    assert grades["b_hang"]["message"] == messages.class_submission_timed_out(STUCK_TIMEOUT)
    for learner in ("a_crash", "b_hang"):
        assert [grades[learner][column] for column in (*STEP_COLUMNS, "total")] == [""] * (len(STEP_COLUMNS) + 1)
        assert messages.grader_fault(grades[learner]["message"]) in feedback(out, learner)
    for learner in ("c_fine", "d_fine"):
        assert grades[learner]["total"] == "0"
        assert f"○ Step {CREATE_TABLE.number}: {CREATE_TABLE.title} (not started)" in feedback(out, learner)


# The learner's file is found by the name it gives its own process through /proc/self/comm: without /proc (macOS)
# it cannot give one, and a check that it is gone would hold whether or not it is.
@pytest.mark.skipif(not os.path.isdir("/proc"), reason="the learner's process names itself through /proc/self/comm, "
                    "and there is no /proc here: it could not be found, so its absence would prove nothing")
def test_a_stuck_worker_that_is_stopped_takes_the_learners_processes_with_it(stuck_class):
    _, _, seen, token = stuck_class
    # The file's own process and the one it started: seen while the class was graded, gone once it was.
    assert seen, "b_hang's file ran: its processes were seen while the class was graded"
    assert processes.survivors(token) == []


# --- bad input ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("case", ["missing", "empty", "a_file", "workers_0"])
def test_bad_input_is_one_line_and_exit_2(tmp_path, case):
    folder = tmp_path / "submissions"
    arguments = [str(folder)]
    if case == "empty":
        folder.mkdir()
    elif case == "a_file":
        folder.write_text("not a folder")
    elif case == "workers_0":
        copy_solutions(folder / "ada")
        arguments += ["--workers", "0"]
    done = run_cli(*arguments, module="grader.classroom")
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert done.stderr.startswith("grader.classroom: error: ")
    assert not (tmp_path / "grades").exists()


def test_nox_grade_class_session(tmp_path):
    submissions = tmp_path / "submissions"
    shutil.copytree(KIT / "steps", submissions / "ada")
    path = os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")])
    done = subprocess.run([sys.executable, "-m", "nox", "--no-venv", "-f", str(KIT / "noxfile.py"), "-s", "grade-class",
                           "--", str(submissions)], capture_output=True, text=True, encoding="utf-8", timeout=300,
                          stdin=subprocess.DEVNULL, env={**os.environ, "PATH": path})
    assert done.returncode == 0, done.stdout + done.stderr
    assert read_grades(tmp_path / "grades")["ada"]["total"] == "0"
    listed = subprocess.run([sys.executable, "-m", "nox", "-l", "-f", str(KIT / "noxfile.py")], capture_output=True,
                            text=True, encoding="utf-8", timeout=120, stdin=subprocess.DEVNULL)
    assert any(line.startswith("- grade-class -> ") for line in listed.stdout.splitlines()), listed.stdout


def test_feedback_left_by_an_earlier_run_for_learners_gone_since_is_removed(tmp_path):
    submissions = tmp_path / "submissions"
    shutil.copytree(KIT / "steps", submissions / "ada")
    out = tmp_path / "grades"
    (out / classroom.FEEDBACK_SUBFOLDER).mkdir(parents=True)
    (out / classroom.FEEDBACK_SUBFOLDER / "bob.txt").write_text("bob's report from last week\n")
    (out / classroom.FEEDBACK_SUBFOLDER / "notes.md").write_text("the instructor's own notes\n")
    classroom.grade_class(submissions, out, MANIFEST, workers=1, time_limit=None, show_progress=False)
    assert sorted(path.name for path in (out / classroom.FEEDBACK_SUBFOLDER).iterdir()) == ["ada.txt", "notes.md"]
    assert list(read_grades(out)) == ["ada"]


def test_a_learner_folder_that_is_a_link_gets_a_row_that_says_so_and_is_never_followed(tmp_path):
    submissions = tmp_path / "submissions"
    copy_solutions(submissions / "ada")
    (submissions / "mallory").symlink_to(submissions / "ada", target_is_directory=True)
    out = tmp_path / "grades"
    done = run_cli(str(submissions), "--out", str(out), "--workers", "1", module="grader.classroom")
    assert done.returncode == 1, "a learner who could not be graded"
    grades = read_grades(out)
    assert grades["ada"]["status"] == "graded" and float(grades["ada"]["total"]) >= CORE_POINTS
    assert grades["mallory"]["status"] == "error" and grades["mallory"]["total"] == ""
    assert grades["mallory"]["message"] == messages.class_linked_folder("mallory")
    assert "symbolic link" in feedback(out, "mallory")
    assert "1 could not be graded" in done.stdout


def test_the_csv_is_safe_in_a_spreadsheet_and_says_core_bonus_and_each_status(tmp_path):
    submissions = tmp_path / "submissions"
    formula = '=HYPERLINK("x")'
    copy_solutions(submissions / formula)
    shutil.copytree(KIT / "steps", submissions / "ann")  # nothing started
    out = tmp_path / "grades"
    classroom.grade_class(submissions, out, MANIFEST, workers=1, time_limit=None, show_progress=False)
    grades = read_grades(out)
    assert set(grades) == {"'" + formula, "ann"}, "a name that starts like a formula is written as text"
    solved = grades["'" + formula]
    bonus_points = sum(step.points for step in MANIFEST.steps if step.bonus)
    assert float(solved["core_total"]) == CORE_POINTS and float(solved["bonus"]) == bonus_points
    assert float(solved["total"]) == CORE_POINTS + bonus_points, "total keeps its meaning: core and bonus together"
    assert [solved[f"{column}_status"] for column in STEP_COLUMNS] == ["passed"] * len(STEP_COLUMNS)
    assert [grades["ann"][f"{column}_status"] for column in STEP_COLUMNS] == ["not_started"] * len(STEP_COLUMNS)
    assert "Step 1" in feedback(out, formula), "the feedback file keeps the folder's own name"


# --- where the files to grade are copied ----------------------------------------------------------------------

def test_the_files_to_grade_are_copied_to_memory_where_it_has_room_else_to_the_disk(tmp_path, monkeypatch):
    memory = tmp_path / "memory"
    memory.mkdir()
    monkeypatch.setattr(classroom, "MEMORY_FOLDER", memory)
    room = os.statvfs(memory).f_bavail * os.statvfs(memory).f_frsize
    assert classroom.staging_roots(1000) == ([str(memory), None] if room > classroom.MEMORY_SPARE + 2000 else [None])
    assert classroom.staging_roots(room) == [None]  # not twice the room the files need: the disk
    monkeypatch.setattr(classroom, "MEMORY_FOLDER", tmp_path / "none")
    assert classroom.staging_roots(1000) == [None]


def test_a_copy_the_memory_folder_refuses_goes_to_the_next_folder_and_leaves_nothing_half_written(tmp_path):
    from grader.submissions import Handin

    full, disk = tmp_path / "full", tmp_path / "disk"
    full.write_text("a file where the folder should be: every copy into it fails")
    disk.mkdir()
    handin = Handin("ada", files={CREATE_TABLE.file: b"products_table = {}\n"}, folder=("steps",))
    folder = classroom.stage_copy(handin, [full / "stage", disk], "000001")
    assert folder == disk / "000001"
    assert (folder / "steps" / CREATE_TABLE.file).read_bytes() == b"products_table = {}\n"
    with pytest.raises(OSError):
        classroom.stage_copy(handin, [full / "stage"], "000002")


def test_a_memory_folder_no_folder_can_be_made_in_is_passed_over(tmp_path, monkeypatch):
    """staging_roots() judges the memory folder by its bytes free; a folder can still not be made there (no inode
    left, a file system gone read-only): the copies go to the disk, and with no folder at all, a clear error."""
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the folder should be: no folder can be made in it")
    disk = tmp_path / "disk"
    disk.mkdir()
    monkeypatch.setattr(classroom, "staging_roots", lambda needed: [str(blocked), str(disk)])
    (stage,) = classroom.make_stages(1000)
    assert stage.parent == disk
    monkeypatch.setattr(classroom, "staging_roots", lambda needed: [str(blocked)])
    with pytest.raises(OSError):
        classroom.make_stages(1000)
    copy_solutions(tmp_path / "submissions" / "ada")
    with pytest.raises(options.UsageError, match="cannot make a folder to copy the files to grade into"):
        classroom.grade_class(tmp_path / "submissions", tmp_path / "grades", MANIFEST, workers=1, time_limit=None,
                              show_progress=False)


def test_a_class_run_leaves_no_copy_behind_in_memory_or_on_disk(tmp_path, monkeypatch):
    """In folders of the test's own (the machine's /dev/shm and /tmp are shared with other runs)."""
    memory, disk = tmp_path / "memory", tmp_path / "disk"
    memory.mkdir()
    disk.mkdir()
    monkeypatch.setattr(classroom, "MEMORY_FOLDER", memory)
    monkeypatch.setattr(tempfile, "tempdir", str(disk))
    copy_solutions(tmp_path / "submissions" / "ada")
    copy_solutions(tmp_path / "submissions" / "ben")
    seen = []
    stage_copy = classroom.stage_copy
    monkeypatch.setattr(classroom, "stage_copy", lambda *args: seen.append(stage_copy(*args)) or seen[-1])
    rows = classroom.grade_class(tmp_path / "submissions", tmp_path / "grades", MANIFEST, workers=1, time_limit=None,
                                 show_progress=False)
    assert [row["status"] for row in rows] == ["graded", "graded"]
    assert len(seen) == 2 and all(memory in folder.parents for folder in seen), "copied to memory"
    assert list(memory.iterdir()) == [] and list(disk.iterdir()) == []