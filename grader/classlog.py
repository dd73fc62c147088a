"""grades.jsonl, the log of a class's grading: one JSON object per learner, appended as each one is graded.

It is what `--resume` and `--only` go on from, and what grades.csv is rebuilt from when a run is stopped. Each
object is the learner's row (everything grades.csv shows, and any field added to rows later) plus:
- "run": what a grade depends on besides the learner's files: the grader's digest (grader/integrity.py), the
  seed and the time limit asked for. A log of another run is never mixed into this one's grades;
- "files_digest": the learner's files when they were graded, so a learner whose files changed since is graded
  again;
- "graded_at": when, in UTC.

A learner's feedback is in its own file, so it is not repeated here.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from datetime import datetime, timezone
from pathlib import Path

from .status import Status

LOG_NAME = "grades.jsonl"
NOT_LOGGED = ("feedback", "stderr")  # the feedback has its file; a grader fault's stderr was shown when it happened
LOG_ONLY = ("run", "files_digest", "graded_at")
STEP_KEYED = ("scores", "statuses", "failing_checks")  # dicts keyed by step number: JSON makes the keys text, reading makes them numbers
NOT_SUBMITTED = {"__pycache__", ".git", ".nox", ".venv"}  # made by tools, never graded: no reason to grade again


def run_identity(grader_digest: str, seed: int | None, time_limit: float | None) -> dict:
    """What must be the same for grades of two runs to stand side by side (None: the default)."""
    return {"grader": grader_digest, "seed": seed, "time_limit": time_limit}


def files_digest(path: Path) -> str:
    """SHA-256 of a submission as it is on disk: each regular file's relative path and bytes, and each link's
    target (never followed). A folder or a single file (a zip) alike; what cannot be read counts by its error."""
    hasher = hashlib.sha256()

    def add(relative: str, kind: bytes, content: bytes) -> None:
        hasher.update(os.fsencode(relative) + b"\0" + kind + b"\0" + hashlib.sha256(content).digest())

    def add_entry(full: str, relative: str) -> None:
        try:
            info = os.lstat(full)
            if stat.S_ISLNK(info.st_mode):
                add(relative, b"link", os.fsencode(os.readlink(full)))
            elif stat.S_ISREG(info.st_mode):  # never a FIFO or a device: reading one could block for ever
                add(relative, b"file", _file_bytes_digest(full))
        except OSError as error:
            add(relative, b"unreadable", str(error.errno).encode())

    if not os.path.isdir(path) or os.path.islink(path):
        add_entry(os.fspath(path), ".")
        return hasher.hexdigest()
    def relative(full: str) -> str:
        return os.path.relpath(full, path).replace(os.sep, "/")

    for root, folders, files in os.walk(path, onerror=lambda error: add(relative(error.filename or path), b"unreadable",
                                                                        b"")):
        linked = [name for name in folders if os.path.islink(os.path.join(root, name))]  # listed, never entered
        folders[:] = sorted(name for name in folders if name not in NOT_SUBMITTED and name not in linked)
        for name in sorted([*files, *linked]):
            full = os.path.join(root, name)
            add_entry(full, relative(full))
    return hasher.hexdigest()


def _file_bytes_digest(path: str) -> bytes:
    hasher = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(1 << 20):
            hasher.update(chunk)
    return hasher.digest()


def entry(row: dict, run: dict, digest: str) -> dict:
    """The log's object for a graded learner's row."""
    logged = {key: value for key, value in row.items() if key not in NOT_LOGGED}
    return {**logged, "run": run, "files_digest": digest,
            "graded_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}


def line(logged: dict) -> str:
    """One line of the log. ASCII only, so any name (even one that is not valid UTF-8 on disk) comes back as it was."""
    return json.dumps(logged, ensure_ascii=True, default=str) + "\n"


def row_of(logged: dict) -> dict:
    """The learner's row again, as grading made it: step numbers as numbers, statuses as Status."""
    row = {key: value for key, value in logged.items() if key not in LOG_ONLY}
    for key in STEP_KEYED:
        if isinstance(row.get(key), dict):
            row[key] = {int(number) if str(number).isdigit() else number: value for number, value in row[key].items()}
    if isinstance(row.get("statuses"), dict):
        row["statuses"] = {number: _status(value) for number, value in row["statuses"].items()}
    return row


def _status(value):
    try:
        return Status(value)
    except ValueError:
        return value


def read(path: Path) -> tuple[dict[str, dict], list[int]] | None:
    """The log's objects by learner (a later one wins), and the numbers of lines that could not be read (the last
    one, when a run was killed while writing it); None when there is no log."""
    try:
        with path.open("rb") as file:
            lines = file.read().split(b"\n")
    except FileNotFoundError:
        return None
    logged, unreadable = {}, []
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            value = json.loads(raw)
        except ValueError:  # also UnicodeDecodeError
            value = None
        if _is_entry(value):
            logged[value["learner"]] = value
        else:
            unreadable.append(number)
    return logged, unreadable


def _is_entry(value) -> bool:
    """Whether a line holds what a row needs (anything else, e.g. a line edited by hand, is not trusted)."""
    return (isinstance(value, dict) and isinstance(value.get("learner"), str) and isinstance(value.get("status"), str)
            and isinstance(value.get("message"), str) and isinstance(value.get("scores"), dict)
            and isinstance(value.get("statuses"), dict) and "grader_modified" in value)


class Appender:
    """The log, open for appending: each object is written whole and flushed before the next learner's."""

    def __init__(self, path: Path):
        self.file = path.open("a", encoding="ascii", newline="\n")

    def add(self, logged: dict) -> None:
        self.file.write(line(logged))
        self.file.flush()

    def close(self) -> None:
        self.file.close()


def replace(path: Path, write, encoding: str = "utf-8") -> None:
    """Write ``path`` whole or not at all: ``write(file)`` fills a file beside it, which then takes its place, so
    a reader (or a run stopped right then) never finds half a file."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("w", newline="", encoding=encoding, errors="replace") as file:
            write(file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()
