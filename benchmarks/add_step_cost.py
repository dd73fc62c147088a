"""How many files adding a core step touches, and how many of them a maintainer edits by hand (issue 13).

Copies the kit into a throwaway git repository, adds a step in the middle with
`python -m grader.sync --new ... --after process-event`, and counts what git sees changed. The files a
maintainer then writes by hand are the new step's own: its folder (checks, words, starter), its manifest
entry and its solution; everything else (renumbered files in steps/ and solutions/, headings, the later steps'
cumulative answer, the integrity record) is written by the command.

    python benchmarks/add_step_cost.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

KIT = Path(__file__).resolve().parent.parent


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True).stdout


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        repo = Path(folder)
        for part in ("grader", "steps", "solutions"):
            shutil.copytree(KIT / part, repo / part, ignore=shutil.ignore_patterns("__pycache__"))
        _git(repo, "init", "-q")
        _git(repo, "add", "-A")
        _git(repo, "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "commit", "-qm", "kit")
        subprocess.run([sys.executable, "-m", "grader.sync", "--new", "check-stock", "--title", "Check a stock level",
                        "--after", "process-event"], cwd=repo, check=True, capture_output=True)
        _git(repo, "add", "-A")
        changed = [line.split("\t")[-1] for line in _git(repo, "diff", "--cached", "--name-status", "-M").splitlines()]
        own = [path for path in changed if path.endswith("manifest.toml") or path.startswith("solutions/")
               and "check_stock" in path or "steps/check_stock/" in path and not path.endswith("__init__.py")]
        check = subprocess.run([sys.executable, "-m", "grader.maintain"], cwd=repo, capture_output=True, text=True)
    print(f"files touched by adding a core step in the middle: {len(changed)} (renames counted once)")
    print(f"  of which the maintainer writes by hand: {len(own)} ({', '.join(sorted(own))})")
    print(f"  written by `nox -s sync -- --new`: {len(changed) - len(own)}")
    print(f"nox -s check afterwards: {'passes' if check.returncode == 0 else 'FAILS'}")
    return 0 if check.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
