"""`python -m grader.classroom SUBMISSIONS_DIR`: grade a whole class at once, for instructors.

SUBMISSIONS_DIR holds one folder per learner, named after the learner, with the step files in it or in its
steps/ subfolder (a whole kit handed in). Every submission is graded in parallel by long-lived worker
processes (imports are paid once per worker), each exactly as `python -m grader` would grade it. Out come
grades.csv (one row per learner) and feedback/<learner>.txt (the report the learner would see).

Whatever a submission does, the run finishes: learner code is time-limited by the grader itself, and on top
of that a submission whose grading runs past a wall-clock limit, or whose worker process dies, costs only that
submission (status "error" in its row and its feedback); the pool replaces the worker and carries on.
"""

from __future__ import annotations

import csv
import functools
import multiprocessing
import os
import signal
import sys
from concurrent.futures import CancelledError, as_completed
from concurrent.futures import TimeoutError as FutureTimeoutError  # not yet the built-in one on Python 3.10
from contextlib import redirect_stderr
from io import StringIO
from pathlib import Path

from . import class_report, messages, options
from .manifest import KIT_DIR, Manifest
from .sandbox import confinement
from .text import printable

GRADED, ERROR = "graded", "error"
STEPS_SUBFOLDER = "steps"
GRADER_SUBFOLDER = "grader"
FEEDBACK_SUBFOLDER = "feedback"
CSV_NAME = "grades.csv"
IGNORED_FOLDERS = {"__MACOSX", "__pycache__"}  # left by zip tools and Python, not learners


def submission_timeout(time_limit: float) -> float:
    """The wall-clock limit for grading one submission: far beyond what the grader's own limits allow."""
    return 4 * time_limit + 30


def steps_folder(submission: Path, manifest: Manifest) -> Path:
    """Where a learner's step files are: in their folder itself, or in its steps/ (a whole kit handed in)."""
    if any((submission / step.file).is_file() for step in manifest.steps):
        return submission
    if (submission / STEPS_SUBFOLDER).is_dir():
        return submission / STEPS_SUBFOLDER
    return submission


def grader_modified(submission: Path) -> bool:
    """True when the submission holds its own grader/ and it differs from the instructor's record."""
    from . import integrity

    copy = submission / GRADER_SUBFOLDER
    if not copy.is_dir():
        return False
    try:
        return integrity.digest(copy) != integrity.recorded()
    except OSError:  # unreadable files in it: it is not the grader as published
        return True


def learner_folders(submissions: Path, out: Path) -> list[Path]:
    try:
        folders = [path for path in submissions.iterdir() if path.is_dir() and not path.name.startswith(".")
                   and path.name not in IGNORED_FOLDERS and path.resolve() != out.resolve()]
    except OSError as error:
        raise options.UsageError(f"cannot read {submissions}: {error.strerror or error}") from None
    return sorted(folders, key=lambda path: path.name.lower())


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


def _feedback(results, manifest: Manifest, modified: bool, kind: str) -> str:
    from rich.console import Console

    from . import screen

    buffer = StringIO()
    console = Console(file=buffer, force_terminal=False, no_color=True, color_system=None, highlight=False,
                      emoji=False, soft_wrap=True, width=100)
    screen.render(results, console, all_steps=len(manifest.steps))
    text = buffer.getvalue()
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
            with redirect_stderr(captured):
                results = grading.grade(manifest, steps_folder(submission, manifest).resolve(), manifest.numbers,
                                        time_limit=time_limit, more_time=messages.MORE_TIME_ELSEWHERE)
        finally:
            os.chdir(before)
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


def _number(value: float) -> str:
    return f"{value:g}"


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    """Text a spreadsheet shows as text: one that starts like a formula gets a leading ' (OWASP's advice for
    CSV injection), so a learner named =HYPERLINK(...) stays a name."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_csv(path: Path, rows: list[dict], manifest: Manifest) -> None:
    """grades.csv. Columns are only ever added, at the end: total is core and bonus together, as it always was;
    core_total and bonus say them apart; stepN_status gives each step's status."""
    max_total = sum(step.points for step in manifest.core)  # a bonus step's points are extra credit
    bonus_steps = {step.number for step in manifest.steps if step.bonus}
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["learner", *(f"step{n}" for n in manifest.numbers), "total", "max_total",
                         "grader_modified", "status", "message", "confinement", "seed", "core_total", "bonus",
                         *(f"step{n}_status" for n in manifest.numbers)])
        for row in rows:
            scores = [_number(row["scores"][n]) if n in row["scores"] else "" for n in manifest.numbers]
            graded = row["status"] == GRADED
            total = _number(round(sum(row["scores"].values()), 2)) if graded else ""
            core = _number(round(sum(v for n, v in row["scores"].items() if n not in bonus_steps), 2)) if graded else ""
            bonus = _number(round(sum(v for n, v in row["scores"].items() if n in bonus_steps), 2)) if graded else ""
            statuses = [str(row.get("statuses", {}).get(n, "")) for n in manifest.numbers]
            writer.writerow([_cell(row["learner"]), *scores, total, _number(max_total), row["grader_modified"],
                             row["status"], _cell(row["message"]), row.get("confinement", ""), row.get("seed", ""),
                             core, bonus, *statuses])


