"""`python -m grader.maintain` (`nox -s check`): prove the exercise and its graders agree.

- the manifest loads, and each step has a folder grader/steps/<step>/ with its checks (marked with the
  step's slug, each with a docstring: its more specific hint) and a starter with a TODO, a solution, a
  title and a hint;
- steps/ holds exactly the starters as `nox -s sync` writes them, and each solution starts with its
  step's heading;
- grader/integrity.txt records the grader as it is;
- every solution passes every step up to its own, graded as a learner's folder would be;
- every untouched starter fails its own step.
"""

from __future__ import annotations

import argparse
import ast
import sys
import tempfile
from pathlib import Path

from . import integrity
from .grading import CHECKS_FILE, grade
from .manifest import KIT_DIR, STEPS_DIR, ManifestError, Step, load_manifest
from .steprun import normalized, normalized_text


def _marked_step(tree: ast.Module) -> str | None:
    """The slug in a module's ``pytestmark = pytest.mark.step("slug")``, read without importing it."""
    for node in tree.body:
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["pytestmark"]:
            call = node.value
            if (isinstance(call, ast.Call) and getattr(call.func, "attr", None) == "step" and call.args
                    and isinstance(call.args[0], ast.Constant)):
                return call.args[0].value
    return None


def checks_of(step: Step) -> dict[str, str]:
    """A step's checks (test functions' names without "test_") -> their docstrings, read from the source."""
    tree = ast.parse((step.folder / CHECKS_FILE).read_text(encoding="utf-8"))
    return {node.name.removeprefix("test_"): ast.get_docstring(node) or "" for node in tree.body
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")}


def more_hints(step: Step) -> dict[str, str]:
    """A step's checks -> the more specific hints a learner sees for them (their docstrings, as one paragraph)."""
    return {check: " ".join(doc.split()) for check, doc in checks_of(step).items()}


def _step_problems(step: Step, kit: Path) -> list[str]:
    name = f"step {step.number} ({step.slug})"
    folder = f"grader/steps/{step.identifier}"
    checks = step.folder / CHECKS_FILE
    if not checks.is_file():
        return [f"{name}: {folder}/{CHECKS_FILE} is missing"]
    problems = []
    marked = _marked_step(ast.parse(checks.read_text(encoding="utf-8")))
    if marked != step.slug:
        problems.append(f'{name}: {folder}/{CHECKS_FILE} must say pytestmark = pytest.mark.step("{step.slug}") '
                        f"(found {marked!r})")
    found = checks_of(step)
    if not found:
        problems.append(f"{name}: {folder}/{CHECKS_FILE} has no check (a test_... function taking run)")
    for check, doc in found.items():
        if not doc.strip():
            problems.append(f"{name}: the check {check} has no docstring, the hint a learner sees when it fails")
    if not step.title.strip() or not step.hint.strip():
        problems.append(f"{name}: the manifest needs a title and a hint")
    if not step.starter.is_file():
        return problems + [f"{name}: {folder}/starter.py is missing"]
    starter = normalized(step.starter_text())
    if "# TODO" not in starter:
        problems.append(f"{name}: the starter has no '# TODO' marking what to do")
    if normalized_text(kit / "steps" / step.file) != starter:
        problems.append(f"{name}: steps/{step.file} differs from {folder}/starter.py (write it with nox -s sync)")
    solution = normalized_text(kit / "solutions" / step.file)
    if solution is None:
        problems.append(f"{name}: solutions/{step.file} is missing")
    else:
        if solution == starter:
            problems.append(f"{name}: the solution is the same as the starter")
        if solution.split("\n", 1)[0] != step.heading:
            problems.append(f"{name}: solutions/{step.file} must start with its heading (write it with nox -s sync)")
    return problems


def file_problems(manifest, kit: Path) -> list[str]:
    problems = [problem for step in manifest.steps for problem in _step_problems(step, kit)]
    if integrity.is_modified():
        problems.append("grader/integrity.txt does not match grader/: after changing the grader, record it with "
                        "python -m grader.integrity --record")
    listed = {step.file for step in manifest.steps}
    for folder in ("steps", "solutions"):
        for path in sorted((kit / folder).glob("*.py")):
            if path.name not in listed:
                problems.append(f"{folder}/{path.name} is not a step listed in grader/manifest.toml")
    folders = {step.identifier for step in manifest.steps}
    for path in sorted(STEPS_DIR.glob(f"*/{CHECKS_FILE}")):
        if path.parent.name not in folders:
            problems.append(f"grader/steps/{path.parent.name}/ is not a step listed in grader/manifest.toml")
    return problems


def grading_problems(manifest, kit: Path) -> list[str]:
    problems = []
    for result in grade(manifest, kit / "solutions", manifest.numbers):
        if not result.passed:
            problems.append(f"solutions/{result.step.file} does not pass step {result.step.number} "
                            f"({result.status}):\n{result.message}")
    with tempfile.TemporaryDirectory() as folder:
        for step in manifest.steps:
            (Path(folder) / step.file).write_text(step.starter_text(), encoding="utf-8")
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
