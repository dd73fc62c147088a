"""How fast is feedback? Prints F, G, N and C (medians) against their bars.

    nox -s bench            (or: python benchmarks/speed.py, with a Python that has nox)

F  the import floor: `python -c "import pytest, boto3, moto"` in the kit's environment
G  `python -m grader --target solutions`, every step, moto included             bar: G <= 2.5 x F
   (G4: the same for the core steps only, the bonus step left out)
N  a warm `nox -s grade -- --target solutions`                                   bar: N <= 3.5 x F
C  a cold `nox -s grade` in a fresh clone, with a new environment of its own      bar: C <= 15 s
   (package caches warm, as on a learner's second kit)
W  watch mode (POSIX, in a pseudo-terminal): from a save of a solved step file to its new result on the
   screen, every step solved                                                      bar: W <= 0.5 x F
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KIT = Path(__file__).resolve().parent.parent
NOX = [sys.executable, "-m", "nox"]


def core_steps() -> list[int]:
    """The numbers of the non-bonus steps in the manifest."""
    try:
        import tomllib
    except ImportError:  # Python 3.10: nox brings tomli
        import tomli as tomllib

    manifest = tomllib.loads((KIT / "grader" / "manifest.toml").read_text(encoding="utf-8"))
    # A step's number is its position in the manifest.
    return [number for number, step in enumerate(manifest["steps"], start=1) if not step.get("bonus")]


def kit_python(kit: Path = KIT) -> Path:
    scripts = "Scripts" if os.name == "nt" else "bin"
    return kit / ".nox" / "grade" / scripts / ("python.exe" if os.name == "nt" else "python")


def wall_time(command: list[str], cwd: Path = KIT) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          stdin=subprocess.DEVNULL, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"bench: {' '.join(command)} failed:\n{done.stderr}")
    return elapsed


def median_of(runs: int, measure) -> float:
    return statistics.median(measure() for _ in range(runs))


def cold_run() -> float:
    """A fresh copy of the kit (as committed, when it is a git checkout) and a new environment."""
    with tempfile.TemporaryDirectory() as folder:
        clone = Path(folder) / "kit"
        if (KIT / ".git").exists():
            subprocess.run(["git", "clone", "--quiet", str(KIT), str(clone)], check=True)
        else:
            shutil.copytree(KIT, clone, ignore=shutil.ignore_patterns(".nox", "__pycache__"))
        return wall_time([*NOX, "-s", "grade"], cwd=clone)


def watch_latency(python: str, runs: int) -> float:
    """Median seconds from a save to the new result in `python -m grader.watch` (POSIX: a pseudo-terminal)."""
    import pty
    import select

    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "steps"
        shutil.copytree(KIT / "solutions", target)
        pid, fd = pty.fork()
        if pid == 0:
            os.environ.update({"COLUMNS": "100", "LINES": "40", "TERM": "xterm"})
            os.execv(python, [python, "-m", "grader.watch", "--target", str(target)])

        def read_until(marker: bytes, deadline: float) -> bytes:
            seen = b""
            while marker not in seen and time.perf_counter() < deadline:
                if select.select([fd], [], [], 0.05)[0]:
                    seen += os.read(fd, 65536)
            return seen

        read_until(b"Watching", time.perf_counter() + 120)
        times = []
        file = target / sorted(p.name for p in target.glob("step*.py"))[0]
        for run in range(runs):
            started = time.perf_counter()
            file.write_text(file.read_text() + f"\n# save {run}\n")
            read_until(b"Grading...", started + 60)
            read_until(b"Watching", started + 120)
            times.append(time.perf_counter() - started)
        os.write(fd, b"q")
        os.waitpid(pid, 0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (the median is printed)")
    runs = parser.parse_args().runs
    wall_time([*NOX, "-s", "grade", "--", "--help"])  # make sure the kit's environment exists and is warm
    python = str(kit_python())
    solutions = str(KIT / "solutions")
    floor = median_of(runs, lambda: wall_time([python, "-c", "import pytest, boto3, moto"]))
    grader = median_of(runs, lambda: wall_time([python, "-m", "grader", "--target", solutions]))
    core = [arg for number in core_steps() for arg in ("--step", str(number))]
    grader_core = median_of(runs, lambda: wall_time([python, "-m", "grader", "--target", solutions, *core]))
    warm = median_of(runs, lambda: wall_time([*NOX, "-s", "grade", "--", "--target", solutions]))
    cold = median_of(runs, cold_run)
    watch = watch_latency(python, runs) if os.name == "posix" else float("nan")
    print(f"medians of {runs} runs on {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    for name, value, bar, words in (
        ("F", floor, None, "import pytest, boto3, moto"),
        ("G", grader, 2.5 * floor, "python -m grader --target solutions (every step, the bonus too)"),
        ("G4", grader_core, 2.5 * floor, "the same, the core steps only (--step 1 ... --step 4)"),
        ("N", warm, 3.5 * floor, "warm nox -s grade (solutions)"),
        ("C", cold, 15.0, "cold nox -s grade in a fresh clone"),
        ("W", watch, 0.5 * floor, "watch mode: from a save to the new result (every step solved)"),
    ):
        verdict = "" if bar is None else f"  bar {bar:5.2f} s  {'ok' if value <= bar else 'OVER'}"
        ratio = "" if name in ("F", "C") else f" = {value / floor:.2f} x F"
        print(f"{name:2}  {value:5.2f} s{ratio:12}{verdict}   {words}")


if __name__ == "__main__":
    main()
