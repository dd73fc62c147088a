"""`python -m grader.classroom SUBMISSIONS_DIR`: grade a whole class at once, for instructors.

SUBMISSIONS_DIR holds one folder or zip per learner, named after the learner, or an LMS bulk download (Canvas,
Moodle): grader/handins.py says whose each entry is, grader/submissions.py finds the step files in it. Every
submission is graded in parallel by long-lived worker processes (imports are paid once per worker), each exactly as
`python -m grader` would grade it, from a copy of the files found (a temporary folder: never the learner's own,
never through a link). Out come grades.csv (one row per learner), skipped.csv (the entries that are nobody's
submission, and why) and feedback/<learner>.txt (the report the learner would see).

Whatever a submission does, the run finishes: learner code is time-limited by the grader itself, and on top
of that a submission whose grading runs past a wall-clock limit, or whose worker process dies, costs only that
submission (status "error" in its row and its feedback); the pool replaces the worker and carries on.

Rows are recorded as each submission finishes: its feedback file, a line of grades.jsonl (classlog.py) and a row
of grades.csv, each written whole. Ctrl-C or SIGTERM stops the workers and their learner processes and leaves a
grades.csv of everyone graded so far; `--resume` grades the rest, `--only NAME ...` grades some learners again.
At the end grades.csv is written again, whole, in the learners' order.
"""

from __future__ import annotations

import csv
import functools
import multiprocessing
import os
import shlex
import shutil
import signal
import sys
import tempfile
import threading
import time
import unicodedata
from concurrent.futures import FIRST_COMPLETED, CancelledError, wait
from concurrent.futures import TimeoutError as FutureTimeoutError  # not yet the built-in one on Python 3.10
from contextlib import redirect_stderr
from io import StringIO
from pathlib import Path

from . import class_report, classlog, handins, integrity, messages, options, submissions as finder
from .manifest import KIT_DIR, Manifest
from .sandbox import confinement
from .text import printable

GRADED, ERROR = "graded", "error"
NO_FILES, NO_SUBMISSION = "no_files_found", "no_submission"  # nothing to grade in it; on the roster, nothing in
GRADER_SUBFOLDER = "grader"
FEEDBACK_SUBFOLDER = "feedback"
CSV_NAME = "grades.csv"
SKIPPED_NAME = "skipped.csv"
FOUND_COLUMNS = ("learner_id", "found", "missing", "notes", "duplicate_of", "feedback_file")


def submission_timeout(time_limit: float) -> float:
    """The wall-clock limit for grading one submission: far beyond what the grader's own limits allow."""
    return 4 * time_limit + 30


def steps_folder(submission: Path, manifest: Manifest) -> Path:
    """Where a learner's step files are: in their folder itself, or in a folder below it (steps/, project/steps/,
    a whole kit), as the finder chooses (grader/submissions.py)."""
    return finder.graded_folder(submission, manifest)


def grader_modified(submission: Path) -> bool:
    """True when the submission holds its own grader/ and it differs from the instructor's record."""
    copy = submission / GRADER_SUBFOLDER
    if not copy.is_dir():
        return False
    try:
        return integrity.digest(copy) != integrity.recorded()
    except OSError:  # unreadable files in it: it is not the grader as published
        return True


# --- in a worker process --------------------------------------------------------------------------

_busy = False


def _stop_grading(signum, frame) -> None:
    """The pool ends a worker with SIGTERM (its submission ran out of time, or the run stops). A busy worker
    unwinds the grading first, which kills the learner processes it started; an idle one just ends."""
    if _busy:
        raise KeyboardInterrupt
    os._exit(1)


@functools.cache
def _manifest() -> Manifest:
    return options.manifest()


def start_worker(seed: int | None = None) -> None:
    """Runs once in each worker: its imports are paid here, not by each submission; the test data's seed."""
    signal.signal(signal.SIGTERM, _stop_grading)
    from . import aws, grading, integrity, screen  # noqa: F401

    aws.use_seed(aws.DEFAULT_SEED if seed is None else seed)
    confinement.warm_up()


@functools.cache
def _check_service():
    """The worker's check session: pytest starts and collects the checks once, for every submission it grades.
    Started by the first (not by start_worker: pytest's collection puts the kit's folder first on sys.path, and
    a task's function is unpickled, its module imported, before the task runs)."""
    from . import grading

    service = grading.CheckService(_manifest())
    service.start()
    return service


def _feedback(results, manifest: Manifest, modified: bool, kind: str) -> str:
    from rich.console import Console

    from . import screen
    from .status import Status

    buffer = StringIO()
    console = Console(file=buffer, force_terminal=False, no_color=True, color_system=None, highlight=False,
                      emoji=False, soft_wrap=True, width=100)
    screen.render(results, console, all_steps=len(manifest.steps))
    text = buffer.getvalue()
    upcoming = next((result for result in results if not result.passed and not result.step.bonus), None)
    if upcoming is not None and upcoming.status == Status.MISSING:  # a learner's next step is to hand it in
        text = text.replace(messages.next_action(upcoming), messages.class_next_missing(upcoming))
    if modified:
        text += "\n" + messages.CLASS_GRADER_MODIFIED + "\n"
    if kind == confinement.NONE:
        text += "\n" + messages.UNCONFINED_NOTE + "\n"
    return text


