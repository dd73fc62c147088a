"""Grading a folder of step files: run each step's checks (grader/steps/<step>/checks.py) with pytest and sum
them up per step.

The grading contract lives in one pytest plugin, GradingContext, handed to pytest.main:
- a checks module says whose checks it holds with a marker, ``pytestmark = pytest.mark.step("process-event")``;
- each check is a test function taking ``run``, parametrized over the files it applies to: its own step's and
  every later step's, since the steps are cumulative;
- a check fails by raising CheckFailed (the learner's answer is wrong) or RunProblem (their code did not run);
  anything else is the grader's own fault;
- a check's docstring is the more specific hint a learner sees when that check fails twice;
- a step's status comes from its first failing check, in the order the checks are written.
"""

from __future__ import annotations

import inspect
import os
import traceback
from contextlib import redirect_stdout
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path

import pytest

from . import messages
from .failures import CheckFailed, RunProblem
from .manifest import STEPS_DIR, Manifest, Step
from .status import Status
from .steprun import LINKED, MISSING, NOT_STARTED, STARTED, StepRun, display_path, near_misses, start_runs
from .text import printable

CHECKS_FILE = "checks.py"  # in each step's folder


@dataclass
class CheckOutcome:
    step: int
    check: str  # the test function's name without "test_"
    first_step: int  # the step whose checks module holds this check (for the hint)
    error: BaseException | None = None
    text: str = ""  # the error in words, printable (grade() fills it in)
    hint: str = ""  # the check's docstring: the more specific hint for when it fails
    started: float | None = None  # when the check began (seconds since the epoch), for reports that show times
    seconds: float = 0.0  # how long it took, waiting for the learner's process included


@dataclass
class Detail:
    """A failed check's parts, for reports that show them apart (the screen colours expected and found)."""

    where: str
    expected: str | None
    found: str | None
    explanation: str


@dataclass
class StepResult:
    step: Step
    file: str
    status: Status
    message: str = ""
    hint: str = ""
    tips: list[str] = field(default_factory=list)
    checks: list[CheckOutcome] = field(default_factory=list)
    more_hint: str = ""  # the specific hint for the check that failed first, if the manifest has one
    violation: bool = False  # used the network, started a process (or flooded its output, if so set): no credit
    # The file stopped with an error before it finished: its checks ran on what it had set, to name the cause, and
    # it earns nothing, as a file that could not run.
    crashed: bool = False
    output: str = ""  # the last lines the learner's code printed, when the step does not pass
    detail: Detail | None = None  # the first failed check's parts, when a check found the answer wrong
    printed: str = ""  # what the learner's code printed, under its heading, as the message ends with it
    near_misses: list[str] = field(default_factory=list)  # a missing file's look-alikes (a rename, a move)

    @property
    def passed(self) -> bool:
        return self.status == Status.PASSED

    @property
    def max_score(self) -> float:
        """A bonus step's points are extra credit: they add to the score, not to the maximum."""
        return 0.0 if self.step.bonus else self.step.points

    @property
    def score(self) -> float:
        """The step's points times the share of its own checks that passed (the checks of earlier steps also
        run on its file, but the starter hands those parts over done, so they earn nothing here). A step that
        does not pass never earns all its points: if every check of its own passed (an earlier step's part of
        the file is broken), that counts as one more check failed. Code that broke the rules (network, fork)
        earns nothing, and so does a file that stopped with an error before it finished."""
        if self.passed:
            return self.step.points
        own = [outcome for outcome in self.checks if outcome.first_step == self.step.number]
        if not own or self.violation or self.crashed:
            return 0.0
        earned = sum(outcome.error is None for outcome in own)
        counted = len(own) + (1 if earned == len(own) else 0)
        return round(self.step.points * earned / counted, 2)

    @property
    def first_failure(self) -> CheckOutcome | None:
        return next((outcome for outcome in self.checks if outcome.error is not None), None)


def check_hint(function) -> str:
    """A check's more specific hint: its docstring, as one paragraph."""
    return " ".join((inspect.getdoc(function) or "").split())


