"""The submission finder (grader/submissions.py, grader/handins.py) as grade-class and Gradescope use it: a messy
class of about 70 entries graded with a stand-in grader (fast), a small class and a Gradescope submission graded
for real, and the finder's rules one by one."""

from __future__ import annotations

import csv
import json
import os
import shutil
import tempfile
import unicodedata
import zipfile
from pathlib import Path

import pytest

import messy_class
from conftest import KIT, MANIFEST, run_cli

from grader import classroom, handins, messages, options, submissions

STEP_FILES = [step.file for step in MANIFEST.steps]
CORE_POINTS = sum(step.points for step in MANIFEST.core)
ALL_POINTS = sum(step.points for step in MANIFEST.steps)
FIRST, SECOND, THIRD = STEP_FILES[:3]


def read_rows(out: Path) -> dict[str, dict]:
    with (out / "grades.csv").open(encoding="utf-8", newline="") as file:
        reader = csv.DictReader(file)
        assert reader.fieldnames[-len(classroom.FOUND_COLUMNS):] == list(classroom.FOUND_COLUMNS), "added at the end"
        return {row["learner"]: row for row in reader}


def read_skipped(out: Path) -> list[tuple[str, str]]:
    with (out / "skipped.csv").open(encoding="utf-8", newline="") as file:
        reader = csv.reader(file)
        assert next(reader) == ["entry", "reason"]
        return [tuple(row) for row in reader]


def feedback_of(out: Path, row: dict) -> str:
    return (out / row["feedback_file"]).read_text(encoding="utf-8")


# --- the messy class, with a stand-in grader --------------------------------------------------------------------

GRADED_IN_FULL = ["ada", "ben", "cy", "dee", "eve", "fay", "gus", "hal", "ivy", "vic", "wes", "xena", "zack",
                  messy_class.JOSE_NFC, "Bob", "bob", "carol", "carol (1)", "dave", "dave_resubmission", "quinn",
                  "rose", messy_class.LONG_NAME, "'" + messy_class.FORMULA, "Zoë 🎓", "smithjohn", "doejane", "lowjim",
                  "Full Name", "Other Person", "pat@school.edu", *(f"learner{n:02d}" for n in range(1, 11))]
NO_FILES = ["bomba", "broken", "crowd", "jon", "kim", "lee", "liar", "pam", "russ", "zed"]
LINKED = ["mallory", "nat"]
NOT_STARTED = ["sam", "tia", "uma"]
PARTLY = {"lina": [FIRST], "oli": [FIRST], "yan": STEP_FILES[:3]}  # the files missing


@pytest.fixture(scope="module")
def messy(tmp_path_factory):
    """The messy class graded once by grade_class with the stand-in grader, a roster, and an output folder inside
    SUBMISSIONS_DIR left by an earlier run: (rows returned, grades folder, submissions, the temporary folder the
    staged copies went to)."""
    root = tmp_path_factory.mktemp("messy")
    submissions_dir = messy_class.build(root)
    messy_class.solved(submissions_dir / "pat@school.edu", "pat")
    out = submissions_dir / "_grades"
    out.mkdir()
    roster = [handins.Person("ADA", "A1", ""), handins.Person("Pat Q", "P5", "pat@school.edu"),
              handins.Person("Jane Doe", "23456", ""), handins.Person("Nobody Here", "N0", "nobody@school.edu")]
    staging = root / "staging"
    staging.mkdir()
    before = tempfile.tempdir
    tempfile.tempdir = str(staging)
    try:
        rows = classroom.grade_class(submissions_dir, out, MANIFEST, workers=2, time_limit=None,
                                     grade_function=messy_class.fake_grade, show_progress=False, roster=roster)
    finally:
        tempfile.tempdir = before
    return rows, out, submissions_dir, staging


