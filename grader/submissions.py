"""Finding each learner's step files in what they handed in: one finder for grade-class and Gradescope.

A hand-in arrives as a folder, a zip, a zip inside a folder, a nested folder (project/steps/, Steps/), a whole kit,
or the files of an LMS bulk download. All of it is read as data, never trusted:
- links are never followed (a linked step file or folder is noted, and never graded);
- zips are read member by member, never extracted: a member whose path leaves the zip (``..``, an absolute path,
  a drive letter) or that is a link is ignored, and caps bound a zip's entries, its size, each file's size and
  what it claims to unpack to;
- folders are walked to a bounded depth and number of entries, skipping tools' clutter and grader/ copies (whose
  digest is taken to tell whether they were changed).

The step files graded come from one folder: the one holding the most of them (by exact name, or by a near miss
such as step3.py or "Step3_Process_Event (1).py"), then the one holding the most exact names, then the shallowest,
then one called steps/. A folder called solutions/ comes after all others, whatever it holds: a whole kit carries
the reference solutions. A step missing in the folder chosen is taken by its exact name from another folder (never
from solutions/). Every choice that was not obvious becomes a note.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
import struct
import unicodedata
import zipfile
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from hashlib import sha256
from pathlib import Path
from typing import Callable

from . import messages
from .manifest import Manifest, Step

MAX_DEPTH = 8  # folders below a hand-in's top; deeper ones are not searched
MAX_ENTRIES = 5000  # files and folders looked at in one hand-in, zips' members included
MAX_ZIPS = 10  # zips opened in one hand-in
MAX_ZIP_BYTES = 100 << 20  # a zip file's own size
MAX_ZIP_ENTRIES = 5000
MAX_UNPACKED_BYTES = 200 << 20  # what a zip's members claim to unpack to, together
MAX_FILE_BYTES = 2 << 20  # one file read (a step file, a grader file)
MAX_LISTED = 8  # other files named in a note

SKIPPED_FOLDERS = {"__MACOSX", "__pycache__", "venv", "node_modules"}  # and every folder whose name starts with "."
GRADER_FOLDER = "grader"
GRADER_MARKERS = ("manifest.toml", "grading.py")  # a grader/ folder that is a copy of the kit's grader
LOOK_ALIKE_SUFFIXES = (".py", ".txt", ".ipynb")
DOCUMENT_SUFFIXES = (".ipynb", ".txt", ".docx", ".doc", ".pdf", ".odt", ".rtf")  # named in a note wherever found
SOLUTIONS_FOLDER = "solutions"
LINK_STAND_IN = "symbolic-link-not-followed"  # where a staged link points: nowhere


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# --- near misses: one rule for the learner's loop and for graders ------------------------------------------

def looks_like(name: str, step: Step, step_files: set[str], suffixes: tuple[str, ...] = LOOK_ALIKE_SUFFIXES) -> bool:
    """True when a file named ``name`` looks like ``step``'s file under another name: step3.py,
    Step3_Process_Event.py, "step3_process_event (1).py". A step's own file name never does."""
    lower = name.lower()
    if name in step_files or os.path.splitext(lower)[1] not in suffixes:
        return False
    prefix = f"step{step.number}"
    return (lower.startswith(prefix) and not lower[len(prefix):][:1].isdigit()
            or step.identifier in lower.replace(" ", "_").replace("-", "_")
            or bool(difflib.get_close_matches(lower, [step.file], n=1, cutoff=0.8)))


def near_misses(file: Path, step: Step, step_files: set[str]) -> list[Path]:
    """Files that look like the learner's ``file`` under another name or in the folder above: a rename
    (step3.py, Step3_Process_Event.py, "step3_process_event (1).py") or a move. Other steps' files are not."""
    found = []
    try:
        found = [path for path in sorted(file.parent.iterdir()) if path.is_file() and looks_like(path.name, step, step_files)]
        moved = file.parent.parent / file.name
        if moved.is_file():
            found.append(moved)
    except OSError:
        pass
    return found[:3]


# --- what a hand-in holds ------------------------------------------------------------------------------------

class Unreadable(Exception):
    """A file that cannot be read; the message says why in a few words."""


