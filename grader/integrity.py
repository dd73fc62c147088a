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
    return digest_of({path.relative_to(root).as_posix(): path.read_bytes() for path in grader_files(root)})


def digest_of(files: dict[str, bytes]) -> str:
    """The digest of grader files given as {path inside grader/ with / between folders: bytes}, wherever they
    were read from (a folder, a zip a learner handed in): in the order of the paths' parts, as Path sorts."""
    hasher = hashlib.sha256()
    for name in sorted(files, key=lambda name: name.split("/")):
        hasher.update(name.encode() + b"\0")
        hasher.update(files[name].replace(b"\r\n", b"\n") + b"\0")
    return hasher.hexdigest()


def _would_load(cache: Path, source: Path) -> bool:
    """Whether Python's import would use this bytecode file for ``source`` instead of compiling it
    (the rules of importlib's SourceFileLoader: the header's flags, then the source's mtime and size or hash)."""
    import importlib.util

    try:
        header, info = cache.read_bytes()[:16], source.stat()
    except OSError:
        return False
    if len(header) < 16 or header[:4] != importlib.util.MAGIC_NUMBER:
        return False
    flags = int.from_bytes(header[4:8], "little")
    if flags == 0:
        return (int.from_bytes(header[8:12], "little") == int(info.st_mtime) & 0xFFFFFFFF
                and int.from_bytes(header[12:16], "little") == info.st_size & 0xFFFFFFFF)
    if flags & 0b10:  # checked hash: used only when the source still has that hash
        return header[8:16] == importlib.util.source_hash(source.read_bytes())
    return True  # unchecked hash: always used


def forged_bytecode(root: Path = GRADER_DIR) -> list[Path]:
    """Bytecode files that Python would run in place of a grader file but that do not hold that file's code.
    The hash above covers the sources; this covers what actually runs."""
    import importlib.util
    import marshal

    forged = []
    for source in grader_files(root):
        if source.suffix != ".py":
            continue
        cache = Path(importlib.util.cache_from_source(str(source)))
        if not _would_load(cache, source):
            continue
        try:
            code = marshal.loads(cache.read_bytes()[16:])
            fresh = compile(source.read_bytes(), code.co_filename, "exec", dont_inherit=True)
            if marshal.dumps(code, 2) != marshal.dumps(fresh, 2):  # version 2: no back-references
                forged.append(cache)
        except (OSError, ValueError, EOFError, TypeError, SyntaxError, AttributeError):
            forged.append(cache)
    return forged


def recorded() -> str | None:
    try:
        return RECORD.read_text(encoding="utf-8").split()[0]
    except (OSError, IndexError):
        return None


def is_modified(root: Path = GRADER_DIR) -> bool:
    """True when the grader files under ``root`` differ from the record of this kit. (Each grading asks;
    comparing every bytecode file too costs ~0.2 s, so that is the integrity command's, below. Learner code
    cannot write either in a sandbox.)"""
    return digest(root) != recorded()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader.integrity", description=__doc__.split("\n")[0])
    parser.add_argument("--record", action="store_true", help="record the hash of the grader as it is now")
    args = parser.parse_args(argv)
    if args.record:
        RECORD.write_text(digest() + "\n", encoding="utf-8")
        print(f"recorded {digest()}")
        return 0
    forged = forged_bytecode()
    for cache in forged:
        print(f"{cache} does not hold the code of its source file (delete it)")
    modified = digest() != recorded() or bool(forged)
    print("grader/ differs from its record" if modified else "grader/ matches its record")
    return 1 if modified else 0


if __name__ == "__main__":
    sys.exit(main())
