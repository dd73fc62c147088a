"""`python -m grader.sync` (`nox -s sync`): write the learner's files from the step folders.

- steps/ gets each step's file: its heading ("# Step 3 of 4. ..."), then grader/steps/<step>/starter.py;
- a solution whose step changed number moves to its new file name, and its heading is rewritten;
- a file of steps/ that no longer belongs to a step is removed when it is an untouched starter, and named
  otherwise.

`--new SLUG --title TITLE [--after SLUG]` first adds a step made from the template (grader/step_template/):
its manifest entry, its folder, its solution, and its answer in every later step's starter and solution
(the steps are cumulative). Nothing is renumbered by hand: sync writes every file from its position.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from . import integrity, options
from .manifest import GRADER_DIR, KIT_DIR, MANIFEST_PATH, SLUG_PATTERN, Manifest, Step, load_manifest
from .steprun import is_untouched, normalized, normalized_text

TEMPLATE_DIR = GRADER_DIR / "step_template"
HEADING = re.compile(r"# (Bonus step|Step) \d+")
STEP_FILE = re.compile(r"step\d+_(\w+)\.py")


def _write(path: Path, text: str, changes: list[str], kit: Path) -> None:
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return
    path.write_text(text, encoding="utf-8", newline="\n")
    changes.append(f"wrote {path.relative_to(kit).as_posix()}")


def _with_heading(text: str, step: Step) -> str:
    first, _, rest = text.partition("\n")
    return f"{step.heading}\n{rest}" if HEADING.match(first) else f"{step.heading}\n{text}"


def _sync_solutions(manifest: Manifest, kit: Path, changes: list[str]) -> None:
    folder = kit / "solutions"
    for step in manifest.steps:
        found = [path for path in sorted(folder.glob("step*_*.py"))
                 if (match := STEP_FILE.fullmatch(path.name)) and match.group(1) == step.identifier]
        target = folder / step.file
        if len(found) == 1 and found[0] != target and not target.exists():
            found[0].rename(target)
            changes.append(f"moved solutions/{found[0].name} to solutions/{step.file}")
        if target.is_file():
            _write(target, _with_heading(target.read_text(encoding="utf-8"), step), changes, kit)


def _sync_steps(manifest: Manifest, kit: Path, changes: list[str]) -> list[str]:
    folder = kit / "steps"
    folder.mkdir(exist_ok=True)
    for step in manifest.steps:
        _write(folder / step.file, step.starter_text(), changes, kit)
    left = []
    listed = {step.file for step in manifest.steps}
    bodies = {normalized(step.starter.read_text(encoding="utf-8")) for step in manifest.steps}
    for path in sorted(folder.glob("step*_*.py")):
        if path.name in listed:
            continue
        first, _, body = (normalized_text(path) or "").partition("\n")
        if HEADING.match(first) and body in bodies:
            path.unlink()
            changes.append(f"removed steps/{path.name} (a starter that no longer belongs to a step)")
        else:
            left.append(f"steps/{path.name} belongs to no step and is not a starter: left as it is")
    return left


def sync(kit: Path = KIT_DIR, manifest: Manifest | None = None) -> tuple[list[str], list[str]]:
    """Write steps/ and the solutions' names and headings; returns (what changed, what was left alone)."""
    manifest = manifest or load_manifest()
    changes: list[str] = []
    _sync_solutions(manifest, kit, changes)
    left = _sync_steps(manifest, kit, changes)
    return changes, left


# --- a new step, from the template ---------------------------------------------------------------------

def _template(name: str, **values: str) -> str:
    text = (TEMPLATE_DIR / name).read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def _manifest_with(text: str, entry: str, after: Step | None) -> str:
    """The manifest's text with ``entry`` placed after the [[steps]] entry of ``after`` (first if None)."""
    starts = [match.start() for match in re.finditer(r"^\[\[steps\]\]", text, re.M)]
    if after is None:
        return text[:starts[0]] + entry + "\n" + text[starts[0]:]
    own = re.search(rf'^slug = "{re.escape(after.slug)}"', text, re.M)
    following = [start for start in starts if start > own.start()]
    at = following[0] if following else len(text)
    before = text[:at].rstrip("\n") + "\n\n"
    return before + entry + ("\n" + text[at:] if following else "")