@dataclass
class Item:
    """A file (or a link) in a hand-in."""

    parts: tuple[str, ...]  # where it is in the hand-in, names in NFC (the entry's and any zip's name included)
    inner: tuple[str, ...]  # where the learner put it: without the entry's own name and zips' names
    shown: str  # where the instructor finds it: relative to SUBMISSIONS_DIR, through zips (alice.zip/steps/x.py)
    size: int = 0
    mtime: float = 0.0
    link: bool = False
    read: Callable[[], bytes] | None = None

    @property
    def name(self) -> str:
        return self.parts[-1]

    @property
    def folder(self) -> tuple[str, ...]:
        return self.parts[:-1]


def _join(shown: str, name: str) -> str:
    return f"{shown}/{name}" if shown else name


def _reason(error: BaseException) -> str:
    return getattr(error, "strerror", None) or str(error) or type(error).__name__


def _open_regular(path: str | Path):
    """``path`` opened for reading, if it is a regular file and not a link (the grader may be root)."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
                         | getattr(os, "O_BINARY", 0))
    handle = os.fdopen(descriptor, "rb")
    if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
        handle.close()
        raise Unreadable("not a regular file")
    return handle


def _capped(read: Callable[[int], bytes]) -> bytes:
    data = read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise Unreadable(f"larger than {MAX_FILE_BYTES >> 20} MB")
    return data


def _read_file(path: str) -> bytes:
    try:
        with _open_regular(path) as handle:
            return _capped(handle.read)
    except OSError as error:
        raise Unreadable(_reason(error)) from None


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A zip member's bytes: never more than its declared size (zipfile stops there and checks the CRC), nor
    more than the cap, however much its data would inflate to."""
    try:
        with archive.open(info) as handle:
            return _capped(handle.read)
    except Unreadable:
        raise
    except (OSError, zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError, ValueError) as error:
        raise Unreadable(_reason(error)) from None


def _zip_entry_count(handle) -> int | None:
    """The entry count a zip's end record claims, read before zipfile reads its whole central directory
    (a zip of millions of empty entries would fill memory first); None when the record is not found or
    defers to ZIP64."""
    try:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        start = max(0, size - (1 << 16) - 22)
        handle.seek(start)
        tail = handle.read()
        handle.seek(0)
    except OSError:
        return None
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return None
    count = struct.unpack("<H", tail[at + 10:at + 12])[0]
    return None if count == 0xFFFF else count


def _unsafe_member(name: str) -> bool:
    """A member path that would leave the zip: absolute, a drive letter, or a .. among its parts."""
    return (name.startswith("/") or bool(re.match(r"[A-Za-z]:", name))
            or any(part == ".." for part in name.split("/")))


def _is_link_member(info: zipfile.ZipInfo) -> bool:
    return info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16)


def _skipped_folder(name: str) -> bool:
    return name.startswith(".") or name in SKIPPED_FOLDERS