def test_every_entry_gets_a_row_or_a_line_in_skipped_csv(messy):
    rows, out, submissions_dir, _ = messy
    grades = read_rows(out)
    expected = {*GRADED_IN_FULL, *NO_FILES, *LINKED, *NOT_STARTED, *PARTLY, "Nobody Here"}
    assert set(grades) == expected
    assert [row["learner"] for row in rows] == sorted((row["learner"] for row in rows),
                                                      key=handins.learner_order), "name order"
    assert sorted(read_skipped(out)) == sorted([
        (".DS_Store", messages.skipped_reason("hidden")), (".hidden", messages.skipped_reason("hidden")),
        ("_grades", messages.skipped_reason("out")), ("__MACOSX", messages.skipped_reason("tool")),
        ("instructions.txt", messages.skipped_reason("file"))])
    assert rows.skipped == read_skipped(out)
    # Each entry is one learner's, or skipped: 5 Canvas files are smithjohn's, 7 doejane's, 2 folders Full Name's,
    # José's two spellings one learner's.
    entries = len(os.listdir(submissions_dir))
    merged = (5 - 1) + (7 - 1) + (2 - 1) + (2 - 1)
    assert entries == len(grades) - 1 + len(read_skipped(out)) + merged, "every entry accounted for"


def test_statuses_and_points(messy):
    _, out, _, _ = messy
    grades = read_rows(out)
    for learner in GRADED_IN_FULL:
        row = grades[learner]
        assert (row["status"], row["core_total"], row["total"]) == ("graded", f"{CORE_POINTS:g}", f"{ALL_POINTS:g}"), \
            (learner, row["notes"])
        assert row["missing"] == ""
    for learner in NO_FILES:
        row = grades[learner]
        assert row["status"] == "no_files_found", learner
        assert row["total"] == "0" and row["message"] == messages.CLASS_NO_FILES
        assert [row[f"step{n}_status"] for n in MANIFEST.numbers] == ["missing"] * len(MANIFEST.numbers)
        assert row["found"] == "" and row["missing"] == "; ".join(STEP_FILES)
    for learner in LINKED:
        row = grades[learner]
        assert (row["status"], row["total"]) == ("error", ""), learner
        assert row["message"] == messages.class_linked_folder(learner)
    for learner in NOT_STARTED:
        assert grades[learner]["status"] == "graded" and grades[learner]["total"] == "0"
    for learner, missing in PARTLY.items():
        assert grades[learner]["status"] == "graded"
        assert grades[learner]["missing"] == "; ".join(missing), learner
    absent = grades["Nobody Here"]
    assert (absent["status"], absent["learner_id"], absent["total"]) == ("no_submission", "N0", "")
    assert absent["feedback_file"] == "" and absent["notes"] == messages.NO_SUBMISSION_NOTE


def test_found_says_where_each_file_came_from(messy):
    _, out, _, _ = messy
    grades = read_rows(out)
    assert grades["cy"]["found"] == "; ".join(f"cy/project/steps/{name}" for name in STEP_FILES)
    assert grades["dee"]["found"].startswith(f"dee/Steps/{FIRST}")
    assert grades["eve"]["found"] == "; ".join(f"eve/steps/{name}" for name in STEP_FILES), "not solutions/"
    assert "eve/solutions/ (5 files)" in grades["eve"]["notes"]
    assert grades["uma"]["found"].startswith(f"uma/steps/{FIRST}"), "the learner's steps/, not the kit's solutions/"
    assert grades["fay"]["found"].startswith(f"fay.zip/fay/steps/{FIRST}")
    assert grades["gus"]["found"].startswith(f"gus/submission.zip/steps/{FIRST}")
    assert grades["Other Person"]["found"].startswith(f"Other Person_23456_assignsubmission_file_/work.zip/{FIRST}")
    assert grades["wes"]["found"].endswith(f"wes/project/{STEP_FILES[-1]}")
    assert messages.found_elsewhere(STEP_FILES[-1], f"wes/project/{STEP_FILES[-1]}") in grades["wes"]["notes"]
    assert "venv" not in grades["xena"]["found"]
    assert messages.found_in_solutions("vic/solutions/") in grades["vic"]["notes"]


def test_near_miss_names_are_graded_as_the_file_they_were_meant_to_be(messy):
    _, out, _, _ = messy
    grades = read_rows(out)
    hal = grades["hal"]
    for handed_in, meant in (("step1.py", FIRST), ("Step2_Enable_Streams.py", SECOND),
                             ("step3_process_event (1).py", THIRD)):
        assert messages.found_as(f"hal/{handed_in}", meant) in hal["notes"]
    feedback = feedback_of(out, hal)
    assert feedback.startswith(messages.CLASS_NOTES_HEADING + "\n- " + messages.found_as("hal/step1.py", FIRST))
    assert f"{FIRST}: # hal" in feedback, "staged under the step's own name"
    # Two candidates for one step: the more recently changed one, said so.
    ivy = grades["ivy"]
    assert messages.found_ambiguous(FIRST, "ivy/step1_create_table (1).py", ["ivy/step1.py"]) in ivy["notes"]
    assert f"{FIRST}: # ivy\n" in feedback_of(out, ivy)
    # A file two steps could claim is graded as neither; a .txt is not Python.
    yan = grades["yan"]
    assert messages.found_for_two_steps("yan/enable_streams_and_process_event.py", [SECOND, THIRD]) in yan["notes"]
    assert messages.found_not_python("yan/step1_create_table.txt", FIRST) in yan["notes"]


