"""`python -m grader.reset N [--yes]` (`nox -s reset -- N`): put step N's starter back.

Works from the pristine starters in grader/steps/, so it needs no git (the kit may come as a zip). It asks
before replacing work; --yes answers for you.
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

from . import messages, options
from .steprun import display_path, is_untouched


def _confirm(question: str) -> bool:
    try:
        return input(question).strip().lower() in ("y", "yes")
    except EOFError:  # no one to answer (stdin closed or piped empty)
        return False


def _back_up(file: Path) -> Path:
    """A copy of the learner's file under .nox/backups/ beside its folder (the kit's, for steps/), out of the
    learner's way and named with the time, before it is replaced."""
    backups = file.parent.parent / ".nox" / "backups"
    backups.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    backup = backups / f"{file.stem}-{stamp}{file.suffix}"
    count = 1
    while backup.exists():
        count += 1
        backup = backups / f"{file.stem}-{stamp}-{count}{file.suffix}"
    shutil.copyfile(file, backup)
    return backup


def main(argv: list[str] | None = None) -> int:
    args, _, step, target = options.step_command(
        "python -m grader.reset", "Restore a step's starter file.", argv,
        lambda parser: parser.add_argument("--yes", action="store_true", help="replace your work without asking"))
    file = target / step.file
    shown = display_path(file)
    if file.is_file() and is_untouched(file, step):
        print(messages.reset_nothing_to_do(shown))
        return options.EXIT_OK
    if file.exists() and not args.yes and not _confirm(messages.reset_question(shown)):
        print(messages.reset_kept(shown, step.number))
        return options.EXIT_NOT_OK
    backup = None
    if file.is_symlink():  # replace the link itself: writing through it would overwrite the file it points at
        file.unlink()
    elif file.is_file():
        backup = _back_up(file)
    file.write_text(step.starter_text(), encoding="utf-8", newline="\n")
    print(messages.reset_done(shown, display_path(backup) if backup else None))
    return options.EXIT_OK


if __name__ == "__main__":
    sys.exit(options.run(main, "reset"))
