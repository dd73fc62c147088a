"""`python -m grader.maintain` (`nox -s check`): prove the exercise and its graders agree.

- the manifest loads, and each step has a starter in steps/ and grader/starters/, a solution, a title,
  a hint, a checks module, and a starter with a TODO;
- steps/ holds exactly the pristine starters (a maintainer edits grader/starters/ and copies);
- grader/integrity.txt records the grader as it is;
- every solution passes every step up to its own, graded as a learner's folder would be;
- every untouched starter fails its own step.
"""

from __future__ import annotations

import argparse
import ast
import shutil
import sys
import tempfile
from pathlib import Path

from . import integrity
from .grading import CHECKS_DIR, grade
from .manifest import KIT_DIR, ManifestError, load_manifest
from .steprun import normalized_text


def checks_by_step() -> dict[int, list[str]]:
    """Each checks module's FIRST_STEP -> the names of its checks (test functions without "test_"),
    read from the source so that nothing is imported."""
    checks = {}
    for path in sorted(CHECKS_DIR.glob("test_step*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        first_step = next(node.value.value for node in tree.body if isinstance(node, ast.Assign)
                          and [getattr(t, "id", None) for t in node.targets] == ["FIRST_STEP"])
        checks[first_step] = [node.name.removeprefix("test_") for node in tree.body
                              if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")]
    return checks


def file_problems(manifest, kit: Path) -> list[str]:
    problems = []
    checks = checks_by_step()
    listed = {step.file for step in manifest.steps}
    for step in manifest.steps:
        if step.number not in checks:
            problems.append(f"step {step.number}: no checks module in grader/checks has FIRST_STEP = {step.number}")
        for check in set(checks.get(step.number, [])) - set(step.more_hints):
            problems.append(f"step {step.number}: the check {check} has no hint in [steps.more_hints]")
        for check in set(step.more_hints) - set(checks.get(step.number, [])):
            problems.append(f"step {step.number}: [steps.more_hints] names {check}, which is not a check of this step")
        for folder in (kit / "steps", kit / "solutions", kit / "grader" / "starters"):
            if not (folder / step.file).is_file():
                problems.append(f"step {step.number}: {folder.relative_to(kit) / step.file} is missing")
        if not step.title.strip() or not step.hint.strip():
            problems.append(f"step {step.number}: the manifest needs a title and a hint")
        starter = normalized_text(step.starter)
        if starter is not None:
            if "# TODO" not in starter:
                problems.append(f"step {step.number}: the starter has no '# TODO' marking what to do")
            if normalized_text(kit / "steps" / step.file) != starter:
                problems.append(f"step {step.number}: steps/{step.file} differs from grader/starters/{step.file} "
                                "(edit grader/starters/ and copy it over)")
            if normalized_text(kit / "solutions" / step.file) == starter:
                problems.append(f"step {step.number}: the solution is the same as the starter")
    if integrity.is_modified():
        problems.append("grader/integrity.txt does not match grader/: after changing the grader, record it with "
                        "python -m grader.integrity --record")
    for folder in ("steps", "solutions", "grader/starters"):
        for path in sorted((kit / folder).glob("*.py")):
            if path.name not in listed:
                problems.append(f"{folder}/{path.name} is not a step listed in grader/manifest.toml")
    return problems


def grading_problems(manifest, kit: Path) -> list[str]:
    problems = []
    for result in grade(manifest, kit / "solutions", manifest.numbers):
        if not result.passed:
            problems.append(f"solutions/{result.step.file} does not pass step {result.step.number} "
                            f"({result.status}):\n{result.message}")
    with tempfile.TemporaryDirectory() as folder:
        for step in manifest.steps:
            shutil.copy(step.starter, Path(folder) / step.file)
        for result in grade(manifest, Path(folder), manifest.numbers, grade_untouched=True):
            if result.passed:
                problems.append(f"the untouched starter {result.step.file} passes step {result.step.number}")
    return problems


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(prog="python -m grader.maintain", description=__doc__.split("\n")[0]).parse_args(argv)
    try:
        manifest = load_manifest()
    except ManifestError as error:
        print(f"check: error: {error}", file=sys.stderr)
        return 2
    problems = file_problems(manifest, KIT_DIR)
    if not problems:
        problems = grading_problems(manifest, KIT_DIR)
    for problem in problems:
        print(f"✗ {problem}")
    if problems:
        print(f"{len(problems)} problem(s) found.")
        return 1
    print(f"✓ {len(manifest.steps)} steps: the manifest and the files agree, every solution passes, "
          "every untouched starter fails its own step.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
