"""Command-line pieces shared by the grader's commands: one-line errors and exit codes, never a traceback."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .manifest import KIT_DIR, Manifest, ManifestError, Step, load_manifest

EXIT_OK, EXIT_NOT_OK, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
DEFAULT_TARGET = KIT_DIR / "steps"


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit status 2."""


# The nox form of each command, for the help a usage error points at (people run these through nox).
NOX_SESSIONS = {"python -m grader": "grade", "python -m grader.watch": "watch", "python -m grader.hint": "hint",
                "python -m grader.reset": "reset", "python -m grader.solution": "solution",
                "python -m grader.playground": "run", "python -m grader.classroom": "grade-class",
                "python -m grader.sync": "sync", "python -m grader.maintain": "check"}


class Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, no usage dump
        session = NOX_SESSIONS.get(self.prog)
        where = f"nox -s {session} -- --help" if session else f"{self.prog} --help"
        raise UsageError(f"{message} (see {where})")


def add_target(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--target", type=Path, default=DEFAULT_TARGET,
                        help="folder of step files (default: steps/ next to the grader)")


def manifest() -> Manifest:
    try:
        return load_manifest()
    except ManifestError as error:
        raise UsageError(str(error)) from None


def target(path: Path) -> Path:
    if not path.is_dir():
        raise UsageError(f"{path} is not a folder of step files")
    return path.resolve()


def step(manifest: Manifest, name: int | str) -> Step:
    """A step by its number or its slug (``3`` or ``process-event``)."""
    try:
        return manifest.find(str(name).strip().lower())
    except (KeyError, ValueError):
        slugs = ", ".join(step.slug for step in manifest.steps)
        raise UsageError(f"there is no step {name}; the steps are {manifest.numbers[0]} to {manifest.numbers[-1]} "
                         f"({slugs})") from None


def step_command(prog: str, description: str, argv: list[str] | None, configure=None):
    """Parse ``PROG N [--target DIR]`` (plus what ``configure(parser)`` adds) for the commands that act on
    one step; returns (args, manifest, step, target folder)."""
    parser = Parser(prog=prog, description=description)
    parser.add_argument("step", nargs="?", help="the step's number, or its name (such as process-event)")
    add_target(parser)
    if configure:
        configure(parser)
    args = parser.parse_args(argv)
    loaded = manifest()
    if args.step is None:
        raise UsageError(f"say which step, by its number or its name: nox -s {NOX_SESSIONS[prog]} -- 2")
    return args, loaded, step(loaded, args.step), target(args.target)


def leave(code: int) -> None:
    """End the process now. Letting Python tear down everything moto and botocore built costs ~0.3 s of
    pure waiting after the answer is printed; the learner processes are already gone by then."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # the reader went away (e.g. `| head`): nothing left to say
        pass
    os._exit(code)


def run(main, prog: str, argv: list[str] | None = None) -> int:
    """Run ``main(argv)``, turning a UsageError or Ctrl-C into one line and an exit status."""
    try:
        return main(argv)
    except UsageError as error:
        print(f"{prog}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("Stopped.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # piped into `head` or a pager that quit: nothing left to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_NOT_OK
    except Exception as error:  # noqa: BLE001 - a fault of the grader itself: one line, details on request
        if os.environ.get("GRADER_DEBUG"):
            raise
        first_line = (str(error).strip().splitlines() or [""])[0]
        print(f"{prog}: internal error (not your fault): {type(error).__name__}: {first_line} "
              "(set GRADER_DEBUG=1 for the details, and tell your instructor)", file=sys.stderr)
        return EXIT_INTERNAL
