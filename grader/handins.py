"""The entries of SUBMISSIONS_DIR and whose they are, for grade-class.

- A folder is the learner's it is named after; a Moodle folder ``Full Name_12345_assignsubmission_file_`` is
  Full Name's (Moodle's onlinetext folder beside it too).
- A zip is the learner's named by its stem.
- A file named as Canvas names the files of a bulk download, ``name_userid_submissionid_file`` (or
  ``name_LATE_userid_...``), is ``name``'s, as ``file`` (Canvas's ``-1``, ``-2`` for a file uploaded again are
  taken off a step file's name; the latest upload wins). Such files of one learner make one submission.
- Anything else is skipped, with the reason: hidden entries (.name), the output folder, tools' clutter, lone files.
- A link is never followed: its learner gets a row that says so.

Entries whose names are equal once NFC-normalised are one learner's (José typed on macOS and on Linux): one row,
with a note. Names that differ only in capitals, or by a copy mark ("carol (1)", "dave_resubmission", "eve-2"),
and hand-ins with the same bytes in every step file, stay separate rows, flagged in duplicate_of.
"""

from __future__ import annotations

import csv
import os
import re
import stat
import unicodedata
from contextlib import ExitStack
from dataclasses import dataclass, field
from hashlib import sha256
from pathlib import Path

from . import messages, options
from .manifest import Manifest
from .submissions import Handin, Collector, finish, nfc

CANVAS = re.compile(r"^(?P<name>[^_]+?)(?P<late>_late)?_(?P<uid>\d+)_(?P<sid>\d+)_(?P<file>.+)$", re.IGNORECASE)
CANVAS_UPLOAD_AGAIN = re.compile(r"^(?P<stem>.+)-(?P<count>\d+)(?P<suffix>\.[^.]+)$")
MOODLE = re.compile(r"^(?P<name>.+?)_(?P<id>\d+)_assign(?:submission|feedback)_(?P<plugin>[a-z]+)_?$")
TOOL_ENTRIES = {"__MACOSX", "__pycache__"}
COPY_MARK = re.compile(r"(?:\s*\(\d+\)|[\s_-]*(?:re-?submi(?:ssion|tted|t)|copy)|[\s_-]+\d{1,2})+$", re.IGNORECASE)
MAX_FILE_NAME_BYTES = 200  # a feedback file's name before .txt (file systems allow 255)
UNSAFE_IN_FILE_NAMES = re.compile(r'[\x00-\x1f\x7f/\\]' + (r'|[:*?"<>|]' if os.name == "nt" else ""))


@dataclass
class Entry:
    name: str  # as in the folder
    path: Path
    learner: str  # NFC
    kind: str  # folder, zip, canvas, moodle, link
    lms_id: str = ""
    late: bool = False
    inner: str = ""  # a Canvas file's own name
    upload: int = 0  # a Canvas file uploaded again: its -N


@dataclass
class Discovery:
    handins: list[Handin]
    skipped: list[tuple[str, str]]  # (entry, reason)
    absent: list = field(default_factory=list)  # roster people who handed in nothing


def _classify(path: Path, out: Path, step_files: set[str]) -> Entry | str:
    """The entry at ``path``, or the reason it is skipped. A link is classified by its name and by what it
    points at (a folder or a file), and never read."""
    name = path.name
    if name.startswith("."):
        return messages.skipped_reason("hidden")
    if name in TOOL_ENTRIES:
        return messages.skipped_reason("tool")
    try:
        info = path.lstat()
        if path.resolve() == out:
            return messages.skipped_reason("out")
    except (OSError, RuntimeError) as error:
        return messages.class_error_reading(name, getattr(error, "strerror", None) or str(error))
    link = stat.S_ISLNK(info.st_mode)
    folder = stat.S_ISDIR(info.st_mode) or link and os.path.isdir(path)
    file = stat.S_ISREG(info.st_mode) or link and not folder
    canvas = CANVAS.match(name)
    if file and canvas:
        inner, upload = nfc(canvas["file"]), 0
        again = CANVAS_UPLOAD_AGAIN.match(inner)
        if again and again["stem"] + again["suffix"] in step_files:
            inner, upload = again["stem"] + again["suffix"], int(again["count"])
        return Entry(name, path, nfc(canvas["name"]), "link" if link else "canvas", lms_id=canvas["uid"],
                     late=bool(canvas["late"]), inner=inner, upload=upload)
    if folder:
        moodle = MOODLE.match(name)
        if moodle:
            return Entry(name, path, nfc(moodle["name"]), "link" if link else "moodle", lms_id=moodle["id"])
        return Entry(name, path, nfc(name), "link" if link else "folder")
    if file and name.lower().endswith(".zip") and len(name) > 4:
        return Entry(name, path, nfc(name[:-4]), "link" if link else "zip")
    return messages.skipped_reason("file" if file else "other")