def grade_submission(learner: str, submission: Path, time_limit: float | None) -> dict:
    """Grade one learner's folder; plain data only (a StepResult holds exceptions that may not pickle).
    ``stderr`` holds anything the grader itself printed (a fault in a check)."""
    global _busy
    from . import grading

    _busy = True
    captured = StringIO()
    try:
        manifest = _manifest()
        # Paths in the feedback read as the learner sees them from their own folder: steps/step1_....py
        before = os.getcwd()
        os.chdir(submission)
        try:
            folder = steps_folder(submission, manifest).resolve()
            with redirect_stderr(captured):
                results = grading.grade(manifest, folder, manifest.numbers, time_limit=time_limit,
                                        more_time=messages.MORE_TIME_ELSEWHERE, service=_check_service())
        finally:
            os.chdir(before)
        from .status import Status

        for result in results:  # what a learner who handed in can do about a missing file: hand it in
            if result.status == Status.MISSING and not (folder / result.step.file).is_symlink():
                result.message = messages.class_missing_file(result.file)
        modified = grader_modified(submission)
        kind = confinement.current().kind
        from . import aws

        row = {
            "learner": learner, "status": GRADED, "message": "", "grader_modified": modified,
            "scores": {result.step.number: result.score for result in results},
            "statuses": {result.step.number: result.status for result in results},
            "feedback": _feedback(results, manifest, modified, kind), "stderr": captured.getvalue(),
            "confinement": kind, "seed": aws.SEED, "failing_checks": class_report.failing_checks(results),
        }
    except KeyboardInterrupt:  # stopped from outside (see _stop_grading): the learner processes are gone
        os._exit(1)
    except Exception as error:  # noqa: BLE001 - one submission's failure must not end the class
        row = failed_row(learner, messages.class_grading_failed(f"{type(error).__name__}: {error}"))
        row["stderr"] = captured.getvalue()
    finally:
        _busy = False
    return row


# --- in the instructor's process ------------------------------------------------------------------

def prepare_in_background() -> None:
    """Import report.html's matplotlib in a thread while this process would wait anyway (for the workers)."""
    threading.Thread(target=class_report.charts_available, name="import-matplotlib", daemon=True).start()



def failed_row(learner: str, reason: str) -> dict:
    return {"learner": learner, "status": ERROR, "message": reason, "grader_modified": False, "scores": {},
            "statuses": {}, "feedback": messages.grader_fault(reason) + "\n", "stderr": ""}


def _outcome(future, learner: str, timeout: float) -> dict:
    from pebble import ProcessExpired

    try:
        return future.result()
    except (TimeoutError, FutureTimeoutError):
        return failed_row(learner, messages.class_submission_timed_out(timeout))
    except ProcessExpired as error:
        return failed_row(learner, messages.class_worker_crashed(error.exitcode))
    except CancelledError:
        return failed_row(learner, messages.class_grading_failed("cancelled"))
    except Exception as error:  # noqa: BLE001 - e.g. a result that could not be sent back
        return failed_row(learner, messages.class_grading_failed(f"{type(error).__name__}: {error}"))


def _pool_broke(future) -> bool:
    """Whether ``future`` failed because its pool broke, not because of its own submission."""
    from concurrent.futures.process import BrokenProcessPool

    return future.done() and not future.cancelled() and isinstance(future.exception(), BrokenProcessPool)


def _number(value: float) -> str:
    return f"{value:g}"


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    """Text a spreadsheet shows as text: one that starts like a formula gets a leading ' (OWASP's advice for
    CSV injection), so a learner named =HYPERLINK(...) stays a name."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_header(manifest: Manifest) -> list[str]:
    """grades.csv's columns. They are only ever added, at the end (csv_cells follows): total is core and bonus
    together, as it always was; core_total and bonus say them apart; stepN_status gives each step's status."""
    return ["learner", *(f"step{n}" for n in manifest.numbers), "total", "max_total", "grader_modified", "status",
            "message", "confinement", "seed", "core_total", "bonus", *(f"step{n}_status" for n in manifest.numbers),
            *FOUND_COLUMNS]


def csv_cells(row: dict, manifest: Manifest) -> list:
    """One learner's row of grades.csv, in csv_header's order."""
    max_total = sum(step.points for step in manifest.core)  # a bonus step's points are extra credit
    bonus_steps = {step.number for step in manifest.steps if step.bonus}
    scores = [_number(row["scores"][n]) if n in row["scores"] else "" for n in manifest.numbers]
    graded = row["status"] in (GRADED, NO_FILES)  # no step file found: 0 points, a status of its own
    total = _number(round(sum(row["scores"].values()), 2)) if graded else ""
    core = _number(round(sum(v for n, v in row["scores"].items() if n not in bonus_steps), 2)) if graded else ""
    bonus = _number(round(sum(v for n, v in row["scores"].items() if n in bonus_steps), 2)) if graded else ""
    statuses = [str(row.get("statuses", {}).get(n, "")) for n in manifest.numbers]
    return [_cell(row["learner"]), *scores, total, _number(max_total), row["grader_modified"], row["status"],
            _cell(row["message"]), row.get("confinement", ""), row.get("seed", ""), core, bonus, *statuses,
            *(_cell(str(row.get(column, ""))) for column in FOUND_COLUMNS)]


