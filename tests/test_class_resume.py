"""`python -m grader.classroom` runs that survive interruption: rows recorded as each learner is graded
(grades.csv and grades.jsonl), Ctrl-C and SIGTERM that leave a consistent grades.csv and no process behind,
`--resume` and `--only`, and plain progress lines when the output is piped."""

from __future__ import annotations

import csv
import errno
import hashlib
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

import processes
from conftest import KIT, MANIFEST, run_cli

from grader import classlog, classroom, messages, options
from grader.status import Status

# Seconds of processor time per step: a slow learner's every step loops until it has used them.
TIME_LIMIT = "1"
LEARNERS = ["a1", "a2", "a3", "s1", "s2", "z1", "z2"]  # s1 and s2 are slow; the pool takes them in this order
SLOW = {"s1", "s2"}
PROGRESS_LINE = re.compile(r"^graded (\d+) / (\d+) \(\d+ %\), \d+ errors?, \d+ s$")
# Only a guard against a run that hangs: never a measure of speed.
HANG_GUARD = 600

# A slow learner's first two step files each name their process after the test's token (so the host can look for it), then loops.
LOOP = '''
try:  # PR_SET_NAME: /proc is read-only under bubblewrap
    import ctypes as _ctypes
    _ctypes.CDLL(None).prctl(15, {token!r}.encode(), 0, 0, 0)
except (OSError, AttributeError):
    pass  # not Linux (macOS)
while True:
    pass
'''


def make_class(folder: Path, token: str, learners=LEARNERS) -> Path:
    for learner in learners:
        shutil.copytree(KIT / "solutions", folder / learner)
        if learner in SLOW:
            for step in MANIFEST.steps[:2]:
                with (folder / learner / step.file).open("a", encoding="utf-8") as file:
                    file.write(LOOP.format(token=token))
    return folder


def grades_csv(out: Path) -> list[list[str]]:
    with (out / classroom.CSV_NAME).open(encoding="utf-8", newline="") as file:
        return list(csv.reader(file))


def logged_learners(out: Path) -> list[str]:
    """The learners of grades.jsonl's complete lines."""
    path = out / classlog.LOG_NAME
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8")
    return [json.loads(line)["learner"] for line in text.split("\n")[:-1] if line]


