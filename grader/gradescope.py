"""Gradescope: build the autograder zip, and grade one submission inside Gradescope's container.

`python -m grader.gradescope build [--out PATH] [--visibility V]` writes the zip (`nox -s gradescope` runs it):
setup.sh (run once when Gradescope builds its image: installs Python and pyproject.toml's dependencies into
/autograder/source/.venv), run_autograder (run per submission), gradescope.json (the chosen visibility and
the hash of the grader packed), grader/ and pyproject.toml. Never solutions/ or tests/.

`python -m grader.gradescope run [--root DIR]` is what run_autograder calls: it finds the step files in
ROOT/submission as grade-class does (grader/submissions.py: files alone, a steps/ folder, the whole kit, a zip,
near-miss names; never through a link), grades them in a temporary folder with this grader (never one in the
submission), and writes ROOT/results/results.json in Gradescope's format: one test per step. ROOT defaults to
$AUTOGRADER_ROOT, else /autograder.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from . import messages, options, submissions as finder
from .manifest import GRADER_DIR, KIT_DIR, VISIBILITIES
from .sandbox import confinement
from .status import Status
from .text import printable

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

PROG = "python -m grader.gradescope"
DEFAULT_OUT = Path("dist") / "gradescope.zip"
CONFIG_NAME = "gradescope.json"
ROOT_VARIABLE = "AUTOGRADER_ROOT"
DEFAULT_ROOT = Path("/autograder")
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
GRADESCOPE_VENV = "/opt/dynamodb-streams-kit/venv"  # every zip entry gets this date: the same kit gives the same zip
CONSTRAINTS = "grader/constraints.txt"  # the pinned versions setup.sh installs (only there: learners' installs ignore it)

SETUP_SH = """\
#!/usr/bin/env bash
# Gradescope runs this once, as root and with network access, while it builds the autograder image.
# Written by `python -m grader.gradescope build`: the packages are pyproject.toml's [project] dependencies, at
# the versions pinned in {constraints}.
set -euo pipefail

SOURCE="${{AUTOGRADER_SOURCE:-/autograder/source}}"
# Outside source/ and readable by others: without user namespaces, learner code runs as a user of its own,
# which must be able to start this Python, while run_autograder closes /autograder to it.
VENV="${{KIT_VENV:-{venv}}}"

python_is_recent() {{
    command -v python3 >/dev/null 2>&1 && python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))'
}}

export DEBIAN_FRONTEND=noninteractive
if ! python_is_recent; then
    apt-get update
    apt-get install -y --no-install-recommends python3 python3-pip python3-venv
fi
if ! python_is_recent; then
    echo {too_old} >&2
    exit 1
fi
# The sandbox for learner code (namespaces). Where the container refuses them, the grader falls back to a
# user of its own per run; either way it refuses to grade unconfined unless built with --unconfined.
apt-get update
apt-get install -y --no-install-recommends bubblewrap libseccomp2 || echo "setup.sh: could not install bubblewrap" >&2
mkdir -p "$(dirname "$VENV")"
if ! python3 -m venv "$VENV"; then  # Debian and Ubuntu ship venv's pip in a package of its own
    rm -rf "$VENV"
    apt-get update
    apt-get install -y --no-install-recommends python3-venv python3-pip
    python3 -m venv "$VENV"
fi

"$VENV/bin/python" -m pip install --upgrade pip
# Exactly the versions of {constraints} (`nox -s constraints` writes it), each checked against its hashes: every
# rebuild of the image installs the same packages. pip refuses a constraints file with hashes (pip install -c)
# unless every requirement is pinned too, so the pinned list is installed as it is.
"$VENV/bin/python" -m pip install --require-hashes -r "$SOURCE/{constraints}"
"$VENV/bin/python" -m pip check
# pyproject.toml's requirements, which the pinned versions must meet (--no-index: nothing else is fetched).
"$VENV/bin/python" -m pip install --no-index \\
{requirements}

# Fail the image build now rather than at the first submission, and compile once for every submission.
cd "$SOURCE"
"$VENV/bin/python" -c 'import grader.grading, grader.gradescope'
"$VENV/bin/python" -m compileall -q grader
chmod -R a+rX "$VENV"
"""

RUN_AUTOGRADER = """\
#!/usr/bin/env bash
# Gradescope runs this for each submission; it writes $ROOT/results/results.json and then exits 0.
# Written by `python -m grader.gradescope build`. To try it elsewhere, set AUTOGRADER_ROOT (a folder holding
# source/ = the unpacked zip and submission/) and GRADER_PYTHON (a Python with the kit's dependencies).
set -u

