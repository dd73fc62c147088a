"""Grading a folder of step files: run each step's checks (grader/steps/<step>/checks.py) with pytest and sum
them up per step.

The grading contract lives in one pytest plugin, CheckSession, handed to pytest.main:
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
import queue
import threading
import traceback
from contextlib import nullcontext, redirect_stdout
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


@dataclass
class Grading:
    """One grading's part of a check session: the runs its checks ask, and what came of each check."""

    runs: dict[int, StepRun]
    outcomes: list[CheckOutcome] = field(default_factory=list)
    setup_times: dict[str, tuple[float, float]] = field(default_factory=dict)  # a check's setup: start, seconds
    done: threading.Event = field(default_factory=threading.Event)
    failure: BaseException | None = None  # why its checks did not all run: the grader's fault, or Ctrl-C

    def applies(self, item) -> bool:
        """Whether a collected check runs in this grading: its file's process started."""
        run = self.runs.get(item.callspec.params["run"]) if hasattr(item, "callspec") else None
        return run is not None and run.state == STARTED

    def close(self) -> None:
        for run in self.runs.values():
            run.close()


class CheckSession:
    """The pytest plugin that is the grading contract (see the module's docstring): it gives each check the
    files it applies to, orders the checks, and collects the outcome of every one.

    One pytest session serves any number of gradings, one after another: the checks are collected once, each
    parametrized over step numbers, and each grading runs those of its files whose process started, through
    pytest's own runtest protocol (as pytest-xdist's workers run the items they are sent). A grade-class worker
    keeps one session for all its submissions; a single grading (``run_checks``) has one of its own."""

    def __init__(self, manifest: Manifest):
        self.manifest = manifest
        self.current: Grading | None = None
        self.collection_errors: list[str] = []  # checks modules that could not be collected, and why
        self._gradings: queue.SimpleQueue = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._ended: str | None = None  # once the session is over: why no grading can run in it

    def submit(self, grading: Grading | None) -> None:
        """Queue ``grading`` (None: end the session once the ones before it are done)."""
        with self._lock:
            if self._ended is not None:
                if grading is not None:
                    grading.failure = RuntimeError(self._ended)
                    grading.done.set()
                return
            self._gradings.put(grading)

    def serve(self, capture: bool = True) -> None:
        """Run pytest's session in this thread until a None is submitted; every grading submitted is answered.
        ``capture``: keep what pytest prints for the reason it could not run (it prints nothing otherwise). A
        session in a thread of its own does not: sys.stdout is the whole process's."""
        previous = os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
        os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # an instructor's own pytest plugins stay out
        captured = StringIO()
        code = None
        try:
            with redirect_stdout(captured) if capture else nullcontext():
                code = pytest.main(_pytest_arguments(self.manifest), plugins=[self])
        finally:
            if previous is None:
                os.environ.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
            else:
                os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = previous
            self._end(code, captured.getvalue())

    def _end(self, code, printed: str) -> None:
        """The session is over: the gradings still waiting, and any submitted later, fail with the reason."""
        if self.collection_errors:
            reason = f"the grader's checks could not be collected: {self.collection_errors[0]}"
        else:
            reason = f"the grader's checks could not run (pytest exit code {code}):\n{printed}"
        with self._lock:
            self._ended = reason
        while not self._gradings.empty():
            grading = self._gradings.get()
            if grading is not None:  # stopped by Ctrl-C before its checks ran, or a session that could not start
                grading.failure = KeyboardInterrupt() if code == pytest.ExitCode.INTERRUPTED else RuntimeError(reason)
                grading.done.set()

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

    # --- pytest hooks and the one fixture ----------------------------------------------------------

    @pytest.fixture
    def run(self, request) -> StepRun:
        """The StepRun of the file a check is parametrized over, in the grading that is running."""
        return self.current.runs[request.param]

    def pytest_configure(self, config):
        # No traceback in pytest's reports of a failed check: nothing reads them (the outcome keeps the error
        # itself), and pytest's default, a long traceback with each frame's source and arguments, costs several
        # milliseconds a failure, most of the grading of a wrong answer. (The option is the terminal plugin's,
        # which is not loaded: set here, where --tb cannot be given.)
        config.option.tbstyle = "no"
        config.addinivalue_line("markers", "step(slug): the step whose checks a module holds; they run on that "
                                           "step's file and on every later step's")
        config.addinivalue_line("markers", "dynamodb: asks the simulated DynamoDB; runs after every check of the "
                                           "answer's shape")
        for name in SKIPPING_MARKS:  # known, so that a check using one hears why it is refused, not of a typo
            config.addinivalue_line("markers", f"{name}: refused in checks (see SKIPPING_MARKS)")

    def pytest_collectreport(self, report):
        if report.failed and not self.collection_errors:
            lines = report.longreprtext.strip().splitlines() or ["(no details)"]
            self.collection_errors.append(f"{report.nodeid}: {lines[-1]}")

    def pytest_generate_tests(self, metafunc):
        if "run" in metafunc.fixturenames:
            first = self.step_of(metafunc.definition)
            numbers = [step.number for step in self.manifest.steps if step.number >= first.number]
            metafunc.parametrize("run", numbers, ids=[f"step{number}" for number in numbers], indirect=True)

    def pytest_collection_modifyitems(self, items):
        for item in items:
            marked = [name for name in SKIPPING_MARKS if item.get_closest_marker(name) is not None]
            if marked and not self.collection_errors:
                self.collection_errors.append(f"{item.nodeid}: a check is never skipped (pytest.mark.{marked[0]}): "
                                              "every check runs on every file it applies to; remove the mark")
        items.sort(key=lambda item: _order(item, self.manifest))

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session):
        while (grading := self._gradings.get()) is not None:
            self.current = grading
            try:
                if self.collection_errors:  # a broken checks module: no grading can run
                    raise RuntimeError(f"the grader's checks could not be collected: {self.collection_errors[0]}")
                items = [item for item in session.items if grading.applies(item)]
                for index, item in enumerate(items):
                    following = items[index + 1] if index + 1 < len(items) else None  # None: tear everything down
                    item.config.hook.pytest_runtest_protocol(item=item, nextitem=following)
            except BaseException as error:  # noqa: BLE001 - this grading's (Ctrl-C included)
                grading.failure = error
                if not self.collection_errors:  # it broke off mid-check: pytest's state is not to be trusted, so
                    with self._lock:            # this session takes no more (a service starts a new one)
                        self._ended = f"a grading before broke off: {type(error).__name__}: {error}"
                    return True
            finally:
                self.current = None
                grading.done.set()
        return True

    @property
    def ended(self) -> bool:
        with self._lock:
            return self._ended is not None

    def pytest_runtest_setup(self, item):
        # The bonus step's learner process has the most to do: as soon as its file has run, send it all of
        # it, so that it works while the grader checks the other steps.
        from .steps import answers  # with boto3 and moto: imported once the checks run, not before

        for run in self.current.runs.values():
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
        grading = self.current
        if call.when == "setup" and not report.failed:  # its time counts for the check (the bonus step's
            grading.setup_times[item.nodeid] = (call.start, call.duration)  # prefetch happens there)
            return
        if call.when == "call" or (report.failed and call.when == "setup"):
            started, setup_seconds = grading.setup_times.pop(item.nodeid, (call.start, 0.0))
            error = call.excinfo.value if call.excinfo is not None and not report.skipped else None
            check = item.originalname.removeprefix("test_")
            grading.outcomes.append(CheckOutcome(callspec.params["run"], check, self.step_of(item).number, error,
                                                 hint=check_hint(item.function), started=started,
                                                 seconds=setup_seconds + call.duration))