def csv_line(cells: list) -> str:
    buffer = StringIO()
    csv.writer(buffer).writerow(cells)
    return buffer.getvalue()


def write_csv(path: Path, rows: list[dict], manifest: Manifest) -> None:
    """grades.csv with these rows, whole: it replaces the file at once, never leaving half of one."""
    classlog.replace(path, lambda file: file.writelines(csv_line(cells) for cells in
                                                        [csv_header(manifest), *(csv_cells(row, manifest) for row in rows)]))


def _remove_feedback_except(feedback_dir: Path, keep: set[Path]) -> None:
    """At the start of a run, feedback/ loses the feedback of everyone about to be graded and of learners no
    longer in the class: it never holds a report that grades.csv has no row for, whenever the run stops."""
    for path in feedback_dir.glob("*.txt"):
        if path not in keep and (path.is_symlink() or not path.is_dir()):
            path.unlink()


# --- what was found, in the rows ----------------------------------------------------------------------------

class ClassRows(list):
    """The rows of a class, in name order; ``skipped``: the entries that are nobody's submission (entry, reason)."""

    skipped: list[tuple[str, str]] = []


def _notes_block(handin: finder.Handin) -> str:
    if not handin.notes:
        return ""
    return messages.CLASS_NOTES_HEADING + "\n" + "".join(f"- {note}\n" for note in handin.notes) + "\n"


def no_files_row(handin: finder.Handin, manifest: Manifest) -> dict:
    """No step file in what the learner handed in: every step missing, 0 points, and feedback that says what
    was expected (no local command: the learner's next move is to hand in again)."""
    from .status import Status

    feedback = messages.class_no_files([step.file for step in manifest.steps]) + "\n\n" + _notes_block(handin)
    return {"learner": handin.learner, "status": NO_FILES, "message": messages.CLASS_NO_FILES, "grader_modified": False,
            "scores": {n: 0.0 for n in manifest.numbers}, "statuses": {n: Status.MISSING.value for n in manifest.numbers},
            "feedback": feedback, "stderr": ""}


def absent_row(person, manifest: Manifest) -> dict:
    """A learner on the roster who handed in nothing: no points (nothing was graded), no feedback file."""
    return {"learner": person.name or person.id, "status": NO_SUBMISSION, "message": messages.NO_SUBMISSION_NOTE,
            "grader_modified": False,
            "scores": {}, "statuses": {}, "feedback": "", "stderr": "", "learner_id": person.id,
            "missing": "; ".join(step.file for step in manifest.steps), "notes": messages.NO_SUBMISSION_NOTE}


def found_columns(handin: finder.Handin, manifest: Manifest, feedback_file: str) -> dict:
    """The columns after step*_status: what the finder found, and who the learner is in this run's class."""
    return {
        "learner_id": handin.learner_id,
        "found": "; ".join(handin.found[step.file] for step in manifest.steps if step.file in handin.found),
        "missing": "; ".join(handin.missing(manifest)),
        "notes": "; ".join(handin.notes + finder.copies_note(handin) + handin.flags),
        "duplicate_of": handin.duplicate_of,
        "feedback_file": f"{FEEDBACK_SUBFOLDER}/{feedback_file}",
    }


def add_found(row: dict, handin: finder.Handin, manifest: Manifest, feedback_file: str, known: set) -> dict:
    """The row and feedback of a hand-in, with what the finder found: the columns after step*_status, a changed
    grader/ copy anywhere in it, and its notes at the top of the feedback."""
    row.update(found_columns(handin, manifest, feedback_file))
    if handin.grader_modified(known) and not row["grader_modified"]:
        row["grader_modified"] = True
        if row["status"] == GRADED:
            row["feedback"] += "\n" + messages.CLASS_GRADER_MODIFIED + "\n"
    if row["status"] != NO_FILES:
        row["feedback"] = _notes_block(handin) + row["feedback"]
    return row