def test_zips_are_read_safely(messy):
    _, out, submissions_dir, _ = messy
    grades = read_rows(out)
    zack = grades["zack"]
    assert "3 entries with a path outside the zip ignored (../escaped.py, /etc/evil.py, C:/evil.py)" in zack["notes"]
    root = submissions_dir.parent
    assert not list(root.rglob("escaped.py")) and not list(root.rglob("evil.py")), "nothing was written out of it"
    assert messages.found_too_big(f"bomba.zip/{FIRST}", submissions.MAX_FILE_BYTES) in grades["bomba"]["notes"]
    assert "would unpack to more than 200 MB" in grades["liar"]["notes"]
    assert f"holds more than {submissions.MAX_ZIP_ENTRIES} entries" in grades["crowd"]["notes"]
    assert grades["broken"]["notes"].startswith("broken.zip could not be opened as a zip")
    assert messages.found_nested_zip("russ.zip/inner.zip") in grades["russ"]["notes"]
    lina = grades["lina"]  # a link member is never followed
    assert messages.found_link(f"lina.zip/steps/{FIRST}") in lina["notes"]
    assert lina[f"step{MANIFEST.step(1).number}_status"] == "missing"


def test_links_are_never_followed(messy):
    _, out, _, _ = messy
    grades = read_rows(out)
    assert "symbolic link" in feedback_of(out, grades["nat"]), "a link to the kit's solutions/"
    oli = grades["oli"]
    assert messages.found_link(f"oli/{FIRST}") in oli["notes"] and oli["step1"] == "0"
    assert messages.found_link("pam/steps") in grades["pam"]["notes"]


def test_identities_nfc_case_copy_marks_and_identical_content(messy):
    _, out, _, _ = messy
    grades = read_rows(out)
    assert messy_class.JOSE_NFD not in grades and messy_class.JOSE_NFD != messy_class.JOSE_NFC
    jose = grades[messy_class.JOSE_NFC]
    assert "the same name written in different Unicode forms" in jose["notes"]
    assert grades["bob"]["duplicate_of"] == "Bob" and grades["Bob"]["duplicate_of"] == ""
    assert messages.DUPLICATE_CASE in grades["bob"]["notes"]
    assert grades["carol (1)"]["duplicate_of"] == "carol"
    assert grades["dave_resubmission"]["duplicate_of"] == "dave"
    assert grades["rose"]["duplicate_of"] == "quinn"
    assert messages.duplicate_by_content("quinn") in grades["rose"]["notes"]
    assert "quinn" not in feedback_of(out, grades["rose"]), "a classmate's name is for the instructor only"
    assert grades["sam"]["duplicate_of"] == grades["tia"]["duplicate_of"] == "", "untouched starters are alike"
    assert {row["duplicate_of"] for learner, row in grades.items() if learner.startswith("learner")} == {""}
    assert grades["bob"]["feedback_file"] == "feedback/bob-2.txt", "Bob.txt and bob.txt are one file on macOS"


def test_lms_downloads_are_grouped_by_learner_with_their_ids(messy):
    _, out, _, _ = messy
    grades = read_rows(out)
    assert grades["smithjohn"]["learner_id"] == "12345" and grades["lowjim"]["learner_id"] == "34567"
    doejane = grades["doejane"]
    assert doejane["learner_id"] == "23456"
    assert messages.found_late("Canvas") in doejane["notes"]
    assert messages.found_older_upload(f"doejane_LATE_23456_78901_{FIRST}",
                                       f"doejane_LATE_23456_78901_{FIRST[:-3]}-1.py") in doejane["notes"]
    assert f"{FIRST}: # doejane\n" in feedback_of(out, doejane), "the later upload is graded"
    assert grades["Full Name"]["learner_id"] == "12345"
    assert grades["ada"]["learner_id"] == "A1", "the roster, by name, whatever the capitals"
    assert grades["pat@school.edu"]["learner_id"] == "P5", "the roster, by email in the entry's name"