class GradingContext:
    """The pytest plugin that is the grading contract (see the module's docstring): it gives each check the
    runs it applies to, orders the checks, and collects the outcome of every one."""

    def __init__(self, manifest: Manifest, runs: dict[int, StepRun]):
        self.manifest = manifest
        self.runs = runs
        self.outcomes: list[CheckOutcome] = []
        self.collection_errors: list[str] = []  # checks modules that could not be collected, and why
        self.setup_times: dict[str, tuple[float, float]] = {}  # a check's setup: when it began, how long it took

    def close(self) -> None:
        for run in self.runs.values():
            run.close()

    def step_of(self, node) -> Step:
        """The step whose checks ``node`` (a check, or its definition) belongs to, from its module's marker."""
        marker = node.get_closest_marker("step")
        slug = marker.args[0] if marker is not None and marker.args else None
        try:
            return self.manifest.by_slug(slug)
        except KeyError:
            problem = (f"{node.nodeid}: its module needs pytestmark = pytest.mark.step(SLUG), naming a step of "
                       f"grader/manifest.toml (found {slug!r})")
            self.collection_errors.append(problem)
            raise pytest.UsageError(problem) from None

    # --- pytest hooks ---------------------------------------------------------------------------

    def pytest_configure(self, config):
        config.addinivalue_line("markers", "step(slug): the step whose checks a module holds; they run on that "
                                           "step's file and on every later step's")
        config.addinivalue_line("markers", "dynamodb: asks the simulated DynamoDB; runs after every check of the "
                                           "answer's shape")

    def pytest_collectreport(self, report):
        if report.failed and not self.collection_errors:
            lines = report.longreprtext.strip().splitlines() or ["(no details)"]
            self.collection_errors.append(f"{report.nodeid}: {lines[-1]}")

    def pytest_generate_tests(self, metafunc):
        if "run" in metafunc.fixturenames:
            first = self.step_of(metafunc.definition)
            runs = [run for number, run in self.runs.items() if number >= first.number and run.state == STARTED]
            metafunc.parametrize("run", runs, ids=[f"step{run.step.number}" for run in runs])

    def pytest_collection_modifyitems(self, items):
        items.sort(key=_order)

    def pytest_runtest_setup(self, item):
        # The bonus step's learner process has the most to do: as soon as its file has run, send it all of
        # it, so that it works while the grader checks the other steps.
        from .steps import answers  # with boto3 and moto: imported once the checks run, not before

        for run in self.runs.values():
            if run.step.simulated_aws and "prefetched" not in run.memo and run.module_has_run():
                run.memo["prefetched"] = True
                answers.prefetch(run)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        callspec = getattr(item, "callspec", None)
        if callspec is None or "run" not in callspec.params:
            return
        if call.when == "setup" and not report.failed:  # its time counts for the check (the bonus step's
            self.setup_times[item.nodeid] = (call.start, call.duration)  # prefetch happens there)
            return
        if call.when == "call" or (report.failed and call.when == "setup"):
            started, setup_seconds = self.setup_times.pop(item.nodeid, (call.start, 0.0))
            error = call.excinfo.value if call.excinfo is not None and not report.skipped else None
            check = item.originalname.removeprefix("test_")
            self.outcomes.append(CheckOutcome(callspec.params["run"].step.number, check, self.step_of(item).number,
                                              error, hint=check_hint(item.function), started=started,
                                              seconds=setup_seconds + call.duration))


def _order(item) -> tuple[bool, bool]:
    run = item.callspec.params.get("run") if hasattr(item, "callspec") else None
    # A step whose learner process starts a moto of its own is ready last: check it last, so the grader
    # works on the other steps meanwhile instead of waiting for it.
    slow = isinstance(run, StepRun) and run.step.simulated_aws
    # For each step, every check of the answer's shape first, then what DynamoDB makes of it: a step-2
    # file with StreamEnabled "True" hears about StreamEnabled, not a botocore type error.
    return slow, item.get_closest_marker("dynamodb") is not None


UNUSED_PYTEST_PLUGINS = (
    "cacheprovider", "stepwise", "doctest", "pastebin", "junitxml", "faulthandler", "legacypath", "capture",
    "logging", "debugging", "unittest", "threadexception", "unraisableexception", "warnings", "monkeypatch",
    "recwarn", "tmpdir", "setuponly", "setupplan", "terminal",
)


def _pytest_arguments(manifest: Manifest) -> list[str]:
    return [
        # Each step's checks, in the manifest's order: that order is the order of a file's failures.
        *[str(step.folder / CHECKS_FILE) for step in manifest.steps],
        "-c", str(STEPS_DIR / "pytest.ini"),
        "--rootdir", str(STEPS_DIR),
        # --assert=plain: the checks raise their own failures, so no assert rewriting at import.
        "--assert=plain",
        # Plugins the checks do not use, each of which costs start-up time or time per check. Without "terminal"
        # no report is drawn at all (a failing check is its message; the hooks above collect every outcome).
        *[arg for plugin in UNUSED_PYTEST_PLUGINS for arg in ("-p", f"no:{plugin}")],
    ]


def run_checks(context: GradingContext) -> None:
    previous = os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # an instructor's own pytest plugins stay out
    captured = StringIO()
    try:
        with redirect_stdout(captured):
            code = pytest.main(_pytest_arguments(context.manifest), plugins=[context])
    finally:
        context.close()
        if previous is None:
            os.environ.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
        else:
            os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = previous
    if context.collection_errors:  # pytest calls this "interrupted" too: a broken checks module, not Ctrl-C
        raise RuntimeError(f"the grader's checks could not be collected: {context.collection_errors[0]}")
    if code == pytest.ExitCode.INTERRUPTED:
        raise KeyboardInterrupt
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        raise RuntimeError(f"the grader's checks could not run (pytest exit code {int(code)}):\n{captured.getvalue()}")


def _failure_text(error: BaseException | None) -> str:
    """A check's error in words: the learner's problem as the grader words it, or the grader's own fault."""
    if isinstance(error, (CheckFailed, RunProblem)):
        return error.text
    return f"{type(error).__name__}: {error}" if error else ""