def write_skipped(path: Path, skipped: list[tuple[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["entry", "reason"])
        writer.writerows([_cell(entry), _cell(reason)] for entry, reason in skipped)


def _reason(error: Exception) -> str:
    return (error.strerror if isinstance(error, OSError) and error.strerror else str(error)) or type(error).__name__


class ClassInterrupted(KeyboardInterrupt):
    """The run was stopped (Ctrl-C, SIGTERM); every worker and learner process is gone, and grades.csv holds
    the ``graded`` learners of the class's ``learners``."""

    def __init__(self, graded: int, learners: int):
        super().__init__(graded, learners)
        self.graded, self.learners = graded, learners


class StopRequests:
    """Ctrl-C and SIGTERM while a class is graded are noted, not raised where they land: the run stops at its
    next turn, after the row in hand is recorded whole, so no file ever holds half a row."""

    def __init__(self):
        self.signal: int | None = None
        self._previous: dict = {}

    def __enter__(self) -> StopRequests:
        if threading.current_thread() is threading.main_thread():  # only the main thread may set handlers
            for signum in (signal.SIGINT, signal.SIGTERM):
                self._previous[signum] = signal.signal(signum, self._note)
        return self

    def _note(self, signum, frame) -> None:
        self.signal = self.signal or signum

    def __exit__(self, *exc_info) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)


# How soon a stop request, or a progress line that is due, is seen while every worker is busy.
POLL_SECONDS = 0.25


class PlainProgress:
    """Progress where stderr is not a terminal (cron, CI): a plain line every 5 % of the submissions or every
    10 s, whichever comes first. A terminal gets rich's bar instead."""

    SHARES, SECONDS = 20, 10.0

    def __init__(self, total: int, clock=time.monotonic):
        self.total, self.clock = total, clock
        self.started = self.last = clock()
        self.every = max(1, -(-total // self.SHARES))
        self.shown = 0

    def update(self, done: int, errors: int) -> None:
        now = self.clock()
        if done - self.shown >= self.every or (done == self.total and done != self.shown) or \
                now - self.last >= self.SECONDS:
            print(messages.class_progress_line(done, self.total, errors, now - self.started), file=sys.stderr,
                  flush=True)
            self.shown, self.last = done, now


def _run_difference(theirs, ours: dict) -> str | None:
    """How the run that wrote a log entry differs from this one, in words; None when it does not."""
    if not isinstance(theirs, dict) or theirs.get("grader") != ours["grader"]:
        return "another version of the grader (grader/ differs from this run's)"

    def seed(value) -> str:
        return "the default seed" if value is None else f"--seed {value}"

    def limit(value) -> str:
        return "the manifest's time limits" if value is None else f"--time-limit {value:g}" if \
            isinstance(value, (int, float)) else f"--time-limit {value}"

    if theirs.get("seed") != ours["seed"]:
        return f"{seed(theirs.get('seed'))} (this run: {seed(ours['seed'])})"
    if theirs.get("time_limit") != ours["time_limit"]:
        return f"{limit(theirs.get('time_limit'))} (this run: {limit(ours['time_limit'])})"
    return None


def _earlier_run(log_path: Path, run: dict, *, required: bool) -> dict[str, dict]:
    """The log entries of an earlier run by learner, when they come from a run like this one; a one-line
    refusal otherwise."""
    found = classlog.read(log_path)
    if found is None:
        if required:
            raise options.UsageError(messages.class_only_needs_log(log_path))
        print(messages.class_nothing_to_resume(log_path), file=sys.stderr)
        return {}
    logged, unreadable = found
    for entry in logged.values():
        difference = _run_difference(entry.get("run"), run)
        if difference:
            raise options.UsageError(messages.class_log_of_another_run(log_path, difference))
    if unreadable:
        print(messages.class_log_lines_skipped(log_path, unreadable), file=sys.stderr)
    return logged


def _named_learners(names: list[str], handins_by_learner: dict[str, finder.Handin]) -> set[str]:
    """--only's learners, as they are named in grades.csv (a formula-like name with its leading ') or by an entry
    of SUBMISSIONS_DIR they handed in, as a shell completes it: a folder (with its /), a zip, an LMS file."""
    learners = list(handins_by_learner)
    by_entry = {unicodedata.normalize("NFC", entry): learner for learner, handin in handins_by_learner.items()
                for entry in handin.entries}
    known, chosen = set(learners), set()
    for name in names:
        spellings = {name, unicodedata.normalize("NFC", name)}
        spellings |= {spelling[1:] for spelling in spellings if spelling.startswith("'")}
        spellings |= {spelling.rstrip("/" + os.sep) for spelling in spellings}
        matches = (spellings & known) | {by_entry[spelling] for spelling in spellings if spelling in by_entry}
        if not matches:
            raise options.UsageError(messages.class_unknown_learner(name, learners))
        chosen |= matches
    return chosen


def _plan(learners: dict[str, Path], earlier: dict[str, dict], digests: dict[str, str], *, resume: bool,
          chosen: set[str] | None) -> tuple[dict[str, dict], list[str]]:
    """Which learners' log entries stand (by learner) and which learners are graded now, in the class's order."""
    kept = {name: earlier[name] for name in learners if name in earlier and name not in (chosen or ())
            and (not resume or earlier[name].get("files_digest") == digests[name])}
    to_grade = [name for name in learners if name not in kept and (resume or chosen is None or name in chosen)]
    return kept, to_grade


def _refresh_kept(kept: dict[str, dict], by_learner: dict[str, finder.Handin], digests: dict[str, str],
                  names: dict[str, str], manifest: Manifest, feedback_dir: Path) -> tuple[dict[str, str], list[str]]:
    """Bring the log entries that stand up to this run's class, as an uninterrupted run would write them: the
    roster's learner_id, duplicates of classmates who handed in since, and the feedback file's name (a classmate
    named alike, Bob beside bob, moves bob's to bob-2.txt). Returns (learner -> the feedback to write under its
    new name, read now from its old one), and the learners whose feedback could not be found: graded again."""
    moved, lost = {}, []
    for learner, entry in kept.items():
        handin = by_learner[learner]
        if entry.get("files_digest") == digests[learner]:
            fresh = found_columns(handin, manifest, names[learner])
        else:  # kept by --only although changed: what was found when it was graded stands
            fresh = {"learner_id": handin.learner_id, "feedback_file": f"{FEEDBACK_SUBFOLDER}/{names[learner]}"}
        was = str(entry.get("feedback_file") or fresh["feedback_file"])
        if was != fresh["feedback_file"]:
            old = feedback_dir / Path(was).name
            try:
                if old.is_symlink() or Path(was).parent != Path(FEEDBACK_SUBFOLDER):
                    raise OSError("not a feedback file of this run")
                moved[learner] = old.read_text(encoding="utf-8")
            except (OSError, ValueError):
                lost.append(learner)
                continue
        entry.update(fresh)
    for learner in lost:
        del kept[learner]
    return moved, lost


class Recorder:
    """Records each learner as soon as they are graded, each piece whole: their feedback file, their line of
    grades.jsonl, their row of grades.csv. Opening it starts the run's files over from the entries that stand,
    so feedback/, grades.jsonl and grades.csv agree from the start, whenever the run stops."""

    def __init__(self, out: Path, manifest: Manifest, run: dict, digests: dict[str, str], kept: dict[str, dict],
                 feedback_names: dict[str, str], absent: list[dict], moved: dict[str, str] | None = None):
        """``feedback_names``: learner -> their feedback file's name; ``absent``: the rows of roster learners who
        handed in nothing (no feedback, no log line); ``moved``: kept learners' feedback, to write under their
        name in this run (see _refresh_kept)."""
        self.out, self.manifest, self.run, self.digests = out, manifest, run, digests
        self.feedback_dir, self.log_path, self.csv_path = out / FEEDBACK_SUBFOLDER, out / classlog.LOG_NAME, out / CSV_NAME
        self.feedback_names = feedback_names
        self.rows = {row["learner"]: row for row in absent}
        self.rows.update({name: classlog.row_of(entry) for name, entry in kept.items()})
        self.appending_failed = False
        try:
            self.feedback_dir.mkdir(parents=True, exist_ok=True)
            if confinement.current().kind == confinement.SEPARATE_USER:  # learner code could read what others may
                for folder in (out, self.feedback_dir):
                    folder.chmod(folder.stat().st_mode & ~0o007)
            _remove_feedback_except(self.feedback_dir, {self.feedback_path(name) for name in kept})
            for name, text in (moved or {}).items():
                self.feedback_path(name).write_text(text, encoding="utf-8")
            classlog.replace(self.log_path, lambda file: file.writelines(map(classlog.line, kept.values())), "ascii")
            write_csv(self.csv_path, list(self.rows.values()), manifest)
            self.log = classlog.Appender(self.log_path)
            self.csv_file = self.csv_path.open("a", newline="", encoding="utf-8", errors="replace")
        except OSError as error:
            raise options.UsageError(f"cannot write to {out}: {_reason(error)}") from None

    def feedback_path(self, learner: str) -> Path:
        return self.feedback_dir / self.feedback_names[learner]

    def record(self, learner: str, row: dict) -> dict:
        """Record a learner's row; returns it as recorded. What fails here costs this learner only."""
        try:
            self.feedback_path(learner).write_text(row["feedback"], encoding="utf-8", errors="replace")
        except (OSError, ValueError) as error:
            row = {**row, "status": ERROR, "message": messages.class_feedback_not_written(_reason(error)),
                   "scores": {}, "statuses": {}}
        self.rows[learner] = row
        try:
            self.log.add(classlog.entry(row, self.run, self.digests[learner]))
            self.csv_file.write(csv_line(csv_cells(row, self.manifest)))
            self.csv_file.flush()
        except (OSError, ValueError) as error:  # e.g. a full disk: the rows in memory still make grades.csv
            if not self.appending_failed:
                print(messages.class_not_appended(self.out, _reason(error)), file=sys.stderr)
            self.appending_failed = True
        return row

    def finish(self, order) -> list[dict]:
        """grades.csv written again, whole, with the rows recorded so far in ``order``; those rows."""
        self.log.close()
        self.csv_file.close()
        ordered = [self.rows[name] for name in order if name in self.rows]
        try:
            write_csv(self.csv_path, ordered, self.manifest)
        except OSError as error:
            raise options.UsageError(f"cannot write {self.csv_path}: {_reason(error)}") from None
        return ordered


def handin_digest(submissions: Path, handin: finder.Handin) -> str:
    """What --resume compares: every entry of SUBMISSIONS_DIR the hand-in came from (classlog.files_digest each:
    a folder's files, a zip, an LMS export's files), so a learner who handed in again is graded again."""
    import hashlib

    hasher = hashlib.sha256()
    for entry in sorted(handin.entries):
        hasher.update(entry.encode("utf-8", "surrogateescape") + b"\0" + classlog.files_digest(submissions / entry).encode())
    return hasher.hexdigest()


def grade_class(submissions: Path, out: Path, manifest: Manifest, *, workers: int, time_limit: float | None,
                timeout: float | None = None, grade_function=grade_submission, show_progress: bool = True,
                seed: int | None = None, roster: list | None = None, resume: bool = False,
                only: list[str] | None = None) -> ClassRows:
    """Grade every learner's hand-in in ``submissions``; write ``out``/grades.csv, grades.jsonl, skipped.csv,
    report.html and feedback/*.txt. ``timeout``: the wall-clock limit for one submission (default:
    submission_timeout of the time limit). ``grade_function(learner, folder, time_limit)`` runs in the workers
    (tests replace it), on a temporary copy of the files found. ``roster``: handins.Person entries, for
    learner_id and no_submission rows.
    ``resume``: keep the learners grades.jsonl already holds, unless what they handed in changed since; grade the
    others. ``only``: grade these learners again and keep every other learner the log holds.
    Returns the rows in grades.csv's order (a row kept from the log has no "feedback": that is in its file).
    Stopped by Ctrl-C or SIGTERM, it raises ClassInterrupted once the workers and learner processes are gone and
    grades.csv holds the learners graded so far."""
    with StopRequests() as stop:
        prepare_in_background()
        # A whole class: the workers start now, while this process finds the hand-ins (each worker's imports and
        # warm sandboxes take about a second). A resumed or partial run starts as many as it has learners left.
        early = resume is False and only is None
        pool = start_pool(min(workers, entry_count(submissions)), seed) if early else None
        try:
            return _grade_found(submissions, out, manifest, stop, pool, workers=workers, time_limit=time_limit,
                                timeout=timeout, grade_function=grade_function, show_progress=show_progress,
                                seed=seed, roster=roster, resume=resume, only=only)
        finally:
            if pool is not None:  # ends every worker; a busy one first ends its learner processes (_stop_grading)
                pool.stop()
                pool.join()


def entry_count(folder: Path) -> int:
    """How many entries ``folder`` holds (at least 1): the most workers a class of it can keep busy."""
    try:
        with os.scandir(folder) as entries:
            return max(1, sum(1 for _ in entries))
    except OSError:
        return 1


def _ready() -> None:
    """A task that does nothing: scheduling it makes the pool start its workers."""


def start_pool(count: int, seed: int | None):
    """A pool of ``count`` grading workers, started now (pebble starts them with the first task)."""
    from pebble import ProcessPool

    # spawn, not fork: the progress bar's thread runs in this process while the pool starts workers.
    pool = ProcessPool(max_workers=count, initializer=start_worker, initargs=(seed,),
                       context=multiprocessing.get_context("spawn"))
    pool.schedule(_ready)
    return pool


MEMORY_FOLDER = Path("/dev/shm")  # Linux's folder in memory (tmpfs), where there is one
MEMORY_SPARE = 64 * 1024 * 1024  # left free in the folder in memory for everything else that uses it


def staging_roots(needed: int) -> list[str | None]:
    """Where the files to grade are copied, in order of preference (None: the usual temporary folder). A folder
    in memory first, where it has room to spare: a file created on a disk can cost a millisecond of processor
    time or more (journal, antivirus), which a class pays once a step file."""
    try:
        usable = MEMORY_FOLDER.is_dir() and os.access(MEMORY_FOLDER, os.W_OK | os.X_OK)
        space = os.statvfs(MEMORY_FOLDER) if usable else None
        room = space.f_bavail * space.f_frsize if space else 0
    except (OSError, AttributeError):  # no statvfs: Windows
        room = 0
    return [str(MEMORY_FOLDER), None] if room > 2 * needed + MEMORY_SPARE else [None]


def make_stages(needed: int) -> list[Path]:
    """A new folder in each of staging_roots(), passing over one that cannot be made there (a memory folder with
    room in bytes but no inode left, say); raises OSError if none can be made."""
    stages, problem = [], None
    for root in staging_roots(needed):
        try:
            stages.append(Path(tempfile.mkdtemp(prefix="grade-class-", dir=root)))
        except OSError as error:
            problem = error
    if not stages:
        raise problem or OSError("no folder to copy the files to")
    return stages


def stage_copy(handin: finder.Handin, stages: list[Path], name: str) -> Path:
    """Copy ``handin``'s files to grade into the first of ``stages`` that takes them (a full memory folder
    falls back to the disk); raises OSError if none does."""
    for stage in stages[:-1]:
        try:
            return handin.stage(stage / name)
        except OSError:
            shutil.rmtree(stage / name, ignore_errors=True)
    return handin.stage(stages[-1] / name)


def _grade_found(submissions: Path, out: Path, manifest: Manifest, stop: StopRequests, pool, *, workers: int,
                 time_limit: float | None, timeout: float | None, grade_function, show_progress: bool,
                 seed: int | None, roster: list | None, resume: bool, only: list[str] | None) -> ClassRows:
    """grade_class's work, with the pool it may have started already (or None: started here if needed)."""
    from rich.console import Console
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                               TimeRemainingColumn)

    discovery = handins.discover(submissions, out.resolve(), manifest)
    found = discovery.handins
    if not found:
        raise options.UsageError(messages.class_no_learners(submissions, len(discovery.skipped)))
    absent = [absent_row(person, manifest) for person in handins.apply_roster(roster or [], found)]
    handins.mark_duplicates(found, manifest)
    names = handins.feedback_names([handin.learner for handin in found])
    by_learner = {handin.learner: handin for handin in found}
    known = {integrity.recorded()}
    if timeout is None:
        timeout = submission_timeout(time_limit or max(step.time_limit for step in manifest.steps))
    chosen = _named_learners(only, by_learner) if only is not None else None
    run = classlog.run_identity(integrity.digest(), seed, time_limit)
    log_path = out / classlog.LOG_NAME
    earlier = _earlier_run(log_path, run, required=not resume) if resume or only is not None else {}
    digests = {learner: handin_digest(submissions, handin) for learner, handin in by_learner.items()}
    kept, to_grade = _plan(by_learner, earlier, digests, resume=resume, chosen=chosen)
    moved, lost = _refresh_kept(kept, by_learner, digests, names, manifest, out / FEEDBACK_SUBFOLDER)
    to_grade = [learner for learner in by_learner if learner in to_grade or learner in lost]
    if resume:
        print(messages.class_resuming(len(kept), len(by_learner), log_path), file=sys.stderr)
    left_out = [learner for learner in by_learner if learner not in kept and learner not in to_grade]
    if left_out:  # --only alone: a learner no run graded yet (a stopped run, a late hand-in) has no row
        print(messages.class_only_left_out(left_out), file=sys.stderr)
    recorder = Recorder(out, manifest, run, digests, kept, names, absent, moved)
    try:
        write_skipped(out / SKIPPED_NAME, discovery.skipped)
    except OSError as error:
        raise options.UsageError(f"cannot write to {out}: {_reason(error)}") from None
    order = sorted([*by_learner, *(row["learner"] for row in absent)], key=handins.learner_order)

    console = Console(stderr=True)
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        TimeRemainingColumn(), console=console, disable=not (show_progress and console.is_terminal))
    plain = PlainProgress(len(to_grade)) if show_progress and not console.is_terminal else None
    graded_now: list[dict] = []
    errors = 0

    def record(learner: str, row: dict) -> None:
        nonlocal errors
        row = recorder.record(learner, add_found(row, by_learner[learner], manifest, names[learner], known))
        graded_now.append(row)
        errors += row["status"] not in (GRADED, NO_FILES)
        if row.get("stderr"):
            progress.console.print(printable(f"{learner}: {row['stderr'].rstrip()}"), markup=False,
                                   highlight=False)
        progress.advance(bar)
        show_plain()

    def show_plain() -> None:
        if plain:
            plain.update(len(graded_now), errors)

    # The files found, copied: what the workers grade.
    needed = sum(len(data) for learner in to_grade for data in by_learner[learner].files.values())
    try:
        stages = make_stages(needed)
    except OSError as error:
        raise options.UsageError(f"cannot make a folder to copy the files to grade into: {_reason(error)}") from None
    try:
        with progress:
            bar = progress.add_task(messages.CLASS_PROGRESS, total=len(to_grade))
            futures, folders, retried = {}, {}, set()

            def schedule(learner: str):
                nonlocal pool
                pool = pool or start_pool(min(workers, len(to_grade)), seed)
                future = pool.schedule(grade_function, args=(learner, folders[learner], time_limit), timeout=timeout)
                futures[future] = learner
                return future

            for index, learner in enumerate(to_grade):
                handin = by_learner[learner]
                # A learner entry that is a link is never followed (it could be a classmate's, or the kit's
                # solutions/): its row says so.
                if handin.linked_entry:
                    record(learner, failed_row(learner, messages.class_linked_folder(handin.entries[0])))
                elif handin.error:
                    record(learner, failed_row(learner, handin.error))
                elif not handin.files:
                    record(learner, no_files_row(handin, manifest))
                else:
                    try:
                        folder = stage_copy(handin, stages, f"{index:06d}")
                    except OSError as error:
                        record(learner, failed_row(learner, messages.class_grading_failed(
                            f"its files could not be copied for grading: {_reason(error)}")))
                        continue
                    folders[learner] = folder
                    if stop.signal is None:  # graded while the others are copied
                        schedule(learner)
            if futures and stop.signal is None:
                pending = set(futures)
                while pending and stop.signal is None:  # a stop is seen here, between two learners' records
                    done, pending = wait(pending, timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
                    lost = [futures[future] for future in done if _pool_broke(future)]
                    if any(learner not in retried for learner in lost):
                        # The pool broke (a worker died before the pool knew its task had started): it gave up
                        # every task it held, not just that one. A new pool grades each of them once more.
                        pool.stop()
                        pool.join()
                        pool = None
                    for future in done:
                        learner = futures[future]
                        if learner in lost and learner not in retried:
                            retried.add(learner)
                            pending.add(schedule(learner))
                        else:
                            record(learner, _outcome(future, learner, timeout))
                    show_plain()  # every 10 s even when nothing finishes
    finally:
        if pool is not None:  # ends every worker; a busy one first ends its learner processes (_stop_grading)
            pool.stop()
            pool.join()
        for stage in stages:
            shutil.rmtree(stage, ignore_errors=True)
        ordered = ClassRows(recorder.finish(order))
        ordered.skipped = discovery.skipped
    class_report.write(out / "report.html", ordered, manifest)  # the same rows as grades.csv, stopped or not
    if len(graded_now) < len(to_grade):  # stopped: the roster's learners who handed in nothing were not graded
        raise ClassInterrupted(sum(row["status"] != NO_SUBMISSION for row in ordered), len(by_learner))
    return ordered


PROG = "python -m grader.classroom"


def _parser() -> options.Parser:
    parser = options.Parser(prog=PROG,
                            description="Grade every learner's submission in a folder, in parallel.")
    parser.add_argument("submissions", type=Path, nargs="?", metavar="SUBMISSIONS_DIR",
                        help="a folder with one folder or zip per learner (named after the learner), or an "
                             "LMS bulk download (Canvas, Moodle)")
    parser.add_argument("--out", type=Path, default=None, metavar="DIR",
                        help="where grades.csv and feedback/ go (default: grades/ next to SUBMISSIONS_DIR)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, metavar="N",
                        help="submissions graded at once (default: the number of CPU cores)")
    parser.add_argument("--time-limit", type=float, default=None, metavar="SECONDS",
                        help="seconds each step's code may run (default: from the manifest)")
    parser.add_argument("--seed", type=int, default=None, metavar="N",
                        help="make the grader's test data from seed N (default: a fixed seed; grades.csv says which)")
    parser.add_argument("--unconfined", action="store_true",
                        help="grade even where learner code cannot be sandboxed (every output then says so)")
    parser.add_argument("--roster", type=Path, default=None, metavar="FILE.csv",
                        help="the class list, with the columns name, id, email: fills learner_id, and gives a row "
                             "to each learner who handed in nothing")
    parser.add_argument("--resume", action="store_true",
                        help=f"grade only the learners that {classlog.LOG_NAME} in --out does not hold yet, or whose "
                             "files changed since (after a run was stopped)")
    parser.add_argument("--only", nargs="+", default=None, metavar="NAME",
                        help=f"grade only these learners again (names as in grades.csv), keeping every other learner "
                             f"in {classlog.LOG_NAME}; put it after SUBMISSIONS_DIR")
    return parser


def resume_command(args, submissions: Path, out: Path) -> str:
    """The command that goes on with a stopped run: the same settings, with --resume."""
    words = ["nox", "-s", options.NOX_SESSIONS[PROG], "--", str(submissions), "--out", str(out)]
    if args.time_limit is not None:
        words += ["--time-limit", f"{args.time_limit:g}"]
    if args.seed is not None:
        words += ["--seed", str(args.seed)]
    if args.unconfined:
        words.append("--unconfined")
    if args.roster is not None:  # without it the absent learners' rows would be gone, and learner_id for the rest
        words += ["--roster", str(args.roster.resolve())]
    return shlex.join([*words, "--resume"])


def check_confinement(allow_unconfined: bool, closed: list[Path]) -> str:
    """The sandbox kind the workers will use, or a one-line refusal. A separate user could read whatever
    others may read, so then the kit, the submissions and the results must be closed to others."""
    try:
        sandbox = confinement.require(allow_unconfined)
        if sandbox.kind == confinement.SEPARATE_USER:
            confinement.must_be_closed(closed)
    except confinement.SandboxUnavailable as error:
        raise options.UsageError(str(error)) from None
    return sandbox.kind


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    manifest = options.manifest()
    if args.submissions is None:
        raise options.UsageError("say which folder holds the submissions: nox -s grade-class -- SUBMISSIONS_DIR"
                                 + (" --only NAME ..." if args.only else ""))
    if not args.submissions.is_dir():
        raise options.UsageError(f"{args.submissions} is not a folder of submissions")
    if args.workers < 1:
        raise options.UsageError("--workers must be at least 1")
    if args.time_limit is not None and args.time_limit <= 0:
        raise options.UsageError("--time-limit must be a positive number of seconds")
    roster = handins.read_roster(args.roster) if args.roster is not None else None
    submissions = args.submissions.resolve()
    out = (args.out or submissions.parent / "grades").resolve()
    if check_confinement(args.unconfined, [KIT_DIR, submissions, out]) == confinement.NONE:
        print(messages.UNCONFINED_NOTE, file=sys.stderr)
    try:
        rows = grade_class(submissions, out, manifest, workers=args.workers, time_limit=args.time_limit,
                           seed=args.seed, roster=roster, resume=args.resume, only=args.only)
    except ClassInterrupted as stopped:
        print(messages.class_interrupted(stopped.graded, stopped.learners, out / CSV_NAME,
                                         resume_command(args, submissions, out)))
        return options.EXIT_INTERRUPTED
    print(messages.sandbox_in_use(confinement.current().words), file=sys.stderr)
    handed_in = [row for row in rows if row["status"] != NO_SUBMISSION]
    errors = sum(row["status"] == ERROR for row in handed_in)
    no_files = sum(row["status"] == NO_FILES for row in handed_in)
    print(messages.class_done(len(handed_in), errors + no_files, sum(row["grader_modified"] for row in rows), out,
                              no_files=no_files, absent=len(rows) - len(handed_in), skipped=len(rows.skipped)))
    return options.EXIT_OK if not errors else options.EXIT_NOT_OK


if __name__ == "__main__":
    from grader import classroom  # the workers find grade_submission as grader.classroom's, not __main__'s

    sys.exit(options.run(classroom.main, "grader.classroom"))
