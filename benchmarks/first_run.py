"""A learner's first `nox -s grade`: from a fresh copy of the kit to the first result on the screen (issue 15's
bar: at most 10 s on this machine when idle), and the second run for comparison.

Copies the kit (git clone, so only what a learner gets), then runs `python -m nox -s grade` with the nox of the
Python running this script, timing until the first step line ("Step 1:") appears. uv's package cache is left as it
is (warm after any earlier install, as on a machine that set up a kit before); --no-uv-cache makes uv download
everything again.

    python benchmarks/first_run.py [--no-uv-cache] [--no-uv]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KIT = Path(__file__).resolve().parent.parent


def _first_result(folder: Path, environment: dict) -> tuple[float, float, str]:
    """(seconds to the first step line, seconds to the end, the first line nox printed)."""
    start = time.monotonic()
    process = subprocess.Popen([sys.executable, "-m", "nox", "-s", "grade"], cwd=folder, env=environment,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    first_result, first_line = None, ""
    for line in process.stdout:
        first_line = first_line or line.strip()
        if first_result is None and "Step 1:" in line:
            first_result = time.monotonic() - start
    process.wait()
    return first_result or float("nan"), time.monotonic() - start, first_line


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-uv-cache", action="store_true", help="make uv download every package again")
    parser.add_argument("--no-uv", action="store_true", help="hide uv from nox, as after a plain `pip install nox`")
    args = parser.parse_args()
    environment = dict(os.environ)
    if args.no_uv_cache:
        environment["UV_NO_CACHE"] = "1"
    if args.no_uv:
        environment["PATH"] = os.pathsep.join(p for p in environment["PATH"].split(os.pathsep)
                                              if not (Path(p) / "uv").exists())
    with tempfile.TemporaryDirectory() as folder:
        kit = Path(folder) / "kit"
        subprocess.run(["git", "clone", "-q", str(KIT), str(kit)], check=True)
        cold, cold_total, first_line = _first_result(kit, environment)
        warm, warm_total, _ = _first_result(kit, environment)
    print(f"first run: first result after {cold:.1f} s (done in {cold_total:.1f} s); its first line: {first_line!r}")
    print(f"second run: first result after {warm:.1f} s (done in {warm_total:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