def process_table() -> dict[int, tuple[int, bytes, bytes]]:
    """Every process: pid -> (parent pid, start time, state)."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        table[int(entry)] = (int(fields[1]), fields[19], fields[0])
    return table


def descendants(pid: int) -> dict[int, bytes]:
    """The processes below ``pid`` (workers, bubblewrap, learner processes), with their start times, so that a pid
    the system hands out again later is not taken for one of them."""
    table = process_table()
    found, todo = {}, [pid]
    while todo:
        parent = todo.pop()
        for child, (ppid, started, _) in table.items():
            if ppid == parent and child not in found:
                found[child] = started
                todo.append(child)
    return found


def still_running(snapshot: dict[int, bytes], grace: float = 10.0) -> list[int]:
    """The processes of ``snapshot`` still running after up to ``grace`` seconds (a killed one must be reaped)."""
    deadline = time.monotonic() + grace
    while True:
        table = process_table()
        alive = [pid for pid, started in snapshot.items()
                 if pid in table and table[pid][1] == started and table[pid][2] not in (b"Z", b"X")]
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.1)


class Lines:
    """A pipe read line by line as it comes, in a thread of its own."""

    def __init__(self, stream):
        self.lines: list[str] = []
        self.thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self.thread.start()

    def _read(self, stream) -> None:
        for line in stream:
            self.lines.append(line.rstrip("\n"))

    def so_far(self) -> list[str]:
        return list(self.lines)


def start(*arguments: str, command=(sys.executable, "-m", "grader.classroom")) -> tuple[subprocess.Popen, Lines, Lines]:
    """`python -m grader.classroom ARGUMENTS`, piped, in a session of its own (so that Ctrl-C can be sent to its
    process group, as a terminal does)."""
    environment = {**os.environ, "PYTHONIOENCODING": "utf-8",
                   "PATH": os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")])}
    process = subprocess.Popen([*command, *arguments], cwd=KIT,
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               encoding="utf-8", env=environment, start_new_session=True)
    return process, Lines(process.stdout), Lines(process.stderr)


def stop_when(process: subprocess.Popen, out: Path, token: str, rows: int, send) -> dict:
    """Once grades.jsonl holds ``rows`` learners and a slow learner's process is running, ``send`` a signal;
    returns what was seen then."""
    deadline = time.monotonic() + HANG_GUARD
    while len(logged_learners(out)) < rows or not processes.processes_carrying(token):
        assert process.poll() is None, "the run ended before it could be stopped"
        assert time.monotonic() < deadline, "the run never got that far"
        time.sleep(0.05)
    seen = {"learner_processes": processes.processes_carrying(token),
            "processes": descendants(process.pid) if os.path.isdir("/proc") else {}}
    send(process)
    process.wait(timeout=HANG_GUARD)
    return seen


@pytest.fixture(scope="module")
def interrupted(tmp_path_factory):
    """A class of seven graded by the real command, stopped with Ctrl-C (SIGINT to its process group, as a terminal
    sends it) while a slow learner is being graded."""
    root = tmp_path_factory.mktemp("interrupted")
    token = processes.new_token("slow")
    submissions = make_class(root / "submissions", token)
    out = root / "grades"
    process, stdout, stderr = start(str(submissions), "--out", str(out), "--workers", "2", "--time-limit", TIME_LIMIT)
    stderr_before_stop: list[str] = []

    def control_c(process):
        stderr_before_stop.extend(stderr.so_far())
        os.killpg(process.pid, signal.SIGINT)

    try:
        seen = stop_when(process, out, token, 3, control_c)
        stdout.thread.join(timeout=HANG_GUARD)
        stderr.thread.join(timeout=HANG_GUARD)
        yield {"process": process, "stdout": stdout.lines, "stderr": stderr.lines, "out": out, "token": token,
               "submissions": submissions, "seen": seen, "stderr_before_stop": stderr_before_stop, "root": root}
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        for pid in processes.processes_carrying(token):  # only if a test failed: leave nothing running
            os.kill(pid, signal.SIGKILL)


def test_ctrl_c_leaves_a_grades_csv_of_exactly_the_learners_graded_so_far(interrupted):
    out, process = interrupted["out"], interrupted["process"]
    assert process.returncode == options.EXIT_INTERRUPTED == 130, interrupted["stderr"]
    graded = logged_learners(out)
    assert 3 <= len(graded) < len(LEARNERS)
    table = grades_csv(out)
    assert table[0] == classroom.csv_header(MANIFEST)
    assert [row[0] for row in table[1:]] == sorted(graded), "one row per learner in the log, in the learners' order"
    assert all(len(row) == len(table[0]) for row in table), "no half row"
    assert {row[0] for row in table[1:]} >= {"a1", "a2", "a3"}
    assert sorted(path.name for path in (out / classroom.FEEDBACK_SUBFOLDER).iterdir()) == \
        sorted(f"{learner}.txt" for learner in graded), "feedback for exactly the learners in grades.csv"
    assert sorted(path.name for path in out.iterdir()) == ["feedback", "grades.csv", "grades.jsonl", "report.html",
                                                           "skipped.csv"], \
        "no temporary file left behind"
    command = shlex.join(["nox", "-s", "grade-class", "--", str(interrupted["submissions"]), "--out",
                                    str(out), "--time-limit", TIME_LIMIT, "--resume"])
    assert interrupted["stdout"] == [messages.class_interrupted(len(graded), len(LEARNERS), out / "grades.csv",
                                                                command)]
    assert not any("Traceback" in line for line in interrupted["stderr"]), interrupted["stderr"]


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="the run's processes are found through /proc")
def test_ctrl_c_ends_every_worker_and_learner_process(interrupted):
    assert interrupted["seen"]["learner_processes"], "a slow learner's process was running when Ctrl-C came"
    assert len(interrupted["seen"]["processes"]) >= 3, "the workers and learner processes were seen"
    assert processes.survivors(interrupted["token"]) == []
    assert still_running(interrupted["seen"]["processes"]) == []


def test_piped_output_gets_plain_progress_lines_while_it_runs(interrupted):
    before = [PROGRESS_LINE.match(line) for line in interrupted["stderr_before_stop"]]
    counts = [(int(match[1]), int(match[2])) for match in before if match]
    assert counts, f"progress lines came before the run was stopped: {interrupted['stderr_before_stop']}"
    assert all(total == len(LEARNERS) and done < total for done, total in counts)
    assert not any("\x1b" in line or "\r" in line for line in interrupted["stderr"]), "plain text, no bar"


@pytest.fixture(scope="module")
def resumed(interrupted):
    """The stopped run resumed, and the same class graded once without a stop."""
    out, submissions = interrupted["out"], interrupted["submissions"]
    kept = logged_learners(out)
    done = run_cli(str(submissions), "--out", str(out), "--time-limit", TIME_LIMIT, "--resume",
                   module="grader.classroom", timeout=HANG_GUARD)
    full_out = interrupted["root"] / "full"
    full = run_cli(str(submissions), "--out", str(full_out), "--workers", "2", "--time-limit", TIME_LIMIT,
                   module="grader.classroom", timeout=HANG_GUARD)
    return kept, done, full, out, full_out


def test_resume_grades_only_the_rest_and_ends_as_an_uninterrupted_run(resumed):
    kept, done, full, out, full_out = resumed
    assert done.returncode == 0 and full.returncode == 0, done.stderr + full.stderr
    rest = len(LEARNERS) - len(kept)
    assert messages.class_resuming(len(kept), len(LEARNERS), out / "grades.jsonl") in done.stderr
    totals = {int(match[2]) for match in map(PROGRESS_LINE.match, done.stderr.splitlines()) if match}
    assert totals == {rest}, "only the learners not graded before"
    for name in ("grades.csv", "report.html"):  # the report's rows partly from the log: the same page
        assert (out / name).read_text(encoding="utf-8") == (full_out / name).read_text(encoding="utf-8"), name
    feedback, full_feedback = out / "feedback", full_out / "feedback"
    assert sorted(path.name for path in feedback.iterdir()) == sorted(path.name for path in full_feedback.iterdir())
    for path in feedback.iterdir():
        assert path.read_text(encoding="utf-8") == (full_feedback / path.name).read_text(encoding="utf-8")
    assert sorted(logged_learners(out)) == LEARNERS


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="the run's processes are found through /proc")
def test_sigterm_to_the_grading_process_alone_stops_it_as_cleanly(tmp_path):
    """A service manager or `kill PID` signals the instructor's process only: it must end its workers itself."""
    token = processes.new_token("term")
    submissions = make_class(tmp_path / "submissions", token, ["a1", "s1"])
    out = tmp_path / "grades"
    process, stdout, stderr = start(str(submissions), "--out", str(out), "--workers", "1", "--time-limit",
                                    TIME_LIMIT)
    try:
        seen = stop_when(process, out, token, 1, lambda process: process.send_signal(signal.SIGTERM))
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    stdout.thread.join(timeout=HANG_GUARD)
    stderr.thread.join(timeout=HANG_GUARD)
    assert process.returncode == options.EXIT_INTERRUPTED, stderr.lines
    assert stdout.lines[0].startswith("Stopped: 1 of 2 learners graded")
    assert [row[0] for row in grades_csv(out)] == ["learner", "a1"]
    assert processes.survivors(token) == []
    assert still_running(seen["processes"]) == []


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="the run's processes are found through /proc")
def test_ctrl_c_under_nox_lets_the_grader_stop_as_cleanly(tmp_path):
    """nox passes Ctrl-C on and, by default, kills what it ran 0.5 s later: too soon to stop the workers and write
    grades.csv whole. The grade-class session waits."""
    token = processes.new_token("nox")
    submissions = make_class(tmp_path / "submissions", token, ["a1", "s1"])
    out = tmp_path / "grades"
    nox = (sys.executable, "-m", "nox", "--no-venv", "-f", str(KIT / "noxfile.py"), "-s", "grade-class", "--")
    process, stdout, stderr = start(str(submissions), "--out", str(out), "--workers", "1", "--time-limit",
                                    TIME_LIMIT, command=nox)
    try:
        seen = stop_when(process, out, token, 1, lambda process: os.killpg(process.pid, signal.SIGINT))
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    stdout.thread.join(timeout=HANG_GUARD)
    stderr.thread.join(timeout=HANG_GUARD)
    assert any(line.startswith("Stopped: 1 of 2 learners graded") for line in stdout.lines), stdout.lines + \
        stderr.lines
    assert [row[0] for row in grades_csv(out)] == ["learner", "a1"]
    assert processes.survivors(token) == []
    assert still_running(seen["processes"]) == []


