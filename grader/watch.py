"""`python -m grader.watch` (`nox -s watch`): grade again each time a step file is saved.

The screen is cleared and shows every step's line with the current step's result in full. Enter grades
again by hand (for file systems whose change events never arrive); q then Enter, or Ctrl-C, quits.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import watchfiles
from rich.text import Text

from . import messages, options, screen
from .grading import grade
from .hints import remember_failures


def _read_keys(regrade: threading.Event, stop: threading.Event) -> None:
    """Enter asks for a new grading; q (or quit) then Enter stops. Runs in a daemon thread."""
    for line in sys.stdin:
        if line.strip().lower() in ("q", "quit", "exit"):
            stop.set()
            return
        regrade.set()


def _show(console, manifest, target: Path, args, steps: list[int]) -> None:
    console.clear()
    console.print(Text(messages.GRADING, "dim"))
    results = grade(manifest, target, steps, time_limit=args.time_limit)
    console.clear()
    grown = remember_failures(results, args.state)  # after clear(): its note on a broken --state stays seen
    screen.render(results, console, grown=grown, all_steps=len(manifest.steps), explain_first_only=True)
    console.print()
    console.print(Text(messages.WATCHING.format(target=screen.shown_folder(target)), "dim"))


def main(argv: list[str] | None = None) -> int:
    parser = options.Parser(prog="python -m grader.watch", description="Grade again whenever a step file is saved.")
    options.add_target(parser)
    parser.add_argument("steps", nargs="*", metavar="STEP",
                        help="watch only these steps, by number or name (nox -s watch -- 3); default: every step")
    parser.add_argument("--time-limit", type=float, default=None, metavar="SECONDS",
                        help="seconds each step's code may run (default: from the manifest)")
    parser.add_argument("--state", type=Path, default=None, metavar="FILE",
                        help="remember failing checks here, for hints that grow")
    args = parser.parse_args(argv)
    manifest = options.manifest()
    target = options.target(args.target)
    steps = sorted({options.step(manifest, name).number for name in args.steps}) or manifest.numbers
    console = screen.make_console()
    regrade, stop = threading.Event(), threading.Event()
    threading.Thread(target=_read_keys, args=(regrade, stop), daemon=True).start()
    regrade.set()  # the first grading happens once the watcher runs, so no save can slip by unseen
    try:
        for changes in watchfiles.watch(target, watch_filter=watchfiles.PythonFilter(), stop_event=stop,
                                        yield_on_timeout=True, rust_timeout=300, debounce=300):
            if stop.is_set():
                break
            if changes or regrade.is_set():
                regrade.clear()
                _show(console, manifest, target, args, steps)
    except KeyboardInterrupt:
        pass
    console.print(messages.STOPPED_WATCHING)
    return options.EXIT_OK


if __name__ == "__main__":
    sys.exit(options.run(main, "watch"))
