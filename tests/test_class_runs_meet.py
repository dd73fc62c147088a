"""Where grade-class's features meet: the finder's identities, names and roster in runs that go on from
grades.jsonl (--resume, --only), a stopped run's words, and report.html's counts."""

from __future__ import annotations

import csv
from pathlib import Path

from test_class_resume import grade, regraded, small_class

from grader import classroom

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