# --- in-process runs with a stand-in grading: the recording machinery itself ---------------------------------

def stand_in(learner: str, folder: Path, time_limit) -> dict:
    """Runs in the workers in place of classroom.grade_submission: full marks, and a message no other grading
    of this learner shares (so a test can tell who was graded again)."""
    return {"learner": learner, "status": classroom.GRADED, "message": uuid.uuid4().hex, "grader_modified": False,
            "scores": {number: 1.0 for number in MANIFEST.numbers},
            "statuses": {number: Status.PASSED for number in MANIFEST.numbers},
            "feedback": f"well done, {learner}\n", "stderr": "", "confinement": "none", "seed": 1127}


def small_class(folder: Path, learners=("ann", "bob", "cat", "dan")) -> Path:
    for learner in learners:
        (folder / learner).mkdir(parents=True)
        (folder / learner / MANIFEST.steps[0].file).write_text(f"# {learner}'s work\n", encoding="utf-8")
    return folder


def grade(submissions: Path, out: Path, **settings) -> dict[str, dict]:
    rows = classroom.grade_class(submissions, out, MANIFEST, workers=2, time_limit=None, grade_function=stand_in,
                                 show_progress=False, **settings)
    return {row["learner"]: row for row in rows}


def regraded(before: dict[str, dict], after: dict[str, dict]) -> set[str]:
    return {learner for learner in after if learner not in before or after[learner]["message"] !=
            before[learner]["message"]}


