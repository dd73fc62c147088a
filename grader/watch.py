"""`python -m grader.watch` (`nox -s watch`): grade again each time a step file is saved.

The screen is cleared and shows every step's line with the current step's result in full. Keys, as rustlings
has them, typed alone where the terminal allows (else followed by Enter): r or Enter grades again by hand (for
file systems whose change events never arrive), h shows the hints of the step you are on, l lists the steps
with their status, q (or Ctrl-C) quits.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import queue
import sys
import threading
from pathlib import Path

import watchfiles
from rich.text import Text

from . import messages, options, screen
from .grading import grade
from .steprun import start_runs
from .hints import remember_failures
from .sandbox import confinement


KEYS = {"r": "grade", "\n": "grade", "\r": "grade", "h": "hint", "l": "list", "q": "quit"}


def _typed_keys():
    """The keys as they are typed: one at a time where stdin is a terminal (POSIX cbreak mode, or the Windows
    console), else the first letter of each line (Enter alone is "\n")."""
    if sys.stdin.isatty() and os.name == "posix":
        import termios
        import tty

        fd = sys.stdin.fileno()
        saved = termios.tcgetattr(fd)
        tty.setcbreak(fd)  # keys arrive without Enter; Ctrl-C still interrupts
        atexit.register(termios.tcsetattr, fd, termios.TCSADRAIN, saved)
        while key := os.read(fd, 1):
            yield key.decode("utf-8", "ignore").lower()
    elif sys.stdin.isatty() and os.name == "nt":
        import msvcrt

        while True:
            yield msvcrt.getwch().lower()
    else:
        for line in sys.stdin:
            word = line.strip().lower()
            yield "q" if word in ("quit", "exit") else (word[:1] or "\n")


def _read_keys(requests: queue.Queue, stop: threading.Event) -> None:
    """Turn keys into requests for the main loop. Runs in a daemon thread."""
    for key in _typed_keys():
        request = KEYS.get(key)
        if request == "quit":
            stop.set()
            return
        if request:
            requests.put(request)


class Grading:
    """The grading in progress, which a save ends early: its learner processes are stopped, its checks fail at
    once, and its results are never shown (the new grading's are)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._runs: dict | None = None
        self.cancelled = False

    def begin(self, runs: dict) -> None:
        with self._lock:
            self._runs, self.cancelled = runs, False

    def end(self) -> None:
        with self._lock:
            self._runs = None

    def cancel(self) -> None:
        with self._lock:
            if self._runs is not None:
                self.cancelled = True
                for run in self._runs.values():
                    run.stop()


def _watch_files(target: Path, requests: queue.Queue, stop: threading.Event, grading: Grading) -> None:
    """Each save asks for a grading, and ends the one in progress. Runs in a daemon thread."""
    for changes in watchfiles.watch(target, watch_filter=watchfiles.PythonFilter(), stop_event=stop,
                                    yield_on_timeout=True, rust_timeout=300, debounce=300, step=20):
        if changes:
            grading.cancel()
            requests.put("save")


class Graded:
    """The results of earlier gradings, each with what it was graded from. Grading is a fact of the files (the
    same files, the same result), so after a save only the steps whose file changed are graded again; the
    others keep their results. A change to the folder's list of files (a rename, a new file) regrades all:
    a missing step's result names the files that look like it."""

    def __init__(self):
        self._results: dict[int, tuple] = {}

    @staticmethod
    def _source(target: Path, step) -> tuple | None:
        """What a step is graded from: the folder's names, its file's content, a copy in the folder above."""
        file = target / step.file
        try:
            names = tuple(sorted(entry.name for entry in os.scandir(target)))
            content = None if file.is_symlink() or not file.is_file() else hashlib.sha256(file.read_bytes()).digest()
        except OSError:
            return None  # unreadable now: graded again, and never taken from here
        return names, content, (target.parent / step.file).exists()

    def outdated(self, target: Path, manifest, steps: list[int]) -> dict[int, tuple | None]:
        """The steps to grade again, each with what it is graded from now (for remember())."""
        sources = {number: self._source(target, manifest.step(number)) for number in steps}
        return {number: source for number, source in sources.items()
                if source is None or number not in self._results or self._results[number][0] != source}

    def remember(self, sources: dict, results: list) -> None:
        for result in results:
            self._results[result.step.number] = (sources[result.step.number], result)

    def result(self, number: int):
        return self._results[number][1]

    def forget(self) -> None:
        self._results.clear()


def _show(console, manifest, target: Path, args, steps: list[int], grading: Grading, graded: Graded) -> list | None:
    console.clear()
    console.print(Text(messages.GRADING, "dim"))
    outdated = graded.outdated(target, manifest, steps)
    runs = start_runs(manifest, target, list(outdated), time_limit=args.time_limit)
    grading.begin(runs)
    try:
        fresh = grade(manifest, target, list(outdated), runs=runs) if outdated else []
    finally:
        grading.end()
    if grading.cancelled:
        return None
    graded.remember(outdated, fresh)
    results = [graded.result(number) for number in steps]
    console.clear()
    grown = remember_failures(fresh, args.state)  # after clear(): its note on a broken --state stays seen
    screen.render(results, console, grown=grown, all_steps=len(manifest.steps), explain_first_only=True)
    _footer(console, target)
    return results


def _footer(console, target: Path) -> None:
    console.print()
    console.print(Text(messages.WATCHING.format(target=screen.shown_folder(target)), "dim"))


def _hint(console, results: list) -> None:
    """The hints of the step the learner is on: the first that does not pass (the last step when all do)."""
    if not results:
        return
    result = next((r for r in results if not r.passed), results[-1])
    console.print()
    console.print(Text(f"Step {result.step.number}: {result.step.title}", "bold"))
    console.print(screen.labelled(messages.HINT_LABEL, result.step.hint))
    if result.more_hint:
        console.print(screen.labelled(messages.MORE_HELP_LABEL, result.more_hint))


def _list(console, results: list) -> None:
    console.print()
    for result in results:  # the lines of the screen, symbols and all (ASCII where the console has no ✓)
        console.print(screen.step_line(result, console))


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
    confinement.warm_up()
    requests: queue.Queue = queue.Queue()
    stop = threading.Event()
    grading = Grading()
    graded = Graded()
    threading.Thread(target=_read_keys, args=(requests, stop), daemon=True).start()
    threading.Thread(target=_watch_files, args=(target, requests, stop, grading), daemon=True).start()
    requests.put("grade")
    results: list = []
    try:
        while not stop.is_set():
            try:
                asked = {requests.get(timeout=0.3)}
            except queue.Empty:
                continue
            while not requests.empty():
                asked.add(requests.get_nowait())
            if "grade" in asked:  # asked for by hand: every step graded anew
                graded.forget()
            if asked & {"grade", "save"}:
                results = _show(console, manifest, target, args, steps, grading, graded) or results
            if "hint" in asked:
                _hint(console, results)
            if "list" in asked:
                _list(console, results)
            if asked - {"grade", "save"}:
                _footer(console, target)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        grading.cancel()
    console.print(messages.STOPPED_WATCHING)
    return options.EXIT_OK


if __name__ == "__main__":
    sys.exit(options.run(main, "watch"))
