"""Is a grade a fact? Grades one class three times, once on an idle machine and twice with the processor
oversubscribed (three busy loops on two cores), and prints how many grades and feedback files differ.

    python benchmarks/class_determinism.py [--learners 60] [--workers 2] [--busy 3]

(in the kit's environment, e.g. .nox/tests/bin/python; bubblewrap or root gives the sandbox grade-class needs).
The class: one learner per answer in tests/corpus (right and wrong, hostile ones included), each a copy of
solutions/ with that answer in place of its step's file. The bar: 0 differences.
"""

from __future__ import annotations

import argparse
import csv
import filecmp
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KIT = Path(__file__).resolve().parent.parent
CORPUS = KIT / "tests" / "corpus"
BUSY_LOOP = "while True: pass"


def make_class(folder: Path, learners: int) -> Path:
    answers = sorted(CORPUS.glob("*/step*.py"))
    step_files = {path.name.split("_")[0]: path.name for path in (KIT / "solutions").glob("step*.py")}
    chosen = answers[:: max(1, len(answers) // learners)][:learners]
    submissions = folder / "submissions"
    for number, answer in enumerate(chosen):
        learner = shutil.copytree(KIT / "solutions", submissions / f"{number:03d}-{answer.parent.name}-{answer.stem}")
        shutil.copyfile(answer, learner / step_files[answer.name.split("_")[0]])
    return submissions


def grade(submissions: Path, out: Path, workers: int, busy: int) -> float:
    loops = [subprocess.Popen([sys.executable, "-c", BUSY_LOOP]) for _ in range(busy)]
    try:
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "grader.classroom", str(submissions), "--out", str(out),
                               "--workers", str(workers)], cwd=KIT, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if done.returncode not in (0, 1):
            raise SystemExit(f"grade-class failed:\n{done.stderr}")
        return time.perf_counter() - started
    finally:
        for loop in loops:
            loop.kill()
            loop.wait()


def rows(out: Path) -> dict[str, dict]:
    with (out / "grades.csv").open(encoding="utf-8", newline="") as file:
        return {row["learner"]: row for row in csv.DictReader(file)}


def differences(first: Path, other: Path) -> tuple[list[str], list[str]]:
    grades_a, grades_b = rows(first), rows(other)
    grades = sorted(name for name in grades_a.keys() | grades_b.keys() if grades_a.get(name) != grades_b.get(name))
    names = sorted(path.name for path in (first / "feedback").glob("*.txt"))
    _, mismatch, errors = filecmp.cmpfiles(first / "feedback", other / "feedback", names, shallow=False)
    return grades, sorted(mismatch + errors)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--learners", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--busy", type=int, default=3, help="busy loops during the second and third runs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        submissions = make_class(Path(folder), args.learners)
        outs = [Path(folder) / f"grades-{run}" for run in range(3)]
        seconds = [grade(submissions, out, args.workers, 0 if run == 0 else args.busy) for run, out in enumerate(outs)]
        print(f"{len(rows(outs[0]))} learners, {args.workers} workers; runs took "
              + ", ".join(f"{s:.0f} s" for s in seconds) + f" (runs 2 and 3 beside {args.busy} busy loops)")
        total = 0
        for run, out in enumerate(outs[1:], start=2):
            grades, feedback = differences(outs[0], out)
            total += len(grades) + len(feedback)
            print(f"run {run} against run 1: {len(grades)} grades differ, {len(feedback)} feedback files differ"
                  + (f": {', '.join((grades + feedback)[:6])}" if grades or feedback else ""))
            for name in feedback[:2]:
                diff = subprocess.run(["diff", str(outs[0] / "feedback" / name), str(out / "feedback" / name)],
                                      capture_output=True, text=True).stdout
                print(f"  {name}:\n" + "\n".join("    " + line for line in diff.splitlines()[:8]))
        print(f"differences in all: {total} (bar: 0)")


if __name__ == "__main__":
    main()
