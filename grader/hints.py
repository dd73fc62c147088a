"""Hints that grow: the seed's hint first; when the same check fails twice in a row, a specific one too.

What failed last time is remembered in a small JSON file (`--state`, which `nox -s grade` and
`nox -s watch` point at .nox/grader-state.json). No file, no memory: only the first hint is shown.

The file sits in the learner's folder, so it may be anything: a FIFO (reading it would wait forever), a
directory, a symlink to a file of theirs, a huge or broken file. Only a regular file is read (at most
READ_LIMIT bytes) or replaced; anything else is left alone with one note, and grading goes on.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import sys
import tempfile
from pathlib import Path

from . import messages
from .grading import StepResult
from .status import Status

READ_LIMIT = 1 << 20  # bytes; the state is a few hundred
# O_NONBLOCK: opening a FIFO does not wait for a writer. O_NOFOLLOW: a symlink is not followed, even one
# put there after the lstat() check. Windows has neither (nor FIFOs); the lstat() check covers its symlinks.
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
_noted: set[str] = set()  # the paths already noted as not regular files: one note per path and run


def _regular_or_absent(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return True  # absent; or it cannot be looked at (permissions?), and reading or writing fails quietly


def _read_regular(path: Path) -> bytes | None:
    """Up to READ_LIMIT + 1 bytes of the file, or None when what opened is not a regular file."""
    fd = os.open(path, _READ_FLAGS)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        chunks, size = [], 0
        while size <= READ_LIMIT and (chunk := os.read(fd, READ_LIMIT + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _load(path: Path) -> dict | None:
    """What failed last time: {} when nothing is remembered (no file, unreadable, too big, not JSON); None
    when the path is not a regular file, which must then be left alone."""
    if not _regular_or_absent(path):
        return None
    try:
        data = _read_regular(path)
    except OSError:
        return {}
    if data is None:
        return None
    try:
        state = json.loads(data.decode("utf-8")) if len(data) <= READ_LIMIT else {}
    except (ValueError, RecursionError):  # RecursionError: nesting too deep for the JSON parser
        return {}
    return state if isinstance(state, dict) else {}


def _save(path: Path, state: dict) -> None:
    """Write a temporary file beside ``path``, then rename it over: ``path`` itself is never opened, so a
    symlink or FIFO that appears there is replaced, not written through or waited on."""
    if not _regular_or_absent(path):
        _note_not_regular(path)
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with open(fd, "w", encoding="utf-8") as file:
                json.dump(state, file, indent=1)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
    except OSError:
        pass  # hints are a help, never a reason to fail


def _note_not_regular(path: Path) -> None:
    if str(path) not in _noted:
        _noted.add(str(path))
        print(messages.state_not_a_file(str(path)), file=sys.stderr)


def remember_failures(results: list[StepResult], path: Path | None) -> set[int]:
    """Record which check failed first for each step; return the steps whose check failed again."""
    if path is None:
        return set()
    state = _load(path)
    if state is None:
        _note_not_regular(path)
        return set()
    again = set()
    for result in results:
        key = str(result.step.number)
        failure = result.first_failure if result.status == Status.FAILED else None
        if failure is None:
            state.pop(key, None)
            continue
        previous = state.get(key) if isinstance(state.get(key), dict) else {}
        times = previous.get("times") if isinstance(previous.get("times"), int) else 0
        times = times + 1 if previous.get("check") == failure.check else 1
        state[key] = {"check": failure.check, "times": times}
        if times >= 2 and result.more_hint:
            again.add(result.step.number)
    _save(path, state)
    return again


def tips_seen_before(results: list[StepResult], path: Path | None) -> set[str]:
    """The tips of ``results`` that an earlier run already showed (a tip is said once); remembers the rest."""
    if path is None:
        return set()
    state = _load(path)
    if state is None:
        return set()
    shown = state.get("tips_shown") if isinstance(state.get("tips_shown"), list) else []
    digests = {tip: hashlib.sha256(tip.encode("utf-8", "replace")).hexdigest()[:16]
               for result in results for tip in result.tips}
    seen = {tip for tip, digest in digests.items() if digest in shown}
    if set(digests) - seen:
        state["tips_shown"] = [*shown, *(digests[tip] for tip in digests if tip not in seen)][-200:]
        _save(path, state)
    return seen