def _remove_feedback_of_others(feedback_dir: Path, learners: set[str]) -> None:
    """An earlier run into the same folder may have graded learners who are not in this class any more:
    their old feedback must not sit beside this run's grades.csv as if it were current."""
    for path in feedback_dir.glob("*.txt"):
        if path.stem not in learners:
            path.unlink()


def grade_class(submissions: Path, out: Path, manifest: Manifest, *, workers: int, time_limit: float | None,
                timeout: float | None = None, grade_function=grade_submission,
                show_progress: bool = True, seed: int | None = None) -> list[dict]:
    """Grade every learner folder in ``submissions``; write ``out``/grades.csv and ``out``/feedback/*.txt.
    ``timeout``: the wall-clock limit for one submission (default: submission_timeout of the time limit).
    ``grade_function(learner, folder, time_limit)`` runs in the workers (tests replace it)."""
    from pebble import ProcessPool
    from rich.console import Console
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                               TimeRemainingColumn)

    folders = learner_folders(submissions, out)
    if not folders:
        raise options.UsageError(messages.class_no_learners(submissions))
    if timeout is None:
        timeout = submission_timeout(time_limit or max(step.time_limit for step in manifest.steps))
    feedback_dir = out / FEEDBACK_SUBFOLDER
    try:
        feedback_dir.mkdir(parents=True, exist_ok=True)
        if confinement.current().kind == confinement.SEPARATE_USER:  # learner code could read what others may
            for folder in (out, feedback_dir):
                folder.chmod(folder.stat().st_mode & ~0o007)
        _remove_feedback_of_others(feedback_dir, {folder.name for folder in folders})
    except OSError as error:
        raise options.UsageError(f"cannot write to {out}: {error.strerror or error}") from None

    rows: dict[str, dict] = {}
    console = Console(stderr=True)
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        TimeRemainingColumn(), console=console, disable=not show_progress)
    # spawn, not fork: the progress bar's thread runs in this process while the pool starts new workers.
    pool = ProcessPool(max_workers=workers, initializer=start_worker, initargs=(seed,),
                       context=multiprocessing.get_context("spawn"))
    try:
        with progress:
            bar = progress.add_task(messages.CLASS_PROGRESS, total=len(folders))

            def record(learner: str, row: dict) -> None:
                rows[learner] = row
                (feedback_dir / f"{learner}.txt").write_text(row["feedback"], encoding="utf-8", errors="replace")
                if row.get("stderr"):
                    progress.console.print(printable(f"{learner}: {row['stderr'].rstrip()}"), markup=False,
                                           highlight=False)
                progress.advance(bar)

            # A learner folder that is a link is never followed (it could be a classmate's, or the kit's
            # solutions/): its row says so.
            for folder in folders:
                if folder.is_symlink():
                    record(folder.name, failed_row(folder.name, messages.class_linked_folder(folder.name)))
            futures = {pool.schedule(grade_function, args=(folder.name, folder.resolve(), time_limit),
                                     timeout=timeout): folder.name for folder in folders if not folder.is_symlink()}
            for future in as_completed(futures):
                record(futures[future], _outcome(future, futures[future], timeout))
    finally:
        pool.stop()
        pool.join()
    ordered = [rows[folder.name] for folder in folders]
    write_csv(out / CSV_NAME, ordered, manifest)
    class_report.write(out / "report.html", ordered, manifest)
    return ordered


def _parser() -> options.Parser:
    parser = options.Parser(prog="python -m grader.classroom",
                            description="Grade every learner's submission in a folder, in parallel.")
    parser.add_argument("submissions", type=Path, metavar="SUBMISSIONS_DIR",
                        help="a folder with one folder per learner (named after the learner)")
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
    return parser


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
    if not args.submissions.is_dir():
        raise options.UsageError(f"{args.submissions} is not a folder of submissions")
    if args.workers < 1:
        raise options.UsageError("--workers must be at least 1")
    if args.time_limit is not None and args.time_limit <= 0:
        raise options.UsageError("--time-limit must be a positive number of seconds")
    submissions = args.submissions.resolve()
    out = (args.out or submissions.parent / "grades").resolve()
    if check_confinement(args.unconfined, [KIT_DIR, submissions, out]) == confinement.NONE:
        print(messages.UNCONFINED_NOTE, file=sys.stderr)
    rows = grade_class(submissions, out, manifest, workers=args.workers, time_limit=args.time_limit, seed=args.seed)
    print(messages.sandbox_in_use(confinement.current().words), file=sys.stderr)
    ungraded = sum(row["status"] != GRADED for row in rows)
    print(messages.class_done(len(rows), ungraded, sum(row["grader_modified"] for row in rows), out))
    return options.EXIT_OK if not ungraded else options.EXIT_NOT_OK


if __name__ == "__main__":
    from grader import classroom  # the workers find grade_submission as grader.classroom's, not __main__'s

    sys.exit(options.run(classroom.main, "grader.classroom"))