def _handin(learner: str, entries: list[Entry], manifest: Manifest) -> Handin:
    handin = Handin(learner, entries=[entry.name for entry in entries])
    with ExitStack() as stack:
        collector = Collector(stack)
        latest: dict[str, Entry] = {}
        for entry in entries:
            if entry.kind == "canvas":
                previous = latest.get(entry.inner)
                if previous is None or entry.upload > previous.upload:
                    latest[entry.inner] = entry
        for entry in entries:
            shown = entry.name
            if entry.kind == "link":
                collector.notes.append(messages.found_link(shown))
            elif entry.kind in ("folder", "moodle"):
                collector.folder(str(entry.path), (nfc(entry.name),), (), shown)
            elif entry.kind == "zip":
                collector.zip(str(entry.path), (nfc(entry.name),), (), shown)
            elif latest[entry.inner] is not entry:
                collector.notes.append(messages.found_older_upload(shown, latest[entry.inner].name))
            else:
                collector.file(str(entry.path), (entry.inner,), (entry.inner,), shown)
        if any(entry.late for entry in entries):
            collector.notes.append(messages.found_late("Canvas"))
        sources = {entry.name for entry in entries if entry.kind in ("folder", "zip", "link")}
        sources |= {"moodle " + entry.lms_id for entry in entries if entry.kind == "moodle"}
        sources |= {"canvas" for entry in entries if entry.kind == "canvas"}
        if len(sources) > 1:
            raw = {entry.name for entry in entries if entry.kind in ("folder", "link")}
            raw |= {entry.name[:-4] for entry in entries if entry.kind == "zip"}
            forms = len(raw) > len({nfc(name) for name in raw})
            collector.notes.append(messages.found_merged(sorted(handin.entries), forms))
        finish(collector, manifest, handin)
    handin.linked_entry = all(entry.kind == "link" for entry in entries)
    handin.lms_id = next((entry.lms_id for entry in entries if entry.lms_id), "")
    handin.learner_id = handin.lms_id
    return handin


def learner_order(name: str) -> tuple:
    return (unicodedata.normalize("NFC", name).casefold(), name)


def discover(submissions: Path, out: Path, manifest: Manifest) -> Discovery:
    """Every entry of ``submissions``: as a learner's hand-in (in name order), or skipped with the reason."""
    try:
        names = sorted(os.listdir(submissions))
    except OSError as error:
        raise options.UsageError(f"cannot read {submissions}: {error.strerror or error}") from None
    step_files = {step.file for step in manifest.steps}
    groups: dict[str, list[Entry]] = {}
    skipped = []
    for name in names:
        found = _classify(submissions / name, out, step_files)
        if isinstance(found, str):
            skipped.append((name, found))
        else:
            groups.setdefault(found.learner, []).append(found)
    handins = [_handin(learner, entries, manifest) for learner, entries in groups.items()]
    handins.sort(key=lambda handin: learner_order(handin.learner))
    return Discovery(handins, skipped)


# --- likely duplicates --------------------------------------------------------------------------------------

def _untouched(handin: Handin, manifest: Manifest) -> bool:
    """Every step file graded is still the kit's starter: alike for everyone who did nothing, so no sign of
    a copy."""
    def plain(data: bytes) -> bytes:
        return data.replace(b"\r\n", b"\n").strip()

    starters = {step.file: plain(step.starter_text().encode()) for step in manifest.steps}
    return all(plain(data) == starters.get(name) for name, data in handin.files.items())


