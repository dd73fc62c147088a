"""`python -m grader.reset N [--yes]` (`nox -s reset -- N`): put step N's starter back.

Works from the pristine starters in grader/steps/, so it needs no git (the kit may come as a zip). It asks
before replacing work; --yes answers for you.
"""

from __future__ import annotations

import sys

from . import messages, options
from .steprun import display_path, is_untouched


def _confirm(question: str) -> bool:
    try:
        return input(question).strip().lower() in ("y", "yes")
    except EOFError:  # no one to answer (stdin closed or piped empty)
        return False


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
    if file.is_symlink():  # replace the link itself: writing through it would overwrite the file it points at
        file.unlink()
    file.write_text(step.starter_text(), encoding="utf-8", newline="\n")
    print(messages.reset_done(shown))
    return options.EXIT_OK


if __name__ == "__main__":
    sys.exit(options.run(main, "reset"))