class Collector:
    """Gathers the items of one hand-in from its folders, zips and LMS files, within the caps."""

    def __init__(self, stack: ExitStack):
        self.stack = stack
        self.items: list[Item] = []
        self.graders: dict[tuple[str, ...], dict] = {}  # a grader/ folder's parts -> its shown path and files
        self.notes: list[str] = []
        self.looked = 0
        self.zips = 0
        self._stopped = self._too_deep = False

    def _count(self, shown: str) -> bool:
        self.looked += 1
        if self.looked > MAX_ENTRIES:
            if not self._stopped:
                self.notes.append(messages.found_stopped(shown.split("/")[0], MAX_ENTRIES))
                self._stopped = True
            return False
        return True

    def _deep(self, depth: int, shown: str) -> bool:
        if depth <= MAX_DEPTH:
            return False
        if not self._too_deep:
            self.notes.append(messages.found_too_deep(shown, MAX_DEPTH))
            self._too_deep = True
        return True

    def _grader_file(self, root: tuple[str, ...], relative: tuple[str, ...], read) -> None:
        from .integrity import SUFFIXES

        grader = self.graders[root]
        if "__pycache__" not in relative and os.path.splitext(relative[-1])[1] in SUFFIXES:
            grader["files"]["/".join(relative)] = read

    def file(self, path: str, parts: tuple, inner: tuple, shown: str) -> None:
        """A file that is not a link (checked by the caller)."""
        if parts[-1].lower().endswith(".zip"):
            self.zip(path, parts, inner[:-1], shown)
            return
        try:
            info = os.stat(path, follow_symlinks=False)
        except OSError as error:
            self.notes.append(messages.found_unreadable(shown, _reason(error)))
            return
        self.items.append(Item(parts, inner, shown, info.st_size, info.st_mtime, read=partial(_read_file, path)))

    def link(self, parts: tuple, inner: tuple, shown: str) -> None:
        self.items.append(Item(parts, inner, shown, link=True))

    def folder(self, path: str, parts: tuple, inner: tuple, shown: str, depth: int = 0,
               grader: tuple | None = None) -> None:
        """Walk a folder; ``grader``: the parts of the grader/ folder this one is in, if it is in one."""
        try:
            with os.scandir(path) as listing:
                entries = []
                for entry in listing:  # read no further than the cap allows, then in name order
                    entries.append(entry)
                    if len(entries) > MAX_ENTRIES:
                        break
        except OSError as error:
            self.notes.append(messages.found_unreadable(shown + "/", _reason(error)))
            return
        for entry in sorted(entries, key=lambda entry: entry.name):
            here = _join(shown, entry.name)
            if not self._count(shown):
                return
            name = nfc(entry.name)
            try:
                is_link, is_dir = entry.is_symlink(), entry.is_dir(follow_symlinks=False)
                is_file = entry.is_file(follow_symlinks=False)
            except OSError:
                continue
            if grader is not None:  # a copy of grader/: its files are hashed, never graded
                if is_dir and not is_link and name != "__pycache__" and not self._deep(depth + 1, here):
                    self.folder(entry.path, parts + (name,), inner + (name,), here, depth + 1, grader)
                elif is_file and not is_link:
                    self._grader_file(grader, parts[len(grader):] + (name,), partial(_read_file, entry.path))
                continue
            if name.startswith("."):
                continue
            if is_link:
                self.link(parts + (name,), inner + (name,), here)
            elif is_dir:
                if name in SKIPPED_FOLDERS or self._deep(depth + 1, here):
                    continue
                below = None
                if name == GRADER_FOLDER:
                    below = parts + (name,)
                    self.graders[below] = {"shown": here, "files": {}}
                self.folder(entry.path, parts + (name,), inner + (name,), here, depth + 1, below)
            elif is_file:
                self.file(entry.path, parts + (name,), inner + (name,), here)

    def zip(self, path: str, parts: tuple, inner: tuple, shown: str) -> None:
        """A zip's members as items below ``parts`` (the zip's own name), read lazily while the hand-in is open."""
        if self.zips >= MAX_ZIPS:
            self.notes.append(messages.found_too_many_zips(shown, MAX_ZIPS))
            return
        self.zips += 1
        try:
            handle = self.stack.enter_context(_open_regular(path))
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_ZIP_BYTES:
                self.notes.append(messages.found_zip_too_big(shown, f"is larger than {MAX_ZIP_BYTES >> 20} MB"))
                return
            count = _zip_entry_count(handle)
            if count is not None and count > MAX_ZIP_ENTRIES:
                self.notes.append(messages.found_zip_too_big(shown, f"holds more than {MAX_ZIP_ENTRIES} entries"))
                return
            archive = self.stack.enter_context(zipfile.ZipFile(handle))
            infos = archive.infolist()
        except (OSError, Unreadable, zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError,
                NotImplementedError, RuntimeError, UnicodeDecodeError) as error:
            self.notes.append(messages.found_bad_zip(shown, _reason(error)))
            return
        if len(infos) > MAX_ZIP_ENTRIES:
            self.notes.append(messages.found_zip_too_big(shown, f"holds more than {MAX_ZIP_ENTRIES} entries"))
            return
        if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
            self.notes.append(messages.found_zip_too_big(shown, f"would unpack to more than "
                                                                f"{MAX_UNPACKED_BYTES >> 20} MB"))
            return
        unsafe, locked, seen = [], [], set()
        for info in infos:
            if not self._count(shown):
                break
            name = info.filename.replace("\\", "/")
            if _unsafe_member(name):
                unsafe.append(name)
                continue
            members = tuple(nfc(part) for part in name.split("/") if part not in ("", "."))
            if not members or info.is_dir() or members in seen:
                continue
            seen.add(members)
            where = _join(shown, "/".join(members))
            if any(_skipped_folder(part) and part != GRADER_FOLDER for part in members[:-1]):
                continue
            if GRADER_FOLDER in members[:-1]:
                at = members.index(GRADER_FOLDER)
                if not any(_skipped_folder(part) for part in members[:at]):
                    root = parts + members[:at + 1]
                    self.graders.setdefault(root, {"shown": _join(shown, "/".join(members[:at + 1])), "files": {}})
                    self._grader_file(root, members[at + 1:], partial(_read_member, archive, info))
                continue
            if len(members) - 1 > MAX_DEPTH and self._deep(len(members) - 1, where):
                continue
            if members[-1].startswith("."):
                continue
            if _is_link_member(info):
                self.link(parts + members, inner + members, where)
                continue
            if info.flag_bits & 0x1:
                locked.append(name)
                continue
            if members[-1].lower().endswith(".zip"):
                self.notes.append(messages.found_nested_zip(where))
            try:
                when = datetime(*info.date_time).timestamp()
            except (ValueError, OverflowError, OSError):
                when = 0.0
            self.items.append(Item(parts + members, inner + members, where, info.file_size, when,
                                   read=partial(_read_member, archive, info)))
        if unsafe:
            self.notes.append(messages.found_zip_skipped(shown, "entries with a path outside the zip", unsafe))
        if locked:
            self.notes.append(messages.found_zip_skipped(shown, "encrypted entries", locked))