def _order(item, manifest: Manifest) -> tuple[bool, bool]:
    number = item.callspec.params.get("run") if hasattr(item, "callspec") else None
    # A step whose learner process starts a moto of its own is ready last: check it last, so the grader
    # works on the other steps meanwhile instead of waiting for it.
    slow = number is not None and manifest.step(number).simulated_aws
    # For each step, every check of the answer's shape first, then what DynamoDB makes of it: a step-2
    # file with StreamEnabled "True" hears about StreamEnabled, not a botocore type error.
    return slow, item.get_closest_marker("dynamodb") is not None


UNUSED_PYTEST_PLUGINS = (
    "cacheprovider", "stepwise", "doctest", "pastebin", "junitxml", "faulthandler", "legacypath", "capture",
    "logging", "debugging", "unittest", "threadexception", "unraisableexception", "warnings", "monkeypatch",
    "recwarn", "tmpdir", "setuponly", "setupplan", "terminal", "skipping", "subtests",
)
# Marks that only the "skipping" plugin honours: without it a check so marked would run anyway, so a checks module
# that uses one is refused when it is collected.
SKIPPING_MARKS = ("skip", "skipif", "xfail")


def _pytest_arguments(manifest: Manifest) -> list[str]:
    return [
        # Each step's checks, in the manifest's order: that order is the order of a file's failures.
        *[str(step.folder / CHECKS_FILE) for step in manifest.steps],
        "-c", str(STEPS_DIR / "pytest.ini"),
        "--rootdir", str(STEPS_DIR),
        # --assert=plain: the checks raise their own failures, so no assert rewriting at import.
        "--assert=plain",
        # The kit's folder, where the checks' package is found, goes at the end of sys.path, if at all: a grading
        # leaves the import path of the process it runs in as it was (pytest's default puts it first, and a later
        # import of a same-named module, e.g. a conftest, then finds the kit's).
        "--import-mode=append",
        # Plugins the checks do not use, each of which costs start-up time or time per check. Without "terminal"
        # no report is drawn at all (a failing check is its message; the hooks above collect every outcome).
        *[arg for plugin in UNUSED_PYTEST_PLUGINS for arg in ("-p", f"no:{plugin}")],
    ]


