"""Where grade-class's features meet: the finder's identities, names and roster in runs that go on from
grades.jsonl (--resume, --only), a stopped run's words, and report.html's counts."""

from __future__ import annotations

import csv
import os
import shlex
import signal
import threading
from pathlib import Path

import pytest

from conftest import MANIFEST
import messy_class
from test_class_report import text_of
from test_class_resume import grade, regraded, small_class, stand_in

from grader import classroom, messages

FOUND = list(classroom.FOUND_COLUMNS)


def csv_rows(out: Path) -> dict[str, dict[str, str]]:
    with (out / classroom.CSV_NAME).open(encoding="utf-8", newline="") as file:
        return {row["learner"]: row for row in csv.DictReader(file)}


def without_message(rows: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """The rows but for the stand-in grading's message, which differs at each grading."""
    return {learner: {key: value for key, value in row.items() if key != "message"} for learner, row in rows.items()}


def test_resume_after_a_classmate_named_alike_arrives_keeps_the_feedback_and_names_it_as_a_fresh_run(tmp_path):
    submissions, out = small_class(tmp_path / "submissions", ["ann", "bob"]), tmp_path / "grades"
    before = grade(submissions, out)
    assert before["bob"]["feedback_file"] == "feedback/bob.txt"
    small_class(submissions, ["Bob"])  # Bob hands in late: an uninterrupted run names his feedback Bob.txt, bob's bob-2.txt
    after = grade(submissions, out, resume=True)
    assert regraded(before, after) == {"Bob"}
    fresh = grade(submissions, tmp_path / "fresh")
    assert without_message(csv_rows(out)) == without_message(csv_rows(tmp_path / "fresh"))
    assert after["bob"]["feedback_file"] == "feedback/bob-2.txt" and after["bob"]["duplicate_of"] == "Bob"
    assert {path.name for path in (out / "feedback").iterdir()} == {"ann.txt", "Bob.txt", "bob-2.txt"}
    assert (out / "feedback" / "bob-2.txt").read_text(encoding="utf-8") == "well done, bob\n", "bob's, kept"
    assert (out / "feedback" / "Bob.txt").read_text(encoding="utf-8") == "well done, Bob\n"
    assert fresh["bob"]["feedback_file"] == "feedback/bob-2.txt"


def test_rows_kept_from_the_log_take_this_run_s_roster_and_duplicates(tmp_path):
    submissions, out = small_class(tmp_path / "submissions", ["ann", "cat"]), tmp_path / "grades"
    grade(submissions, out)
    roster = [classroom.handins.Person("ann", "A1"), classroom.handins.Person("cat", "C3")]
    small_class(submissions, ["cat (1)"])
    grade(submissions, out, resume=True, roster=roster)
    grade(submissions, tmp_path / "fresh", roster=roster)
    rows = csv_rows(out)
    assert (rows["ann"]["learner_id"], rows["cat"]["learner_id"]) == ("A1", "C3")
    assert without_message(rows) == without_message(csv_rows(tmp_path / "fresh"))


def stops_the_run(learner: str, folder: Path, time_limit) -> dict:
    """A stand-in grading: ann's stops the run (as Ctrl-C would: the grading process's id is in her file, as a
    worker's parent may be a fork server), the others' never end (the stop ends them)."""
    if learner != "ann":
        threading.Event().wait()
    os.kill(int((folder / MANIFEST.steps[0].file).read_text(encoding="utf-8").split()[-1]), signal.SIGINT)
    return stand_in(learner, folder, time_limit)


def test_a_stopped_run_counts_the_learners_graded_not_the_roster_s_absent(tmp_path):
    submissions, out = small_class(tmp_path / "submissions", ["ann", "bob", "cat"]), tmp_path / "grades"
    (submissions / "ann" / MANIFEST.steps[0].file).write_text(f"# stop {os.getpid()}\n", encoding="utf-8")
    roster = [classroom.handins.Person("ann"), classroom.handins.Person("Nobody"), classroom.handins.Person("Nemo")]
    with pytest.raises(classroom.ClassInterrupted) as stopped:
        classroom.grade_class(submissions, out, MANIFEST, workers=1, time_limit=None, grade_function=stops_the_run,
                              show_progress=False, roster=roster)
    rows = csv_rows(out)
    graded = [learner for learner, row in rows.items() if row["status"] != classroom.NO_SUBMISSION]
    assert graded == ["ann"] and {"Nobody", "Nemo"} <= set(rows)
    assert (stopped.value.graded, stopped.value.learners) == (1, 3), "Stopped: 1 of 3 learners graded"


def test_the_command_that_goes_on_keeps_the_roster(tmp_path):
    roster = tmp_path / "class list.csv"
    args = classroom._parser().parse_args([str(tmp_path), "--roster", str(roster), "--seed", "3"])
    words = shlex.split(classroom.resume_command(args, tmp_path, tmp_path / "grades"))
    assert words[words.index("--roster") + 1] == str(roster.resolve())
    assert words[-1] == "--resume" and "--seed" in words


def test_only_takes_a_learner_by_what_they_handed_in_as_it_is_in_the_folder(tmp_path):
    submissions, out = small_class(tmp_path / "submissions", ["ann"]), tmp_path / "grades"
    step = MANIFEST.steps[0].file
    messy_class.zipped(submissions / "fay.zip", {f"steps/{step}": b"# fay\n"})
    messy_class.solved(submissions / "Full Name_12345_assignsubmission_file_", "Full Name", only=[step])
    (submissions / f"smithjohn_12345_67890_{step}").write_bytes(b"# smithjohn\n")
    before = grade(submissions, out)
    assert set(before) == {"ann", "fay", "Full Name", "smithjohn"}
    # as a shell completes them: the zip, the Moodle folder (with its /), a Canvas file, a folder with its /
    after = grade(submissions, out, only=["fay.zip", "Full Name_12345_assignsubmission_file_/",
                                          f"smithjohn_12345_67890_{step}", "ann/"])
    assert regraded(before, after) == {"ann", "fay", "Full Name", "smithjohn"}


def test_report_html_counts_submissions_apart_from_the_roster_s_absent(tmp_path):
    submissions, out = small_class(tmp_path / "submissions", ["ann", "bob"]), tmp_path / "grades"
    (submissions / "kim").mkdir()  # handed in, but no step file
    grade(submissions, out, roster=[classroom.handins.Person("ann"), classroom.handins.Person("Nobody")])
    words = text_of((out / "report.html").read_text(encoding="utf-8"))
    assert messages.report_summary(3, 2, absent=1) in words
    assert "3 submissions, 2 graded, 1 could not be graded; 1 on the roster handed in nothing." in words
    assert f"Nobody {messages.REPORT_WHOLE_SUBMISSION} no_submission {messages.NO_SUBMISSION_NOTE}" in words


def test_only_says_which_learners_have_no_row_because_no_run_graded_them(tmp_path, capsys):
    submissions, out = small_class(tmp_path / "submissions", ["ann", "bob"]), tmp_path / "grades"
    grade(submissions, out)
    small_class(submissions, ["cat", "dan"])  # handed in after the run: grades.jsonl has no row for them
    capsys.readouterr()
    after = grade(submissions, out, only=["bob"])
    assert sorted(after) == ["ann", "bob"]
    assert messages.class_only_left_out(["cat", "dan"]) in capsys.readouterr().err
    grade(submissions, out, only=["bob", "cat", "dan"])
    assert "--resume" not in capsys.readouterr().err