def test_names_a_file_system_or_a_spreadsheet_trips_on(messy):
    _, out, _, _ = messy
    grades = read_rows(out)
    long = grades[messy_class.LONG_NAME]
    name = long["feedback_file"].split("/", 1)[1]
    assert len(name.encode()) <= 255 and name.endswith(".txt") and (out / long["feedback_file"]).is_file()
    formula = grades["'" + messy_class.FORMULA]
    assert formula["feedback_file"] == f"feedback/{messy_class.FORMULA}.txt", "an ordinary name keeps its file name"
    assert (out / "feedback" / f"{messy_class.FORMULA}.txt").is_file()
    assert formula["found"].startswith("'"), "every text cell is neutralised"
    assert (out / "feedback" / "Zoë 🎓.txt").is_file() and (out / "feedback" / "ada.txt").is_file()


def test_no_files_found_feedback_says_what_to_hand_in_and_no_local_command(messy):
    _, out, _, _ = messy
    grades = read_rows(out)
    for learner in NO_FILES:
        text = feedback_of(out, grades[learner])
        assert text.startswith(messages.class_no_files(STEP_FILES)), learner
        assert "nox" not in text and "reset" not in text
    assert "jon/work.ipynb" in feedback_of(out, grades["jon"])
    assert "lee/answers.docx" in grades["lee"]["notes"]


def test_a_changed_grader_anywhere_in_a_kit_is_flagged(messy):
    _, out, _, _ = messy
    grades = read_rows(out)
    assert grades["eve"]["grader_modified"] == "True"
    assert messages.CLASS_GRADER_MODIFIED in feedback_of(out, grades["eve"])
    assert grades["ada"]["grader_modified"] == "False"


def test_the_copies_graded_are_temporary(messy):
    *_, staging = messy
    assert list(staging.iterdir()) == []


# --- a small class graded for real, through the command ---------------------------------------------------------

def test_a_small_class_graded_for_real_with_a_roster(tmp_path):
    s = tmp_path / "submissions"
    shutil.copytree(KIT / "solutions", s / "ada")
    messy_class.solved(s / "hal", "hal", rename={FIRST: "step1.py", SECOND: "Step2_Enable_Streams.py"})
    fay = messy_class.solved_members("project/steps/", "fay")
    fay[f"project/steps/{FIRST}"] = messy_class.starter(FIRST)  # not started: the feedback names the file
    messy_class.zipped(s / "fay.zip", fay)
    (s / "nat").symlink_to(KIT / "solutions", target_is_directory=True)
    oli = messy_class.solved(s / "oli", "oli", only=STEP_FILES[1:])
    (oli / FIRST).symlink_to(KIT / "solutions" / FIRST)
    (s / "jon").mkdir()
    (s / "jon" / "work.ipynb").write_text("{}")
    (s / ".hidden").mkdir()
    roster = tmp_path / "roster.csv"
    roster.write_text("\ufeffName,ID,Email\nada,A1,ada@school.edu\nNobody,N0,nobody@school.edu\n", encoding="utf-8")
    out = tmp_path / "grades"
    done = run_cli(str(s), "--out", str(out), "--workers", "2", "--roster", str(roster), module="grader.classroom",
                   timeout=600)
    assert done.returncode == 1, "nat could not be graded: " + done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout.strip() == messages.class_done(6, 2, 0, out, no_files=1, absent=1, skipped=1)
    grades = read_rows(out)
    for learner in ("ada", "hal"):
        assert float(grades[learner]["core_total"]) == CORE_POINTS, (learner, feedback_of(out, grades[learner]))
    assert grades["fay"]["step1_status"] == "not_started"
    assert float(grades["fay"]["core_total"]) == CORE_POINTS - MANIFEST.step(1).points
    assert f"open project/steps/{FIRST}" in feedback_of(out, grades["fay"]), "paths as the learner knows them"
    assert grades["ada"]["learner_id"] == "A1" and grades["Nobody"]["status"] == "no_submission"
    assert grades["nat"]["status"] == "error" and grades["nat"]["total"] == ""
    oli_feedback = feedback_of(out, grades["oli"])
    assert grades["oli"]["step1_status"] == "missing" and "symbolic link" in oli_feedback
    assert "nox -s reset" not in oli_feedback
    assert grades["jon"]["status"] == "no_files_found"


