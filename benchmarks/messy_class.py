"""Grade the messy class (tests/messy_class.py: ~70 entries as hand-ins really arrive) for real, and print it.

    python benchmarks/messy_class.py [--workers 2] [--keep DIR] [--columns learner,status,total,notes]

(in the kit's environment, e.g. .nox/tests/bin/python). Builds the class in a temporary folder (or DIR, kept),
runs `python -m grader.classroom` on it with a small roster (one learner on it handed in nothing), and prints
the command's summary line, grades.csv (the chosen columns; all of them with --columns all) and skipped.csv.
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KIT = Path(__file__).resolve().parent.parent
DEFAULT_COLUMNS = "learner,status,core_total,bonus,learner_id,missing,duplicate_of,notes"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", type=Path, default=None, metavar="DIR", help="build the class in DIR and keep it")
    parser.add_argument("--columns", default=DEFAULT_COLUMNS, help="grades.csv columns to print, or 'all'")
    args = parser.parse_args()
    sys.path.insert(0, str(KIT / "tests"))
    import messy_class

    with tempfile.TemporaryDirectory() as temporary:
        root = args.keep or Path(temporary)
        submissions = messy_class.build(root)
        roster = root / "roster.csv"
        roster.write_text("name,id,email\nada,A1,ada@school.edu\nsmithjohn,12345,\nNobody Here,N0,nobody@school.edu\n",
                          encoding="utf-8")
        out = root / "grades"
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "grader.classroom", str(submissions), "--out", str(out),
                               "--workers", str(args.workers), "--roster", str(roster)], cwd=KIT,
                              stdin=subprocess.DEVNULL, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        if done.returncode not in (0, 1):
            raise SystemExit(f"grade-class failed: {done.stderr.strip()}")
        entries = len(list(submissions.iterdir()))
        print(f"{entries} entries in {submissions}, graded in {seconds:.0f} s with {args.workers} workers "
              f"(exit code {done.returncode})")
        print(done.stdout.strip())
        print()
        with (out / "grades.csv").open(encoding="utf-8", newline="") as file:
            rows = list(csv.DictReader(file))
        columns = list(rows[0]) if args.columns == "all" else args.columns.split(",")
        writer = csv.writer(sys.stdout, lineterminator="\n")
        print(f"grades.csv ({len(rows)} rows; columns {', '.join(columns)}):")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([row.get(column, "") for column in columns])
        print()
        print("skipped.csv:")
        print((out / "skipped.csv").read_text(encoding="utf-8").strip())


if __name__ == "__main__":
    main()