ROOT="$(cd "${AUTOGRADER_ROOT:-/autograder}" && pwd)" || exit 1
SOURCE="$ROOT/source"
PYTHON="${GRADER_PYTHON:-${KIT_VENV:-%s}/bin/python}"
case "$PYTHON" in
    */*) [[ "$PYTHON" == /* ]] || PYTHON="$PWD/$PYTHON" ;;  # a relative path still works after the cd below
esac

cd "$SOURCE" || exit 1
export PYTHONPATH="$SOURCE" PYTHONNOUSERSITE=1
exec "$PYTHON" -m grader.gradescope run --root "$ROOT"
""" % GRADESCOPE_VENV


# --- build ---------------------------------------------------------------------------------------------

def dependencies(pyproject: Path = KIT_DIR / "pyproject.toml") -> list[str]:
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise options.UsageError(f"cannot read {pyproject}: {error}") from None
    found = data.get("project", {}).get("dependencies")
    if not isinstance(found, list) or not all(isinstance(item, str) for item in found):
        raise options.UsageError(f"{pyproject}: [project] dependencies must be a list of requirements")
    return found


def _shell_word(text: str) -> str:
    """``text`` as one word for bash: in double quotes when that needs no escapes (requirements hold ' and <)."""
    return f'"{text}"' if not set(text) & set('"$`\\!') else shlex.quote(text)


def setup_script(requirements: list[str]) -> str:
    lines = " \\\n".join(f"    {_shell_word(requirement)}" for requirement in requirements)
    return SETUP_SH.format(requirements=lines, too_old=_shell_word("setup.sh: " + messages.GRADESCOPE_PYTHON_TOO_OLD),
                           venv=GRADESCOPE_VENV, constraints=CONSTRAINTS)


def _entry(name: str, mode: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = (0o100000 | mode) << 16  # a regular file with these permissions (unzip keeps them)
    return info


def cannot_write(path: Path, error: OSError) -> options.UsageError:
    """One line for a file that cannot be written, naming a file that stands where a folder should be."""
    for folder in path.parents:
        if folder.exists():
            if not folder.is_dir():
                return options.UsageError(f"cannot write {path}: {folder} is a file, not a folder")
            break
    return options.UsageError(f"cannot write {path}: {error.strerror or error}")


def _write_zip(out: Path, entries: list[tuple[str, bytes, int]]) -> None:
    """Write the zip next to ``out`` first and move it into place, so a failed build leaves no half zip."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        handle, partial = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    except OSError as error:
        raise cannot_write(out, error) from None
    try:
        with os.fdopen(handle, "wb") as stream, zipfile.ZipFile(stream, "w") as archive:
            for name, data, mode in entries:
                archive.writestr(_entry(name, mode), data)
        os.replace(partial, out)
    except OSError as error:
        Path(partial).unlink(missing_ok=True)
        raise cannot_write(out, error) from None


def build(out: Path, visibility: str, unconfined: bool = False) -> int:
    from . import integrity

    manifest = options.manifest()  # a broken manifest stops here, not in Gradescope
    if out.is_dir():
        out = out / DEFAULT_OUT.name
    requirements = dependencies()
    if not (KIT_DIR / CONSTRAINTS).is_file():  # setup.sh would fail in Gradescope's image build: say so here
        raise options.UsageError(messages.GRADESCOPE_NO_CONSTRAINTS.format(path=CONSTRAINTS))
    with tempfile.TemporaryDirectory(prefix="gradescope-build-") as temporary:
        stage = Path(temporary) / "grader"
        # A copy first: what is hashed is exactly what is packed, even while someone edits grader/.
        shutil.copytree(GRADER_DIR, stage, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.pyo", ".*"))
        config = {"visibility": visibility, "grader_digest": integrity.digest(stage), "unconfined": unconfined}
        entries = [
            ("setup.sh", setup_script(requirements).encode(), 0o755),
            ("run_autograder", RUN_AUTOGRADER.encode(), 0o755),
            (CONFIG_NAME, (json.dumps(config, indent=2) + "\n").encode(), 0o644),
            ("pyproject.toml", (KIT_DIR / "pyproject.toml").read_bytes(), 0o644),
        ]
        entries += [(("grader" / path.relative_to(stage)).as_posix(), path.read_bytes(), 0o644)
                    for path in sorted(stage.rglob("*")) if path.is_file()]
        _write_zip(out, entries)
    if integrity.digest() != integrity.recorded():
        print(messages.GRADESCOPE_STALE_RECORD, file=sys.stderr)
    print(messages.gradescope_built(str(out), len(entries), visibility,
                                    core_points=sum(step.points for step in manifest.core),
                                    bonus_points=sum(step.points for step in manifest.steps if step.bonus)))
    return options.EXIT_OK


# --- run -----------------------------------------------------------------------------------------------

def load_config(source: Path = KIT_DIR) -> dict:
    """The settings packed by `build`; a kit that was never packed grades with visible results."""
    path = source / CONFIG_NAME
    if not path.is_file():
        return {"visibility": "visible", "grader_digest": None}
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise options.UsageError(f"cannot read {path}: {error}") from None
    if not isinstance(config, dict) or config.get("visibility") not in VISIBILITIES:
        raise options.UsageError(f"{path}: 'visibility' must be one of {', '.join(VISIBILITIES)}")
    return config


def modified_graders(graders: list[tuple[str, str | None]], config: dict) -> list[str]:
    """The submitted grader/ folders (where, digest) that are neither the kit as recorded nor the grader packed
    in the zip."""
    from . import integrity

    known = {integrity.recorded(), config.get("grader_digest")} - {None}
    return [where for where, digest in graders if digest is None or digest not in known]


def step_output(result, core_points: float = 0.0) -> str:
    extra = [messages.gradescope_extra_credit(result.step.points, core_points)] if result.step.bonus else []
    if result.passed:
        return "\n".join([messages.GRADESCOPE_PASSED, *result.tips, *extra])
    if result.status == Status.MISSING:
        return "\n".join([messages.gradescope_missing(result.step.file), *extra])
    return "\n".join([result.message, "", f"{messages.HINT_LABEL} {result.hint}", *extra])


# Gradescope renders no markup in "text": the grader's words hold Python's own <class 'str'>, learners' values
# and names like __init__, which HTML or Markdown would eat, and its lines are already laid out.
OUTPUT_FORMAT = "text"


def _test(result, visibility: str, core_points: float) -> dict:
    """One step as a Gradescope test. A bonus step is extra credit in Gradescope's own terms: the assignment's
    points (its Autograder Points setting) are the core steps', and the top-level score, which the spec says
    overrides the tests' total, may go beyond them; the test itself shows the step's points out of its own."""
    test = {
        "name": f"Step {result.step.number}: {result.step.title}",
        "number": str(result.step.number),
        "score": result.score,
        "max_score": result.step.points if result.step.bonus else result.max_score,
        "status": "passed" if result.passed else "failed",
        "output": step_output(result, core_points),
        "output_format": OUTPUT_FORMAT,
        "visibility": result.step.visibility or visibility,
    }
    if result.step.bonus:
        test["tags"] = ["extra credit"]
    return test


def results_document(results: list, visibility: str, notes: list[str], extra: dict, seconds: float) -> dict:
    """``visibility``: the zip's own, for the document and the steps whose manifest entry sets none."""
    from .report import progress_line, totals

    summary = totals(results)
    core_points = summary["max_score"]
    tests = [_test(result, visibility, core_points) for result in results]
    output = "\n".join([progress_line(results), *(printable(note) for note in notes)])  # notes name learner files
    return {
        "score": summary["score"],
        "output": output,
        "output_format": OUTPUT_FORMAT,
        "test_output_format": OUTPUT_FORMAT,
        "test_name_format": OUTPUT_FORMAT,
        "visibility": visibility,
        "stdout_visibility": "hidden",  # run_autograder's own log: for the instructor
        "execution_time": max(0, round(seconds)),
        "tests": tests,
        "extra_data": {**extra, "statuses": {str(r.step.number): r.status for r in results},
                       "max_score": core_points,
                       "extra_credit_max_score": sum(r.step.points for r in results if r.step.bonus)},
    }


def _write_results(path: Path, document: dict) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.partial")
        partial.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(partial, path)
    except OSError as error:
        raise cannot_write(path, error) from None


def confine(root: Path, allow_unconfined: bool) -> str:
    """The sandbox kind learner code runs in, or a one-line refusal (no results.json: Gradescope then shows
    the autograder failed, rather than a grade nobody can vouch for). A user of its own could read what others
    may read, so then Gradescope's folder is closed to others first: source, submission and results."""
    try:
        sandbox = confinement.require(allow_unconfined)
    except confinement.SandboxUnavailable as error:
        raise options.UsageError(str(error)) from None
    if sandbox.kind == confinement.SEPARATE_USER:
        try:
            os.chmod(root, root.stat().st_mode & ~0o007)
        except OSError as error:
            raise options.UsageError(f"cannot close {root} to learner code: {error.strerror or error}") from None
    return sandbox.kind


def run(root: Path, allow_unconfined: bool = False, seed: int | None = None) -> int:
    from . import aws
    from .grading import grade

    aws.use_seed(aws.DEFAULT_SEED if seed is None else seed)
    started = time.monotonic()
    manifest = options.manifest()
    config = load_config()
    results_path = root / "results" / "results.json"
    submission = root / "submission"
    if not submission.is_dir():  # Gradescope always makes it: a wrong --root or AUTOGRADER_ROOT
        raise options.UsageError(f"{submission} is not a folder (is {root} Gradescope's folder?)")
    kind = confine(root, allow_unconfined or bool(config.get("unconfined")))
    handin = finder.find_one(submission, manifest)  # the same finder as grade-class's

    notes = []
    if not handin.files:
        files = ", ".join(step.file for step in manifest.steps)
        notes.append(messages.GRADESCOPE_NOTHING_FOUND.format(files=files))
    if handin.error:
        notes.append(handin.error)
    notes += handin.notes
    for step in manifest.steps:
        if step.file in handin.found and handin.copies.get(step.file):
            notes.append(messages.gradescope_graded_from(step.file, handin.found[step.file], handin.copies[step.file]))
    if kind == confinement.NONE:
        notes.append(messages.UNCONFINED_NOTE)
    modified = modified_graders(handin.graders, config)
    if modified:
        notes.append(messages.GRADESCOPE_GRADER_MODIFIED.format(where=", ".join(where + "/" for where in modified)))

    with tempfile.TemporaryDirectory(prefix="gradescope-") as temporary:
        work = Path(temporary) / "submission"
        # The files found, flat, under their step's name: messages name each as the student knows it.
        handin.folder = ()
        handin.stage(work)
        previous = os.getcwd()
        os.chdir(work)  # messages then name each file as the student knows it: step1_create_table.py
        try:
            results = grade(manifest, work, manifest.numbers, more_time=messages.MORE_TIME_ELSEWHERE)
        except RuntimeError as error:  # the checks could not run at all: no results.json, so Gradescope says so
            print(error)
            raise options.UsageError(messages.GRADESCOPE_CANNOT_GRADE.format(error=str(error).splitlines()[0]))
        finally:
            os.chdir(previous)

    extra = {"grader_modified": bool(modified), "confinement": kind, "seed": aws.SEED,
             "files": dict(sorted(handin.found.items()))}
    document = results_document(results, config["visibility"], notes, extra, time.monotonic() - started)
    _write_results(results_path, document)
    print(document["output"])
    for test in document["tests"]:
        print(f"{test['name']}: {test['status']} ({test['score']:g} / {test['max_score']:g})")
    print(messages.sandbox_in_use(confinement.current().words))
    print(f"Wrote {results_path}")
    return options.EXIT_OK


# --- command line --------------------------------------------------------------------------------------

def _parser() -> options.Parser:
    parser = options.Parser(prog=PROG, description="Build the Gradescope autograder zip, or grade a submission "
                                                   "inside Gradescope.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="{build,run}")
    build_parser = commands.add_parser("build", help="write the autograder zip to upload to Gradescope")
    build_parser.add_argument("--out", type=Path, default=KIT_DIR / DEFAULT_OUT, metavar="PATH",
                              help="where to write the zip (default: dist/gradescope.zip in the kit)")
    build_parser.add_argument("--visibility", choices=VISIBILITIES, default="visible",
                              help="when students see each step's result (default: visible)")
    build_parser.add_argument("--unconfined", action="store_true",
                              help="let the autograder grade where learner code cannot be sandboxed (its results "
                                   "then say so)")
    run_parser = commands.add_parser("run", help="grade ROOT/submission into ROOT/results/results.json "
                                                 "(what run_autograder calls)")
    run_parser.add_argument("--root", type=Path, default=None, metavar="DIR",
                            help=f"Gradescope's folder (default: ${ROOT_VARIABLE}, else {DEFAULT_ROOT})")
    run_parser.add_argument("--seed", type=int, default=None, metavar="N",
                            help="make the grader's test data from seed N (default: a fixed seed)")
    run_parser.add_argument("--unconfined", action="store_true",
                            help="grade even where learner code cannot be sandboxed (the results then say so)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "build":
        return build(args.out, args.visibility, args.unconfined)
    root = args.root or Path(os.environ.get(ROOT_VARIABLE) or DEFAULT_ROOT)
    return run(root, args.unconfined, args.seed)


if __name__ == "__main__":
    sys.exit(options.run(main, "grader.gradescope"))