@pytest.mark.parametrize("content", ["name;id\nada;1\n", "", b"\xff\xfe\x00garbage", None])
def test_a_broken_roster_is_a_one_line_usage_error(tmp_path, content):
    s = tmp_path / "submissions"
    shutil.copytree(KIT / "steps", s / "ada")
    roster = tmp_path / "roster.csv"
    if isinstance(content, bytes):
        roster.write_bytes(content)
    elif content is not None:
        roster.write_text(content)
    done = run_cli(str(s), "--out", str(tmp_path / "grades"), "--roster", str(roster), module="grader.classroom")
    assert done.returncode == 2 and done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1 and "roster" in done.stderr, done.stderr
    assert not (tmp_path / "grades").exists()


def test_a_per_learner_failure_is_that_learners_error(tmp_path, monkeypatch):
    s = tmp_path / "submissions"
    for learner in ("ann", "ben", "cat"):
        messy_class.solved(s / learner, learner)
    real_read = submissions._read_file

    def read(path: str) -> bytes:
        if "ben" in Path(path).parts and path.endswith(SECOND):
            raise submissions.Unreadable("Permission denied")
        return real_read(path)

    monkeypatch.setattr(submissions, "_read_file", read)
    out = tmp_path / "grades"
    (out / "feedback" / "cat.txt").mkdir(parents=True)  # cat's feedback cannot be written there
    rows = classroom.grade_class(s, out, MANIFEST, workers=1, time_limit=None, grade_function=messy_class.fake_grade,
                                 show_progress=False)
    assert [row["status"] for row in rows] == ["graded", "error", "error"]
    grades = read_rows(out)
    assert grades["ben"]["message"] == messages.class_error_reading(f"ben/{SECOND}", "Permission denied")
    assert grades["cat"]["message"] == messages.class_feedback_not_written("Is a directory")
    assert grades["ann"]["total"] == f"{ALL_POINTS:g}"


# --- Gradescope: the same finder --------------------------------------------------------------------------------