def test_the_log_holds_each_learner_with_the_row_its_files_and_the_run(tmp_path):
    submissions, out = small_class(tmp_path / "submissions"), tmp_path / "grades"
    rows = grade(submissions, out, seed=7)
    lines = (out / "grades.jsonl").read_text(encoding="utf-8").splitlines()
    entries = {entry["learner"]: entry for entry in map(json.loads, lines)}
    assert sorted(entries) == ["ann", "bob", "cat", "dan"]
    ann = entries["ann"]
    for field in ("scores", "statuses", "status", "message", "confinement", "seed", "grader_modified", "graded_at"):
        assert field in ann, field
    # The hand-in's entries of SUBMISSIONS_DIR, each as classlog.files_digest sees it (here one folder).
    expected = hashlib.sha256(b"ann\0" + classlog.files_digest(submissions / "ann").encode()).hexdigest()
    assert ann["files_digest"] == expected
    assert ann["run"] == {"grader": classroom.integrity.digest(), "seed": 7, "time_limit": None}
    assert classlog.row_of(ann) == {key: value for key, value in rows["ann"].items() if key not in ("feedback",
                                                                                                      "stderr")}


def test_resume_after_a_line_cut_short_grades_that_learner_again(tmp_path, capsys):
    submissions, out = small_class(tmp_path / "submissions"), tmp_path / "grades"
    before = grade(submissions, out)
    log = out / "grades.jsonl"
    text = log.read_text(encoding="utf-8")
    cut = json.loads(text.splitlines()[-1])["learner"]
    log.write_text(text[:len(text) - 40], encoding="utf-8")  # killed while writing its last line
    assert classlog.read(log)[1] == [4]
    with log.open("a", encoding="utf-8") as file:  # and a line that is JSON but no row: not trusted either
        file.write('\n{"learner": "ann", "status": "graded"}\n')
    assert classlog.read(log)[1] == [4, 5]
    after = grade(submissions, out, resume=True)
    assert regraded(before, after) == {cut}, "ann's earlier, whole line stands"
    assert "could not be read" in capsys.readouterr().err
    assert sorted(logged_learners(out)) == ["ann", "bob", "cat", "dan"], "the log is whole again"
    assert [row[0] for row in grades_csv(out)[1:]] == ["ann", "bob", "cat", "dan"]


