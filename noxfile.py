"""Sessions for learners (grade), maintainers (check, tests) and CI. `nox -l` lists them."""

from __future__ import annotations

import sys

PYTHON_NEEDED = (3, 10)


def python_too_old(version: tuple = tuple(sys.version_info)) -> str | None:
    """What a learner whose Python is too old reads, before anything is installed; None if it is new enough."""
    if tuple(version[:2]) >= PYTHON_NEEDED:
        return None
    having = ".".join(str(part) for part in version[:3])
    return (f"This kit needs Python 3.10 or newer; you have {having}. Install a newer Python (python.org/downloads, "
            "or your system's package manager), install nox with it (python3.12 -m pip install --user \"nox[uv]\"), "
            "then run nox -s grade again.")


if python_too_old():  # one message and a non-zero exit, instead of pip's errors about packages it cannot find
    sys.exit(python_too_old())

import hashlib  # noqa: E402 - after the version gate, which must run on any Python
import json  # noqa: E402
from pathlib import Path  # noqa: E402

import nox  # noqa: E402

# The oldest nox this noxfile works with: the newest that Python 3.8 and 3.9 can install, so that on those the
# version gate above speaks, not nox's own version check (the kit's tests use a newer nox: pyproject.toml).
nox.needs_version = ">=2026.2.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["grade"]  # `nox` alone grades

PYPROJECT = nox.project.load_toml("pyproject.toml")
DEPENDENCIES = PYPROJECT["project"]["dependencies"]
# What failed last time, for hints that grow (kept beside the environments, out of the learner's way).
HINT_STATE = ".nox/grader-state.json"


def install_once(session: nox.Session, *requirements: str) -> None:
    """Install ``requirements`` unless this environment already got exactly these (so re-runs are instant)."""
    location = getattr(session.virtualenv, "location", None)
    if not requirements or not location:  # `nox --no-venv`: the running Python has what it needs
        return
    stamp = Path(location) / ".kit-requirements"
    wanted = hashlib.sha256(json.dumps(sorted(requirements)).encode()).hexdigest()
    if stamp.is_file() and stamp.read_text() == wanted:
        return
    # uv leaves out .pyc files unless asked; without them every run would pay to compile. The grader's own
    # modules get theirs too (Python would write them itself, unless PYTHONDONTWRITEBYTECODE is set).
    session.install(*requirements, env={"UV_COMPILE_BYTECODE": "1"})
    session.run_install("python", "-m", "compileall", "-q", "grader", silent=True)
    stamp.write_text(wanted)


def grade_python(session: nox.Session) -> str:
    """The Python of `nox -s grade`'s environment. The learner's other commands use it too, so there is
    one environment to install, not one per command; it is made here if `nox -s grade` never ran."""
    folder = Path(".nox") / "grade" / ("Scripts" if sys.platform == "win32" else "bin")
    python = folder / ("python.exe" if sys.platform == "win32" else "python")
    if not python.exists():
        session.run(sys.executable, "-m", "nox", "-s", "grade", "--install-only", external=True)
    return str(python)


GRADER_FLAGS = {"--grade-untouched", "--help", "-h"}  # the grader's options that take no value


def grader_arguments(posargs: list[str]) -> list[str]:
    """`nox -s grade -- 3` (or `-- process-event`) means that step; options go to the grader as they are."""
    arguments: list[str] = []
    for arg in posargs:
        after_option = (bool(arguments) and arguments[-1].startswith("--") and "=" not in arguments[-1]
                        and arguments[-1] not in GRADER_FLAGS)
        is_step = not arg.startswith("-") and not after_option
        arguments += ["--step", arg] if is_step else [arg]
    return arguments


@nox.session(python=None)
def grade(session: nox.Session) -> None:
    """Grade your steps in steps/ (nox -s grade -- 3 grades step 3 only)."""
    install_once(session, *DEPENDENCIES)
    session.run("python", "-m", "grader", "--state", HINT_STATE, *grader_arguments(session.posargs),
                success_codes=[0, 1])


@nox.session(venv_backend="none")
def watch(session: nox.Session) -> None:
    """Grade again each time you save a step file (keys: r grade, h hint, l list, q quit; -- 3: step 3 only)."""
    session.run(grade_python(session), "-m", "grader.watch", "--state", HINT_STATE, *session.posargs)