# --- choosing the files to grade -----------------------------------------------------------------------------

@dataclass
class Handin:
    """What was found of one learner's work, and which files are graded."""

    learner: str
    entries: list[str] = field(default_factory=list)  # the entries of SUBMISSIONS_DIR it came from
    files: dict[str, bytes] = field(default_factory=dict)  # step file name -> the bytes graded as that file
    found: dict[str, str] = field(default_factory=dict)  # step file name -> where it was found (shown)
    folder: tuple[str, ...] = ()  # the folder graded, as the learner knows it (steps/)
    linked: list[str] = field(default_factory=list)  # step files found only as links
    copies: dict[str, list[str]] = field(default_factory=dict)  # step file name -> copies not graded (shown)
    notes: list[str] = field(default_factory=list)  # what the learner may read too (feedback, Gradescope)
    flags: list[str] = field(default_factory=list)  # for the instructor only: likely duplicates
    graders: list[tuple[str, str | None]] = field(default_factory=list)  # (shown, digest; None: unreadable)
    error: str | None = None  # a reason it cannot be graded at all
    linked_entry: bool = False  # every entry it came from is a link
    lms_id: str = ""
    learner_id: str = ""
    duplicate_of: str = ""
    feedback_file: str = ""

    def missing(self, manifest: Manifest) -> list[str]:
        return [step.file for step in manifest.steps if step.file not in self.files]

    def content_key(self) -> str | None:
        """A digest of the step files graded, to spot identical hand-ins (None when there is nothing)."""
        if not self.files:
            return None
        hasher = sha256()
        for name in sorted(self.files):
            hasher.update(name.encode() + b"\0" + self.files[name] + b"\0")
        return hasher.hexdigest()

    def grader_modified(self, known: set[str | None]) -> bool:
        return any(digest is None or digest not in known for _, digest in self.graders)

    def stage(self, folder: Path) -> Path:
        """Write the files to grade below ``folder`` (which must not exist), under their step's name and in the
        folder the learner put them in (feedback names steps/step1_....py as they know it); a step file found
        only as a link becomes a link to nowhere, which the grader reports as a link. Returns ``folder``."""
        folder.mkdir(mode=0o700)
        target = folder.joinpath(*self.folder) if self.folder else folder
        try:
            target.mkdir(parents=True, exist_ok=True)
        except OSError:  # a name this file system cannot hold: the files go at the top
            target = folder
        for name, data in self.files.items():
            (target / name).write_bytes(data)
        for name in self.linked:
            try:
                (target / name).symlink_to(LINK_STAND_IN)
            except OSError:  # no links here (Windows without the right): the step is simply missing
                pass
        return folder