def test_gradescope_finds_a_zip_near_miss_names_and_never_a_link(tmp_path):
    root = tmp_path / "autograder"
    submission = root / "submission"
    submission.mkdir(parents=True)
    members = messy_class.solved_members("my-kit/steps/", "gs")
    members["my-kit/steps/Step3.py"] = members.pop(f"my-kit/steps/{THIRD}")
    messy_class.zipped(submission / "upload.zip", members)
    (submission / SECOND).symlink_to(KIT / "solutions" / SECOND)
    done = run_cli("run", "--root", str(root), module="grader.gradescope", timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    document = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    assert [test["status"] for test in document["tests"]] == ["passed"] * len(STEP_FILES)
    assert document["extra_data"]["files"][THIRD] == "upload.zip/my-kit/steps/Step3.py"
    assert messages.found_as("upload.zip/my-kit/steps/Step3.py", THIRD) in document["output"]
    assert messages.found_link(SECOND) in document["output"]


# --- the finder's rules, one by one -----------------------------------------------------------------------------

def put(folder: Path, names=STEP_FILES, tag: str = "x") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_bytes(messy_class.solution(name, tag))
    return folder


def test_the_folder_with_the_most_step_files_wins_then_the_shallowest(tmp_path):
    put(tmp_path / "a", STEP_FILES[:2])
    put(tmp_path / "a" / "deeper" / "steps")
    assert submissions.find_one(tmp_path / "a", MANIFEST).folder == ("deeper", "steps")
    put(tmp_path / "b")
    put(tmp_path / "b" / "old" / "steps")
    assert submissions.find_one(tmp_path / "b", MANIFEST).folder == ()
    put(tmp_path / "c" / "solutions")
    put(tmp_path / "c" / "steps")
    assert submissions.find_one(tmp_path / "c", MANIFEST).folder == ("steps",), "a tie: not solutions/"
    put(tmp_path / "d" / "steps", STEP_FILES[:-1])
    put(tmp_path / "d" / "solutions")
    handin = submissions.find_one(tmp_path / "d", MANIFEST)
    assert handin.folder == ("steps",) and STEP_FILES[-1] not in handin.files, "never filled from solutions/"
    assert classroom.steps_folder(tmp_path / "a", MANIFEST) == tmp_path / "a" / "deeper" / "steps"


@pytest.mark.parametrize("name, number", [("step3.py", 3), ("Step3_Process_Event.py", 3), ("STEP3.PY", 3),
                                          ("step4_simulate_event (1).py", 4), ("step1_create_table-2.py", 1),
                                          ("process_event.py", 3), ("step2_enable_stream.py", 2)])
def test_near_miss_names(name, number):
    step_files = set(STEP_FILES)
    matches = [step.number for step in MANIFEST.steps if submissions.looks_like(name, step, step_files)]
    assert matches == [number]


@pytest.mark.parametrize("name", ["step10.py", "notes.py", FIRST, "step3_process_event.zip", "readme.txt"])
def test_names_that_are_no_near_miss(name):
    assert not any(submissions.looks_like(name, step, set(STEP_FILES)) for step in MANIFEST.steps)


def test_feedback_file_names_are_safe_bounded_and_unique():
    long_a, long_b = "a" * 300, "a" * 299 + "b"
    names = handins.feedback_names(["ada", "Bob", "bob", long_a, long_b, "line\nbreak", ".dot", "José"])
    assert names["ada"] == "ada.txt" and names["José"] == "José.txt" and names["Bob"] == "Bob.txt"
    assert names["bob"] == "bob-2.txt"
    assert len({name.casefold() for name in names.values()}) == len(names)
    for learner in (long_a, long_b, "line\nbreak", ".dot"):
        name = names[learner]
        assert len(name.encode()) <= 255 and "\n" not in name and not name.startswith(".") and "/" not in name


def test_a_zip_read_member_by_member_never_past_the_caps(tmp_path, monkeypatch):
    monkeypatch.setattr(submissions, "MAX_FILE_BYTES", 2000)
    with zipfile.ZipFile(tmp_path / "a.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(FIRST, b"x = 1\n" * 1000)  # 6000 bytes: over this cap
        archive.writestr(SECOND, b"x = 2\n")
        archive.writestr("../../outside.py", b"x = 3\n")
        archive.writestr("folder\\..\\..\\backslashes.py", b"x = 4\n")
    with tempfile.TemporaryDirectory() as folder:
        shutil.copy(tmp_path / "a.zip", folder)
        handin = submissions.find_one(Path(folder), MANIFEST)
    assert list(handin.files) == [SECOND]
    assert messages.found_too_big(f"a.zip/{FIRST}", 2000) in handin.notes
    assert any("2 entries with a path outside the zip" in note for note in handin.notes)


def test_canvas_uploads_again_and_moodle_plugins(tmp_path):
    s = tmp_path / "s"
    s.mkdir()
    stem = FIRST[:-3]
    for suffix, tag in (("", "first"), ("-1", "second"), ("-2", "third")):
        (s / f"kim_111_222_{stem}{suffix}.py").write_bytes(messy_class.solution(FIRST, tag))
    put(s / "Ann Lee_42_assignsubmission_file_", STEP_FILES[:2])
    (s / "Ann Lee_42_assignsubmission_onlinetext_").mkdir()
    found = handins.discover(s, tmp_path / "out", MANIFEST)
    assert [handin.learner for handin in found.handins] == ["Ann Lee", "kim"] and found.skipped == []
    kim = found.handins[1]
    assert kim.files[FIRST].endswith(b"# third\n") and kim.lms_id == "111"
    assert found.handins[0].lms_id == "42" and len(found.handins[0].entries) == 2


def test_an_empty_or_all_skipped_folder_is_a_usage_error(tmp_path):
    s = tmp_path / "s"
    s.mkdir()
    (s / ".DS_Store").write_text("x")
    with pytest.raises(options.UsageError) as error:
        classroom.grade_class(s, tmp_path / "out", MANIFEST, workers=1, time_limit=None, show_progress=False)
    assert "(1 entry skipped" in str(error.value) and "\n" not in str(error.value)


def test_names_are_compared_in_nfc(tmp_path):
    s = tmp_path / "s"
    put(s / unicodedata.normalize("NFD", "Zoë"))
    found = handins.discover(s, tmp_path / "out", MANIFEST)
    assert [handin.learner for handin in found.handins] == [unicodedata.normalize("NFC", "Zoë")]