@nox.session(venv_backend="none")
def run(session: nox.Session) -> None:
    """Run a step's file as the grader does and see what it did, stream records and all: nox -s run -- 3"""
    session.run(grade_python(session), "-m", "grader.playground", *session.posargs, success_codes=[0, 1])


@nox.session(venv_backend="none")
def hint(session: nox.Session) -> None:
    """Show the hints for a step: nox -s hint -- 2"""
    session.run(grade_python(session), "-m", "grader.hint", *session.posargs)


@nox.session(venv_backend="none")
def reset(session: nox.Session) -> None:
    """Put a step's starter file back (asks first): nox -s reset -- 2 [--yes]"""
    # Needs nothing but the standard library (and tomli, which nox brings on Python 3.10): no environment.
    session.run(sys.executable, "-m", "grader.reset", *session.posargs, success_codes=[0, 1])


@nox.session(venv_backend="none")
def solution(session: nox.Session) -> None:
    """Compare your file with the reference solution, once the step passes: nox -s solution -- 2"""
    session.run(grade_python(session), "-m", "grader.solution", *session.posargs, success_codes=[0, 1])


@nox.session(python=None, default=False)
def check(session: nox.Session) -> None:
    """Maintainers: every solution passes, every starter fails its step, the manifest and files agree."""
    install_once(session, *DEPENDENCIES)
    session.run("python", "-m", "grader.maintain", *session.posargs)


@nox.session(venv_backend="none", default=False)
def sync(session: nox.Session) -> None:
    """Maintainers: write steps/ (and the solutions' headings) from grader/steps/; --new SLUG --title T adds a step."""
    session.run(sys.executable, "-m", "grader.sync", *session.posargs)


@nox.session(python=None, default=False)
def tests(session: nox.Session) -> None:
    """The kit's own tests (README's test command; CI runs it)."""
    install_once(session, *DEPENDENCIES, *nox.project.dependency_groups(PYPROJECT, "test"))
    session.run("python", "-m", "pytest", "-n", "auto", *session.posargs)


@nox.session(python=None, default=False)
def lint(session: nox.Session) -> None:
    """Maintainers: ruff over the kit's own code (learners' files left out; the rules are in pyproject.toml)."""
    install_once(session, "ruff>=0.17.6")
    session.run("ruff", "check", *session.posargs)


@nox.session(venv_backend="none", default=False)
def bench(session: nox.Session) -> None:
    """Maintainers: how fast feedback is (F, G, N, C against their bars; see benchmarks/speed.py)."""
    session.run(sys.executable, "benchmarks/speed.py", *session.posargs)


@nox.session(python=None, default=False)
def gradescope(session: nox.Session) -> None:
    """Instructors: build the Gradescope autograder zip, dist/gradescope.zip (see README)."""
    install_once(session, *DEPENDENCIES)
    session.run("python", "-m", "grader.gradescope", "build", *session.posargs)


# Gradescope's image: Ubuntu 22.04 (glibc 2.35, x86-64), whose python3 is 3.10. The pinned versions' hashes
# cover every file of each release, so the same pins install on a newer image's Python too.
GRADESCOPE_PYTHON, GRADESCOPE_PLATFORM = "3.10", "x86_64-manylinux_2_35"


@nox.session(python=None, default=False)
def constraints(session: nox.Session) -> None:
    """Maintainers: pin the versions Gradescope's setup.sh installs, with hashes (grader/constraints.txt; -- --upgrade)."""
    install_once(session, "uv>=0.9")
    session.run("uv", "pip", "compile", "pyproject.toml", "--python-version", GRADESCOPE_PYTHON,
                "--python-platform", GRADESCOPE_PLATFORM, "--generate-hashes", "--quiet",
                "--custom-compile-command", "nox -s constraints", "--output-file", "grader/constraints.txt",
                *session.posargs)


@nox.session(python=None, default=False, name="grade-class")
def grade_class(session: nox.Session) -> None:
    """Instructors: grade every learner's folder: nox -s grade-class -- SUBMISSIONS_DIR [--out DIR]"""
    install_once(session, *DEPENDENCIES, *nox.project.dependency_groups(PYPROJECT, "report"))  # report.html's charts
    # On Ctrl-C, nox would kill the grader after 0.5 s: it needs longer to stop its workers, write a whole
    # grades.csv and say how to resume, so nox waits for it to end (exit 130).
    session.run("python", "-m", "grader.classroom", *session.posargs, success_codes=[0, 1], interrupt_timeout=None)