def _is_solutions(folder: tuple[str, ...]) -> bool:
    return any(part.lower() == SOLUTIONS_FOLDER for part in folder)


def _resolve_folder(items: list[Item], manifest: Manifest, notes: list[str] | None) -> dict[str, Item]:
    """The step files of one folder: exact names, then near misses (a file that looks like several steps is
    given to the one whose number it starts with, else to none; several files for one step: the newest)."""
    step_files = {step.file for step in manifest.steps}
    chosen = {item.name: item for item in items if item.name in step_files}
    claims: dict[str, list[Item]] = {}
    for item in items:
        if item.name in step_files or not item.name.lower().endswith(".py"):
            continue
        steps = [step for step in manifest.steps if step.file not in chosen and looks_like(item.name, step, step_files)]
        if len(steps) > 1:
            numbered = [step for step in steps if looks_like(item.name, step, step_files)
                        and item.name.lower().startswith(f"step{step.number}")
                        and not item.name.lower()[len(f"step{step.number}"):][:1].isdigit()]
            if len(numbered) != 1:
                if notes is not None:
                    notes.append(messages.found_for_two_steps(item.shown, [step.file for step in steps]))
                continue
            steps = numbered
        if steps:
            claims.setdefault(steps[0].file, []).append(item)
    for name, candidates in sorted(claims.items(), key=lambda claim: claim[0]):
        newest = max(candidates, key=lambda item: (item.mtime, item.name))
        chosen[name] = newest
        if notes is not None and len(candidates) == 1:
            notes.append(messages.found_as(newest.shown, name))
        elif notes is not None:
            notes.append(messages.found_ambiguous(name, newest.shown, [item.shown for item in candidates
                                                                        if item is not newest]))
    return chosen


def _folder_rank(folder: tuple[str, ...], chosen: dict[str, Item]) -> tuple:
    exact = sum(name == item.name for name, item in chosen.items())
    named_steps = bool(folder) and folder[-1].lower() == "steps"
    # solutions/ last whatever it holds: a whole kit carries the reference solutions (nox -s solution shows them)
    return (_is_solutions(folder), -len(chosen), -exact, len(folder), not named_steps, folder)


def choose(items: list[Item], manifest: Manifest, handin: Handin) -> dict[str, Item]:
    """Pick the file to grade for each step (see the module's docstring), noting every choice that was not
    obvious in ``handin``; returns step file name -> item."""
    step_files = {step.file for step in manifest.steps}
    files = [item for item in items if not item.link and item.size <= MAX_FILE_BYTES]
    for item in items:
        if not item.link and item.size > MAX_FILE_BYTES and item.name.lower().endswith(".py"):
            handin.notes.append(messages.found_too_big(item.shown, MAX_FILE_BYTES))
    by_folder: dict[tuple, list[Item]] = {}
    for item in files:
        by_folder.setdefault(item.folder, []).append(item)
    ranked = sorted((_folder_rank(folder, _resolve_folder(group, manifest, None)), folder)
                    for folder, group in by_folder.items())
    chosen: dict[str, Item] = {}
    best: tuple = ()
    if ranked and ranked[0][0][1] < 0:  # the best folder holds at least one step file
        best = ranked[0][1]
        chosen = _resolve_folder(by_folder[best], manifest, handin.notes)
        handin.folder = by_folder[best][0].inner[:-1]
        if _is_solutions(best):
            handin.notes.append(messages.found_in_solutions(by_folder[best][0].shown.rsplit("/", 1)[0] + "/"))
    for step in manifest.steps:  # a step missing there, by its exact name elsewhere (never from solutions/)
        if step.file in chosen:
            continue
        elsewhere = sorted((item for item in files if item.name == step.file and not _is_solutions(item.folder)),
                           key=lambda item: (len(item.folder), item.parts))
        if elsewhere:  # (there is a best folder: any folder holding a step file could have been it)
            chosen[step.file] = elsewhere[0]
            handin.notes.append(messages.found_elsewhere(step.file, elsewhere[0].shown))
    for step in manifest.steps:
        graded = chosen.get(step.file)
        others = sorted((item for item in files if item.name == step.file and item is not graded),
                        key=lambda item: (_is_solutions(item.folder), len(item.folder), item.parts))
        if others:
            handin.copies[step.file] = [item.shown for item in others]
    used = {id(item) for item in chosen.values()}
    for item in items:
        if item.link:
            handin.notes.append(messages.found_link(item.shown))
            if item.name in step_files and item.name not in chosen and item.folder == best:
                handin.linked.append(item.name)
    for item in files:
        if id(item) in used or item.name.lower().endswith(".py"):
            continue
        for step in manifest.steps:
            if step.file not in chosen and looks_like(item.name, step, step_files):
                handin.notes.append(messages.found_not_python(item.shown, step.file))
                used.add(id(item))  # said: not listed again with the other files
                break
    def looks_like_a_step(name: str) -> bool:  # such a file is in a note already, if it matters
        return name in step_files or any(looks_like(name, step, step_files, (".py",)) for step in manifest.steps)

    others = [item.shown for item in files if id(item) not in used and (
        not chosen or item.folder == best or item.name.lower().endswith(DOCUMENT_SUFFIXES))
        and not looks_like_a_step(item.name)]
    if others:
        handin.notes.append(messages.found_other_files(others[:MAX_LISTED], max(0, len(others) - MAX_LISTED)))
    return chosen


