"""How many right answers pass and how many wrong answers fail, in a set of learner answers (issue 14's bar:
at least 98 of 100 of each, on a set the kit has not seen; tests/corpus stays at 100 %).

A set is a folder with right/ and wrong/ in it, holding either corpus files (one step file each, headed
`# step: SLUG`, as in tests/corpus) or one folder per answer with the step file in it (its name says the step).
A wrong answer counts as judged right when it does not pass and, for corpus files with `# message:` lines,
its message holds those words.

    python benchmarks/corpus_judgement.py                  # tests/corpus
    python benchmarks/corpus_judgement.py /path/to/a/set   # another set, such as one written by a red team
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

KIT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(KIT))

from grader.manifest import load_manifest  # noqa: E402 - the kit's own package, found from here

MANIFEST = load_manifest()
STEP_FILE = re.compile(r"step(\d+)_\w+\.py")


def _answers(folder: Path):
    """(name, step file, step number, words the message must hold) for each answer of one kind."""
    for path in sorted(folder.iterdir()):
        if path.is_dir():
            files = [f for f in path.glob("step*.py") if STEP_FILE.fullmatch(f.name)]
            if len(files) == 1:
                yield path.name, files[0], int(STEP_FILE.fullmatch(files[0].name).group(1)), []
        elif path.suffix == ".py":
            header = {}
            words = []
            for line in path.read_text(encoding="utf-8").splitlines():
                if not line.startswith("# "):
                    break
                key, _, value = line[2:].partition(": ")
                header[key] = value.strip()
                if key == "message":
                    words.append(value)
            step = MANIFEST.find(header.get("step", "0"))
            yield path.stem, path, step.number, words


def _grade(answer) -> tuple[str, str, str]:
    name, path, number, _ = answer
    step = MANIFEST.step(number)
    with tempfile.TemporaryDirectory() as folder:
        shutil.copyfile(path, Path(folder) / step.file)
        done = subprocess.run([sys.executable, "-m", "grader", "--target", folder, "--step", str(number),
                               "--format", "json"],
                              cwd=KIT, capture_output=True, text=True, timeout=120)
    try:
        entry = json.loads(done.stdout)["steps"][0]
        return name, entry["status"], entry["message"]
    except (ValueError, KeyError, IndexError):
        return name, "grader-fault", (done.stdout + done.stderr)[-300:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("set", nargs="?", type=Path, default=KIT / "tests" / "corpus")
    args = parser.parse_args()
    misjudged = []
    totals = {}
    for kind in ("right", "wrong"):
        answers = list(_answers(args.set / kind))
        with ThreadPoolExecutor(2) as pool:
            graded = list(pool.map(_grade, answers))
        good = 0
        for answer, (name, status, message) in zip(answers, graded):
            right = status == "passed" if kind == "right" else (
                status not in ("passed", "grader-fault") and all(words in message for words in answer[3]))
            good += right
            if not right:
                misjudged.append(f"{kind}/{name}: {status}: {message.splitlines()[-1] if message else ''}"[:200])
        totals[kind] = (good, len(answers))
    (right_good, right_all), (wrong_good, wrong_all) = totals["right"], totals["wrong"]
    print(f"right answers that pass: {right_good} / {right_all}")
    print(f"wrong answers that fail as they should: {wrong_good} / {wrong_all}")
    for line in misjudged:
        print(f"  misjudged: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