def _printable(result: StepResult) -> StepResult:
    """The result with its text cleaned of terminal control sequences. Much of it comes from the learner's
    code (what it printed, its exceptions and tracebacks, its threads' names), and every report (screen,
    JSON, JUnit, Exercism, Gradescope, feedback files) is drawn from the StepResult: one cleaning covers all."""
    result.file, result.message = printable(result.file), printable(result.message)
    result.hint, result.more_hint = printable(result.hint), printable(result.more_hint)
    result.tips = [printable(tip) for tip in result.tips]
    result.output, result.printed = printable(result.output), printable(result.printed)
    result.near_misses = [printable(path) for path in result.near_misses]
    if result.detail is not None:
        detail = result.detail
        result.detail = Detail(printable(detail.where), None if detail.expected is None else printable(detail.expected),
                               None if detail.found is None else printable(detail.found), printable(detail.explanation))
    for outcome in result.checks:
        outcome.text = printable(_failure_text(outcome.error))
    return result


def _result_for(context: GradingContext, number: int) -> StepResult:
    run = context.runs[number]
    step = run.step
    result = StepResult(step, run.display, Status.PASSED, hint=step.hint, tips=list(run.tips))
    if run.state == LINKED:
        result.status, result.message = Status.MISSING, messages.linked_file(run.display)
        return result
    if run.state == MISSING:
        found = [display_path(path) for path in near_misses(run.file, step, {s.file for s in context.manifest.steps})]
        result.status, result.message = Status.MISSING, messages.missing_file(run.display, step, found)
        result.near_misses = found
        return result
    if run.state == NOT_STARTED:
        result.status, result.message = Status.NOT_STARTED, messages.not_started(run.display)
        return result
    if not run.processes_ended:  # something of the learner's may still be running: no verdict on this run
        result.status, result.message = Status.ERROR, messages.grader_fault(messages.PROCESSES_NOT_ENDED)
        return result
    if run.output is not None and run.output.truncated and not step.penalize_output_flood:
        result.tips.append(messages.output_truncated(run.display, run.output))
    result.checks = [outcome for outcome in context.outcomes if outcome.step == number]
    failures = [outcome for outcome in result.checks if outcome.error is not None]
    violation = run.sandbox_violation()
    result.crashed = run.crashed is not None
    crash_first = result.crashed and not (failures and isinstance(failures[0].error, CheckFailed))
    if crash_first:  # the file stopped with an error, and nothing it set before was wrong: the error is the verdict
        result.status, result.message = Status(run.crashed.status), run.crashed.text
    elif violation and not (failures and isinstance(failures[0].error, RunProblem)):
        result.status, result.message, result.violation = Status.ERROR, messages.with_output(violation, run.output), True
        if result.message != violation:  # what the learner's code printed was added: reports may show it apart
            result.printed = messages.printed_block(run.output)
    elif not result.checks:
        result.status, result.message = Status.ERROR, messages.grader_fault("no check ran for this step")
    elif failures:
        first = failures[0]
        if isinstance(first.error, CheckFailed):
            # A later step's file can break an earlier step's part: the hint of that part helps most.
            result.hint, result.more_hint = context.manifest.step(first.first_step).hint, first.hint
            error = first.error
            result.detail = Detail(error.where, error.expected, error.found, error.explanation)
            # The learner's own prints help most here: a debugging print() shows what their code saw.
            result.printed = messages.printed_block(run.output)
            result.status = Status.FAILED
            result.message = f"{error.text}\n{result.printed}" if result.printed else error.text
            if run.crashed is not None:  # the file stopped with an error; what was wrong before it comes first
                result.status = Status.ERROR
                result.printed = messages.probably_why_it_crashed(run.crashed.text)
                result.message = f"{error.text}\n{result.printed}"
        elif isinstance(first.error, RunProblem):
            result.status, result.message = Status(first.error.status), first.error.text
        else:
            if os.environ.get("GRADER_DEBUG"):  # as for every fault of the grader: details on request
                traceback.print_exception(type(first.error), first.error, first.error.__traceback__)
            result.status = Status.ERROR
            result.message = messages.grader_fault(f"{type(first.error).__name__}: {first.error}")
    if not result.passed and run.output is not None:
        result.output = messages.last_lines(run.output)
    return result


def grade(manifest: Manifest, target: Path, steps: list[int], *, time_limit: float | None = None,
          grade_untouched: bool = False, runs: dict[int, StepRun] | None = None,
          more_time: str = messages.MORE_TIME_LOCAL) -> list[StepResult]:
    """Grade ``steps`` of the step files in ``target``. ``runs``: the same, already started by start_runs()
    (the command line starts them before it imports pytest, boto3 and moto, so both go on at once)."""
    if runs is None:
        runs = start_runs(manifest, target, steps, time_limit=time_limit, grade_untouched=grade_untouched,
                          more_time=more_time)
    context = GradingContext(manifest, runs)
    run_checks(context)
    return [_printable(_result_for(context, number)) for number in steps]
