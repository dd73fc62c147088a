"""Time `python -m grader.classroom` on a class of correct submissions (copies of solutions/).

    python benchmarks/class_throughput.py [--submissions 200] [--workers 2] [--no-bonus] [--wrong] [--sandbox KIND]

(in the kit's environment, e.g. .nox/tests/bin/python). Prints the total wall time, workers' start-up
included, and the throughput in submissions per second. The bar: 10 submissions/s on 2 cores. It also prints
the CPU time spent per submission (the grading, its workers and every learner process): as root on Linux, from
a cgroup of its own (exact on a busy machine too); else the whole machine's busy time during the run (from /proc/stat: learner processes killed at the end of their run are never
reaped by their parents, so the children's times that os.times() reports leave them out), which is the
grading's own only on an otherwise idle machine. With --no-bonus the bonus steps' files are
left as their starters (not started, so never run), as in a class where nobody tried them. With --wrong each
learner has one wrong answer from tests/corpus/wrong/ in place of that step's file, taken in turn (those that
loop until the time limit left out: each costs the limit, by design).
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KIT = Path(__file__).resolve().parent.parent


def manifest():
    sys.path.insert(0, str(KIT))
    from grader.manifest import load_manifest

    return load_manifest()


def wrong_answers() -> list[tuple[str, str]]:
    """(file name, text) of every wrong answer in the corpus that does not loop until the time limit."""
    answers = []
    steps = {step.slug: step for step in manifest().steps}
    for path in sorted((KIT / "tests" / "corpus" / "wrong").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        header = dict(line[2:].split(": ", 1) for line in text.splitlines() if line.startswith("# ") and ": " in line)
        if header.get("status") != "timeout" and header.get("step") in steps:
            answers.append((steps[header["step"]].file, text))
    return answers


CPUACCT = Path("/sys/fs/cgroup/cpuacct")  # cgroup v1's CPU accounting, where it is mounted and ours to write


class CountedCPU:
    """The processor time of this process and everything it starts (learner processes killed at the end of
    their run included), from a cgroup of its own: exact whatever else the machine runs. None where cgroup v1's
    cpuacct cannot be written (not root, or cgroup v2 only)."""

    def __enter__(self):
        self.group = CPUACCT / f"class-throughput-{os.getpid()}"
        try:
            self.group.mkdir()
            (self.group / "cgroup.procs").write_text(str(os.getpid()))
        except OSError:
            self.group = None
        return self

    def seconds(self) -> float | None:
        return int((self.group / "cpuacct.usage").read_text()) / 1e9 if self.group else None

    def __exit__(self, *exc_info) -> None:
        if self.group:
            (CPUACCT / "cgroup.procs").write_text(str(os.getpid()))
            self.group.rmdir()


def machine_busy_seconds() -> float | None:
    """Seconds of CPU time the whole machine has spent busy since it started (Linux), else None."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = [int(value) for value in stat.readline().split()[1:9]]
    except (OSError, ValueError):
        return None
    user, nice, system, idle, iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--submissions", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-bonus", action="store_true", help="leave the bonus steps' files as their starters")
    parser.add_argument("--wrong", action="store_true", help="give each learner one wrong answer from the corpus")
    parser.add_argument("--sandbox", choices=("auto", "bubblewrap", "separate-user", "none"), default="auto",
                        help="the confinement to grade in (GRADER_SANDBOX; none grades with --unconfined)")
    args = parser.parse_args()
    unstarted = [step for step in manifest().steps if step.bonus] if args.no_bonus else []
    wrong = wrong_answers() if args.wrong else []
    with tempfile.TemporaryDirectory() as folder:
        submissions, out = Path(folder) / "submissions", Path(folder) / "grades"
        for number in range(args.submissions):
            learner = shutil.copytree(KIT / "solutions", submissions / f"learner{number:04d}")
            for step in unstarted:
                (learner / step.file).write_text(step.starter_text(), encoding="utf-8")
            if wrong:
                file, text = wrong[number % len(wrong)]
                (learner / file).write_text(text, encoding="utf-8")
        with CountedCPU() as counted:
            before = os.times()
            busy_before = machine_busy_seconds()
            started = time.perf_counter()
            unconfined = ["--unconfined"] if args.sandbox == "none" else []
            done = subprocess.run([sys.executable, "-m", "grader.classroom", str(submissions), "--out", str(out),
                                   "--workers", str(args.workers), *unconfined], cwd=KIT, stdin=subprocess.DEVNULL,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                  env={**os.environ, "GRADER_SANDBOX": args.sandbox})
            if done.returncode not in (0, 1):
                raise SystemExit(f"grade-class failed: {done.stderr.strip()}")
            seconds = time.perf_counter() - started
            after = os.times()
            cpu = after.children_user + after.children_system - before.children_user - before.children_system
            if busy_before is not None:
                cpu = machine_busy_seconds() - busy_before
            source = "the whole machine's busy time" if busy_before is not None else "reaped processes"
            if counted.seconds() is not None:
                cpu, source = counted.seconds(), "its own cgroup: the grading and all it started, whatever else runs"
        with (out / "grades.csv").open(encoding="utf-8") as file:
            rows = list(csv.DictReader(file))
    graded = [row for row in rows if row["status"] == "graded"]
    core_right = sum(float(row["core_total"]) >= float(row["max_total"]) for row in graded)
    bonus_numbers = [step.number for step in manifest().steps if step.bonus]
    bonus_right = sum(all(row[f"step{n}_status"] == "passed" for n in bonus_numbers) for row in graded)
    what = " (bonus steps not started)" if args.no_bonus else ""
    what += f" (each with one of {len(wrong)} wrong answers)" if wrong else ""
    kinds = sorted({row.get("confinement", "?") for row in rows})
    print(f"{args.submissions} submissions{what} on {args.workers} workers, sandbox {', '.join(kinds)}: "
          f"{seconds:.2f} s wall time, "
          f"{args.submissions / seconds:.1f} submissions/s (exit code {done.returncode}, "
          f"{len(graded)}/{len(rows)} graded, {core_right} with every core step right, {bonus_right} with the bonus right)")
    print(f"CPU time ({source}): {cpu:.1f} s, {1000 * cpu / args.submissions:.0f} ms per submission "
          f"(at most {os.cpu_count() * args.submissions / cpu:.1f} submissions/s on {os.cpu_count()} idle cores)")


if __name__ == "__main__":
    main()