def test_resume_grades_again_a_learner_whose_files_changed_and_one_who_is_new(tmp_path):
    submissions, out = small_class(tmp_path / "submissions"), tmp_path / "grades"
    before = grade(submissions, out)
    (submissions / "bob" / MANIFEST.steps[1].file).write_text("# a file bob added\n", encoding="utf-8")
    small_class(submissions, ["eve"])
    shutil.rmtree(submissions / "dan")
    after = grade(submissions, out, resume=True)
    assert regraded(before, after) == {"bob", "eve"}
    assert list(after) == ["ann", "bob", "cat", "eve"], "a learner gone from the class is gone from the grades"
    assert not (out / "feedback" / "dan.txt").exists()
    assert grade(submissions, out, resume=True) == {learner: {key: value for key, value in row.items()
                                                              if key not in ("feedback", "stderr")}
                                                    for learner, row in after.items()}, "nothing left to grade"


def test_only_grades_the_named_learners_again_and_keeps_every_other_row(tmp_path):
    submissions, out = small_class(tmp_path / "submissions", ["ann", "bob", "=SUM(1)", "dan"]), tmp_path / "grades"
    before = grade(submissions, out)
    (submissions / "ann" / "extra.py").write_text("# changed, but not named\n", encoding="utf-8")
    after = grade(submissions, out, only=["bob", "'=SUM(1)"])  # the second as grades.csv spells it
    assert regraded(before, after) == {"bob", "=SUM(1)"}
    assert [row[0] for row in grades_csv(out)[1:]] == ["'=SUM(1)", "ann", "bob", "dan"]


def test_a_learner_whose_feedback_cannot_be_written_gets_an_error_row_and_the_others_are_graded(tmp_path):
    submissions, out = small_class(tmp_path / "submissions"), tmp_path / "grades"
    long_name = "x" * 252  # feedback/<name>.txt may be one byte too long for the file system
    small_class(submissions, [long_name])
    in_the_way = out / classroom.FEEDBACK_SUBFOLDER / "bob.txt"
    (in_the_way / "a folder where bob's feedback goes").mkdir(parents=True)
    rows = grade(submissions, out)
    assert rows["bob"]["status"] == "error"
    assert rows["bob"]["message"] == messages.class_feedback_not_written(os.strerror(errno.EISDIR))
    assert [rows[learner]["status"] for learner in ("ann", "cat", "dan")] == ["graded"] * 3
    long_row = rows[long_name]
    if long_row["status"] == "graded":  # feedback files named so that this one fits
        assert len(list((out / "feedback").iterdir())) == 5
    else:
        assert long_row["message"] == messages.class_feedback_not_written(os.strerror(errno.ENAMETOOLONG))
    assert sorted(logged_learners(out)) == sorted(["ann", "bob", "cat", "dan", long_name])
    assert len(grades_csv(out)) == 6