def mark_duplicates(handins: list[Handin], manifest: Manifest) -> None:
    """Fill duplicate_of (and a note) for hand-ins that are likely another's: the same name but for capitals or a
    copy mark, or the same bytes in every step file. The first in name order without a mark is the original."""
    by_name: dict[str, list[Handin]] = {}
    for handin in handins:
        base = COPY_MARK.sub("", handin.learner).strip() or handin.learner
        by_name.setdefault(base.casefold(), []).append(handin)
    for group in by_name.values():
        if len(group) < 2:
            continue
        original = min(group, key=lambda handin: (bool(COPY_MARK.search(handin.learner)),
                                                  learner_order(handin.learner)))
        for handin in group:
            if handin is not original:
                how = (messages.DUPLICATE_CASE if handin.learner.casefold() == original.learner.casefold()
                       else messages.DUPLICATE_MARK)
                handin.duplicate_of = original.learner
                handin.flags.append(messages.duplicate_by_name(original.learner, how))
    by_content: dict[str, Handin] = {}
    for handin in handins:
        key = handin.content_key()
        if key is None or _untouched(handin, manifest):
            continue
        original = by_content.setdefault(key, handin)
        if original is not handin:
            handin.duplicate_of = handin.duplicate_of or original.learner
            handin.flags.append(messages.duplicate_by_content(original.learner))


# --- feedback file names ---------------------------------------------------------------------------------------

def _safe_stem(learner: str) -> str:
    """A bounded, file-system-safe name for ``learner``, told apart from others by a digest of the whole name."""
    stem = UNSAFE_IN_FILE_NAMES.sub("_", learner).strip(" .") or "learner"
    stem = stem.encode("utf-8")[:100].decode("utf-8", "ignore").rstrip(" .")
    return f"{stem}-{sha256(learner.encode('utf-8', 'surrogatepass')).hexdigest()[:8]}"


def feedback_names(learners: list[str]) -> dict[str, str]:
    """learner -> the name of their feedback file: LEARNER.txt for an ordinary name; for a name a file system
    cannot hold (too long, a / or a control character, a leading dot) a safe name made from it. Unique even where
    capitals do not count (macOS, Windows): Bob.txt, then bob-2.txt."""
    names, used = {}, set()
    for learner in learners:
        ordinary = (learner and not learner.startswith(".") and not UNSAFE_IN_FILE_NAMES.search(learner)
                    and len(learner.encode("utf-8", "surrogatepass")) <= MAX_FILE_NAME_BYTES)
        stem = learner if ordinary else _safe_stem(learner)
        candidate, count = stem, 2
        while candidate.casefold() in used:
            candidate, count = f"{stem}-{count}", count + 1
        used.add(candidate.casefold())
        names[learner] = candidate + ".txt"
    return names


# --- the roster --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Person:
    name: str
    id: str = ""
    email: str = ""


def read_roster(path: Path) -> list[Person]:
    """The roster: a CSV file with a header row naming the columns name, id and email (in any case and order;
    name at least). Anything else is a one-line usage error."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as file:
            reader = csv.reader(file)
            header = [column.strip().lower() for column in next(reader, [])]
            if "name" not in header:
                raise options.UsageError(messages.class_roster_no_name(path))
            where = {column: header.index(column) for column in ("name", "id", "email") if column in header}
            people = []
            for row in reader:
                values = {column: row[index].strip() if index < len(row) else "" for column, index in where.items()}
                if values.get("name") or values.get("id"):
                    people.append(Person(nfc(values.get("name", "")), values.get("id", ""), values.get("email", "")))
    except OSError as error:
        raise options.UsageError(messages.class_roster_unreadable(path, error.strerror or str(error))) from None
    except (UnicodeDecodeError, csv.Error) as error:
        raise options.UsageError(messages.class_roster_unreadable(path, str(error).splitlines()[0])) from None
    return people


def _tokens(text: str) -> set[str]:
    return {token for token in re.split(r"[^0-9A-Za-z]+", text) if token}


def apply_roster(people: list[Person], handins: list[Handin]) -> list[Person]:
    """Fill each hand-in's learner_id from the roster (by name, ignoring capitals; else by an id or email found
    in its entries' names, as LMS downloads carry them); returns the people who handed in nothing."""
    absent, named = [], set()
    for person in people:
        matched = [handin for handin in handins if person.name and handin.learner.casefold() == person.name.casefold()]
        if not matched and person.id:
            matched = [handin for handin in handins if any(person.id in _tokens(entry) for entry in handin.entries)]
        if not matched and person.email:
            matched = [handin for handin in handins
                       if any(person.email.casefold() in entry.casefold() for entry in handin.entries)]
        for handin in matched:
            if id(handin) not in named:  # the first roster line that matches gives the id
                handin.learner_id = person.id or handin.learner_id
                named.add(id(handin))
        if not matched:
            absent.append(person)
    return absent
