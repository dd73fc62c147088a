"""What confinement costs: the start-up of one learner process, per sandbox kind, in milliseconds.

    python benchmarks/sandbox_overhead.py [--runs 30]

(in the kit's environment, e.g. .nox/tests/bin/python). Each run starts a learner process on a one-line step
file, waits until the file has run (the first event on the channel) and ends the run, every process of it
proven dead: the whole life of a learner process, less the learner's own work. Prints the median for each kind
that works on this machine (separate-user needs root and a Python other users can run) and its overhead over
`none`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

KIT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(KIT))

from grader.sandbox import confinement  # noqa: E402
from grader.sandbox.runner import LearnerProcess  # noqa: E402


def sandboxes() -> dict:
    found = {confinement.NONE: confinement.Unconfined()}
    bubblewrap = confinement._bubblewrap()
    if bubblewrap:
        found[confinement.BUBBLEWRAP] = bubblewrap
    separate = confinement._separate_user()
    if separate:
        found[confinement.SEPARATE_USER] = separate
    return found


def one_run(file: Path, sandbox) -> float:
    started = time.perf_counter()
    with LearnerProcess(file, ["x"], time_limit=10, memory_limit=1 << 30, sandbox=sandbox) as process:
        event = process.next_event()
    if not isinstance(event, dict) or event.get("event") != "module_done":
        raise SystemExit(f"{sandbox.kind}: the learner process did not run its file: {event}")
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "step.py"
        file.write_text("x = 1\n")
        medians = {}
        for kind, sandbox in sandboxes().items():
            one_run(file, sandbox)  # warm the page cache
            medians[kind] = statistics.median(one_run(file, sandbox) for _ in range(args.runs))
    base = medians[confinement.NONE]
    print(f"learner process start-up and end, median of {args.runs} (os.cpu_count() = {os.cpu_count()}):")
    for kind, median in medians.items():
        extra = "" if kind == confinement.NONE else f"  (+{median - base:.1f} ms over none)"
        print(f"  {kind:14} {median:6.1f} ms{extra}")


if __name__ == "__main__":
    main()
