"""Time `python -m grader` on every hostile learner file of tests/hostile_cases.py.

    python benchmarks/hostile_times.py        (in the kit's environment, e.g. .nox/tests/bin/python)

Prints each case's wall time, the slowest, and how far it went past the step time limit it ran with.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KIT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(KIT / "tests"))

from hostile_cases import CASES, SOLUTIONS, TIME_LIMIT  # noqa: E402


def time_case(case) -> float:
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "answers"
        shutil.copytree(SOLUTIONS, target)
        path = next(target.glob(f"step{case.step}_*.py"))
        path.write_bytes(case.source.encode("latin-1" if case.name == "not_utf8" else "utf-8"))
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "grader", "--target", str(target), "--format", "json",
                        "--time-limit", TIME_LIMIT], cwd=KIT, capture_output=True, stdin=subprocess.DEVNULL)
        return time.perf_counter() - started


def main() -> None:
    times = {case.name: time_case(case) for case in CASES}
    for name, seconds in sorted(times.items(), key=lambda item: item[1]):
        print(f"{seconds:6.2f} s  {name}")
    slowest = max(times, key=times.get)
    print(f"slowest: {slowest}, {times[slowest]:.2f} s with a {TIME_LIMIT} s step time limit "
          f"(margin {times[slowest] - float(TIME_LIMIT):.2f} s; every step graded each time)")


if __name__ == "__main__":
    main()