class CheckService:
    """A check session kept in a thread of its own, for a process that grades many submissions (a grade-class
    worker): pytest starts and collects the checks once, when the service starts."""

    def __init__(self, manifest: Manifest):
        self.manifest = manifest
        self._new_session()

    def _new_session(self) -> None:
        self.session = CheckSession(self.manifest)
        self._thread = threading.Thread(target=self.session.serve, args=(False,), name="checks", daemon=True)

    def start(self) -> None:
        """Start the session and wait until it is ready (or over): a first grading with no runs goes through it.
        A session that cannot run says why in each grading's failure."""
        self._thread.start()
        self.run(Grading({}))

    def run(self, grading: Grading) -> None:
        """Run ``grading``'s checks in the session; back once they are all done. A session that a grading broke
        off in is replaced first."""
        if self.session.ended:
            self._thread.join()
            self._new_session()
            self._thread.start()
        self.session.submit(grading)
        grading.done.wait()

    def close(self) -> None:
        """End the session once the gradings handed to it are done."""
        self.session.submit(None)
        self._thread.join()


def run_checks(grading: Grading, manifest: Manifest, service: CheckService | None = None) -> None:
    """Run the checks for ``grading``: in ``service``'s session, or in one of its own in this thread."""
    if service is not None and service.manifest is manifest:
        service.run(grading)
    else:
        session = CheckSession(manifest)
        session.submit(grading)
        session.submit(None)
        session.serve()
    if isinstance(grading.failure, KeyboardInterrupt):
        raise KeyboardInterrupt
    if grading.failure is not None:
        raise grading.failure if isinstance(grading.failure, RuntimeError) else RuntimeError(
            f"the grader's checks could not run: {type(grading.failure).__name__}: {grading.failure}")


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


def _result_for(grading: Grading, manifest: Manifest, number: int) -> StepResult:
    run = grading.runs[number]
    step = run.step
    result = StepResult(step, run.display, Status.PASSED, hint=step.hint, tips=list(run.tips))
    if run.state == LINKED:
        result.status, result.message = Status.MISSING, messages.linked_file(run.display)
        return result
    if run.state == MISSING:
        found = [display_path(path) for path in near_misses(run.file, step, {s.file for s in manifest.steps})]
        result.status, result.message = Status.MISSING, messages.missing_file(run.display, step, found)
        result.near_misses = found
        return result
    if run.state == NOT_STARTED:
        result.status, result.message = Status.NOT_STARTED, messages.not_started(run.display)
        return result
    if not run.processes_ended:  # something of the learner's may still be running: no verdict on this run
        result.status = Status.ERROR
        result.message = messages.grader_fault(messages.PROCESSES_NOT_ENDED, local=run.local)
        return result
    if run.output is not None and run.output.truncated and not step.penalize_output_flood:
        result.tips.append(messages.output_truncated(run.display, run.output))
    result.checks = [outcome for outcome in grading.outcomes if outcome.step == number]
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
        result.status = Status.ERROR
        result.message = messages.grader_fault("no check ran for this step", local=run.local)
    elif failures:
        first = failures[0]
        if isinstance(first.error, CheckFailed):
            # A later step's file can break an earlier step's part: the hint of that part helps most.
            result.hint, result.more_hint = manifest.step(first.first_step).hint, first.hint
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
            result.message = messages.grader_fault(f"{type(first.error).__name__}: {first.error}", local=run.local)
    if not result.passed and run.output is not None:
        result.output = messages.last_lines(run.output)
    return result


def grade(manifest: Manifest, target: Path, steps: list[int], *, time_limit: float | None = None,
          grade_untouched: bool = False, runs: dict[int, StepRun] | None = None,
          more_time: str = messages.MORE_TIME_LOCAL, service: CheckService | None = None) -> list[StepResult]:
    """Grade ``steps`` of the step files in ``target``. ``runs``: the same, already started by start_runs()
    (the command line starts them before it imports pytest, boto3 and moto, so both go on at once).
    ``service``: a check session kept for many gradings (a grade-class worker's); else one is made for this one."""
    if runs is None:
        runs = start_runs(manifest, target, steps, time_limit=time_limit, grade_untouched=grade_untouched,
                          more_time=more_time)
    grading = Grading(runs)
    try:
        run_checks(grading, manifest, service)
    finally:  # every learner process ends before a result is made (and when the grading is stopped)
        grading.close()
    return [_printable(_result_for(grading, manifest, number)) for number in steps]