def copies_note(handin: Handin) -> list[str]:
    """The copies of step files that were not graded, summed up by folder, as a note (or none)."""
    spare = [shown for copies in handin.copies.values() for shown in copies]
    return [messages.found_other_copies(_folders_of(spare))] if spare else []


def _folders_of(shown: list[str]) -> list[str]:
    """Paths summed up by folder: alice/solutions/ (5 files) rather than five paths."""
    by_folder: dict[str, list[str]] = {}
    for path in shown:
        by_folder.setdefault(path.rsplit("/", 1)[0] + "/" if "/" in path else "./", []).append(path)
    return [paths[0] if len(paths) == 1 else f"{folder} ({len(paths)} files)" for folder, paths in by_folder.items()]


def _read_chosen(chosen: dict[str, Item], handin: Handin) -> None:
    """Read the files to grade; the first that cannot be read is the hand-in's error (the others are read)."""
    for name, item in chosen.items():
        try:
            handin.files[name] = item.read()
            handin.found[name] = item.shown
        except Unreadable as error:
            handin.error = handin.error or messages.class_error_reading(item.shown, str(error))


def _read_graders(collector: Collector, handin: Handin) -> None:
    from .integrity import digest_of

    for root, grader in sorted(collector.graders.items()):
        files = grader["files"]
        if not any(marker in files for marker in GRADER_MARKERS):
            continue  # a folder called grader/ that is not a copy of the kit's
        try:
            digest = digest_of({name: read() for name, read in files.items()})
        except Unreadable:
            digest = None  # unreadable files in it: it is not the grader as published
        handin.graders.append((grader["shown"], digest))


def finish(collector: Collector, manifest: Manifest, handin: Handin) -> Handin:
    """Choose and read the files of a hand-in whose items are collected (its zips still open)."""
    handin.notes[:0] = collector.notes
    chosen = choose(collector.items, manifest, handin)
    _read_chosen(chosen, handin)
    _read_graders(collector, handin)
    if not collector.items and not collector.notes:
        handin.notes.append(messages.found_nothing(", ".join(handin.entries)))
    return handin


def find_one(folder: Path, manifest: Manifest, learner: str = "") -> Handin:
    """The step files of one submission in ``folder`` (Gradescope's submission/), paths shown from there."""
    handin = Handin(learner)
    with ExitStack() as stack:
        collector = Collector(stack)
        collector.folder(str(folder), (), (), "")
        return finish(collector, manifest, handin)


def graded_folder(folder: Path, manifest: Manifest) -> Path:
    """The folder below ``folder`` whose step files would be graded (``folder`` itself if none holds any)."""
    handin = find_one(folder, manifest)
    return folder.joinpath(*handin.folder) if handin.folder else folder