def test_a_log_of_another_run_is_refused_in_one_line_and_nothing_is_touched(tmp_path):
    submissions, out = small_class(tmp_path / "submissions"), tmp_path / "grades"
    grade(submissions, out)
    files = {path: path.read_bytes() for path in out.rglob("*") if path.is_file()}
    with pytest.raises(options.UsageError, match=r"--seed 5"):
        grade(submissions, out, resume=True, seed=5)
    with pytest.raises(options.UsageError, match=r"--time-limit 3"):
        classroom.grade_class(submissions, out, MANIFEST, workers=1, time_limit=3, grade_function=stand_in,
                              show_progress=False, only=["ann"])
    log = out / "grades.jsonl"
    log.write_text(log.read_text(encoding="utf-8").replace(classroom.integrity.digest(), "0" * 64),
                   encoding="utf-8")
    files[log] = log.read_bytes()
    with pytest.raises(options.UsageError, match=r"another version of the grader"):
        grade(submissions, out, resume=True)
    assert {path: path.read_bytes() for path in out.rglob("*") if path.is_file()} == files


def test_only_needs_an_earlier_run_and_resume_without_one_grades_everyone(tmp_path, capsys):
    submissions, out = small_class(tmp_path / "submissions"), tmp_path / "grades"
    with pytest.raises(options.UsageError, match="grade the whole class first"):
        grade(submissions, out, only=["ann"])
    assert sorted(grade(submissions, out, resume=True)) == ["ann", "bob", "cat", "dan"]
    assert "every learner is graded" in capsys.readouterr().err


def test_an_unknown_name_for_only_is_a_one_line_usage_error_with_close_matches(tmp_path):
    submissions = small_class(tmp_path / "submissions", ["bob", "bobby", "carol"])
    done = run_cli(str(submissions), "--out", str(tmp_path / "grades"), "--only", "bob", "bbo",
                   module="grader.classroom")
    assert done.returncode == options.EXIT_USAGE
    assert done.stderr.count("\n") == 1 and done.stdout == ""
    assert "'bbo'" in done.stderr and "'bob'" in done.stderr and "carol" not in done.stderr
    assert not (tmp_path / "grades").exists(), "nothing written"


def test_plain_progress_comes_every_5_percent_or_every_10_seconds(capsys):
    now = [0.0]
    progress = classroom.PlainProgress(100, clock=lambda: now[0])
    for done in range(1, 12):
        now[0] += 0.1
        progress.update(done, 0)
    now[0] += 10.0
    progress.update(11, 1)  # nothing new for 10 s: a line all the same
    progress.update(11, 1)
    now[0] += 1.0
    progress.update(100, 1)
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(",")[0] for line in lines] == ["graded 5 / 100 (5 %)", "graded 10 / 100 (10 %)",
                                                      "graded 11 / 100 (11 %)", "graded 100 / 100 (100 %)"]
    assert lines[2] == "graded 11 / 100 (11 %), 1 error, 11 s"


def test_the_files_digest_sees_every_change_and_follows_no_link(tmp_path):
    folder = small_class(tmp_path / "submissions", ["ann"]) / "ann"
    first = classlog.files_digest(folder)
    (folder / "__pycache__").mkdir()
    (folder / "__pycache__" / "x.pyc").write_bytes(b"made by Python, not the learner")
    assert classlog.files_digest(folder) == first
    (folder / "steps").mkdir()
    assert classlog.files_digest(folder) == first, "an empty folder holds no work"
    (folder / "steps" / "notes.txt").write_text("new", encoding="utf-8")
    second = classlog.files_digest(folder)
    assert second != first
    outside = tmp_path / "outside.txt"
    outside.write_text("one", encoding="utf-8")
    (folder / "link").symlink_to(outside)
    third = classlog.files_digest(folder)
    assert third != second
    outside.write_text("two", encoding="utf-8")
    assert classlog.files_digest(folder) == third, "a link counts by where it points, never by what it reaches"
