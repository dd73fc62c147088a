"""Is this the grader as published? A hash of the grader's own files, recorded in grader/integrity.txt.

The record is no lock (anyone can re-record it); it tells a learner that their copy of grader/ has been
changed, and tells an instructor which submissions came with a changed grader (compared with the
instructor's own record). Maintainers re-record after changing grader/: `python -m grader.integrity --record`
(`nox -s check` says when they forgot).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

from .manifest import GRADER_DIR

RECORD = GRADER_DIR / "integrity.txt"
SUFFIXES = (".py", ".toml", ".ini")


def grader_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file() and path.suffix in SUFFIXES
                  and "__pycache__" not in path.parts)


def digest(root: Path = GRADER_DIR) -> str:
    """SHA-256 over each file's path and text, with line endings made alike (git may turn them into CRLF)."""
    hasher = hashlib.sha256()
    for path in grader_files(root):
        hasher.update(path.relative_to(root).as_posix().encode() + b"\0")
        hasher.update(path.read_bytes().replace(b"\r\n", b"\n") + b"\0")
    return hasher.hexdigest()


def recorded() -> str | None:
    try:
        return RECORD.read_text(encoding="utf-8").split()[0]
    except (OSError, IndexError):
        return None


def is_modified(root: Path = GRADER_DIR) -> bool:
    """True when the grader files under ``root`` differ from the record of this kit."""
    return digest(root) != recorded()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader.integrity", description=__doc__.split("\n")[0])
    parser.add_argument("--record", action="store_true", help="record the hash of the grader as it is now")
    args = parser.parse_args(argv)
    if args.record:
        RECORD.write_text(digest() + "\n", encoding="utf-8")
        print(f"recorded {digest()}")
        return 0
    modified = is_modified()
    print("grader/ differs from its record" if modified else "grader/ matches its record")
    return 1 if modified else 0


if __name__ == "__main__":
    sys.exit(main())