def _with_answer(text: str, answer: str) -> str:
    """A later step's file with the new step's finished answer in it: before its first top-level TODO."""
    lines = text.split("\n")
    at = next((index for index, line in enumerate(lines) if line.startswith("# TODO")), None)
    if at is None:
        return text.rstrip("\n") + f"\n\n{answer}\n"
    return "\n".join(lines[:at] + [answer, ""] + lines[at:])


def add_step(slug: str, title: str, after_slug: str | None, kit: Path = KIT_DIR) -> list[str]:
    """Add a step made from the template after ``after_slug`` (after the last core step if None)."""
    manifest = load_manifest()
    if not SLUG_PATTERN.fullmatch(slug):
        raise options.UsageError(f"the slug {slug!r} must be lowercase words joined by hyphens, like check-stock")
    if slug in {step.slug for step in manifest.steps}:
        raise options.UsageError(f"there is a step {slug} already")
    if not title.strip():
        raise options.UsageError("--title must say what the step is about")
    after = options.step(manifest, after_slug) if after_slug else manifest.core[-1]
    if after.bonus:
        raise options.UsageError("a step goes before the bonus steps: name a core step with --after")
    identifier = slug.replace("-", "_")
    variable = f"{identifier}_note"
    answer = f'{variable} = "{title}"'
    values = {"slug": slug, "title": title, "variable": variable, "identifier": identifier}
    folder = GRADER_DIR / "steps" / identifier
    if folder.exists():
        raise options.UsageError(f"grader/steps/{identifier}/ exists already")

    previous = (kit / "solutions" / after.file).read_text(encoding="utf-8").partition("\n")[2]
    for step in manifest.steps:  # untouched starters go: sync writes them anew, numbered by their new places
        if is_untouched(kit / "steps" / step.file, step):
            (kit / "steps" / step.file).unlink()
    folder.mkdir()
    (folder / "__init__.py").write_text("", encoding="utf-8")
    for name in ("checks.py", "words.py"):
        (folder / name).write_text(_template(f"{name}.template", **values), encoding="utf-8", newline="\n")
    starter = _template("starter.py.template", **values).replace("{previous}", previous.strip("\n"))
    (folder / "starter.py").write_text(starter, encoding="utf-8", newline="\n")
    todo = next(line for line in starter.split("\n") if line.startswith("# TODO") and variable in line)
    # sync gives the solution its name and heading from the step's position.
    (kit / "solutions" / f"step0_{identifier}.py").write_text("# Step 0\n" + starter.replace(todo, answer),
                                                                encoding="utf-8", newline="\n")

    later = [step for step in manifest.steps if step.number > after.number]
    for step in later:
        step.starter.write_text(_with_answer(step.starter.read_text(encoding="utf-8"), answer), encoding="utf-8",
                                newline="\n")
        solution = kit / "solutions" / step.file
        solution.write_text(_with_answer(solution.read_text(encoding="utf-8"), answer), encoding="utf-8",
                            newline="\n")
    MANIFEST_PATH.write_text(_manifest_with(MANIFEST_PATH.read_text(encoding="utf-8"),
                                            _template("manifest.toml.template", **values), after), encoding="utf-8")
    return [f"added the step {slug} after {after.slug}: grader/steps/{identifier}/ (checks.py, words.py, "
            f"starter.py), its entry in grader/manifest.toml, its solution, and {variable} in "
            f"{len(later)} later step(s)"]


def main(argv: list[str] | None = None) -> int:
    parser = options.Parser(prog="python -m grader.sync", description=__doc__.split("\n")[0])
    parser.add_argument("--new", metavar="SLUG", help="first add a step made from the template, named SLUG")
    parser.add_argument("--title", default="", help="the new step's title (with --new)")
    parser.add_argument("--after", metavar="STEP", help="the step the new one follows (default: the last core step)")
    args = parser.parse_args(argv)
    changes = add_step(args.new, args.title, args.after) if args.new else []
    more, left = sync(KIT_DIR, options.manifest())
    changes += more
    if args.new:
        integrity.main(["--record"])
        changes.append("recorded grader/integrity.txt (the grader changed)")
    for line in changes or ["steps/ and solutions/ already agree with grader/steps/ and the manifest"]:
        print(f"✓ {line}")
    for line in left:
        print(f"! {line}")
    if args.new:
        print("Next: write the step's instructions in its starter.py, its checks in checks.py (each check's docstring "
              "is its hint), its words in words.py and its answer in its solution; then nox -s sync and nox -s check.")
    return options.EXIT_OK


if __name__ == "__main__":
    sys.exit(options.run(main, "sync"))
