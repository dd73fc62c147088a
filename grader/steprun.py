"""One step file, run once in its own process, and what the checks may ask of it."""

from __future__ import annotations

import collections
import os
import sys
from pathlib import Path

from . import messages, source
from .failures import CheckFailed, RunProblem
from .learner_aws import LearnerAccount
from .manifest import Step
from .status import Status
from .sandbox import wire
from .submissions import near_misses  # noqa: F401 - the one rule for renamed files; grading imports it here
from .sandbox.runner import Ending, LearnerProcess

MISSING, LINKED, NOT_STARTED, STARTED = "missing", "linked", "not_started", "started"


def _calls_key(function: str, argument_lists: list, lambda_context: bool) -> str:
    return function + repr(argument_lists) + repr(lambda_context)


def display_path(path: Path) -> str:
    """``path`` as the learner would type it: relative to where they are, if it is below there."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if relative.startswith("..") else relative


def normalized(text: str) -> str:
    """Text compared as a person sees it: line endings, a byte-order mark and trailing blanks left out."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    return "\n".join(line.rstrip() for line in text.rstrip().split("\n"))


def normalized_text(path: Path) -> str | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return normalized(data.decode("utf-8-sig", errors="replace"))


def is_untouched(file: Path, step: Step) -> bool:
    """True when the learner's file is still the step's starter (ignoring line endings and trailing blanks)."""
    return normalized_text(file) == normalized(step.starter_text())


class StepRun:
    """The learner's file for one step. Its process starts on ``start()`` and answers questions lazily."""

    def __init__(self, step: Step, file: Path, names: list[str], *, time_limit: float, grade_untouched: bool,
                 more_time: str = messages.MORE_TIME_LOCAL, account: LearnerAccount | None = None):
        self.step = step
        self.more_time = more_time  # how a learner who needs more time gets it, where they are
        self.file = file
        self.display = display_path(file)
        self.names = names
        self.time_limit = time_limit
        self.tips: list[str] = []
        self._process: LearnerProcess | None = None
        self._module: dict | None = None
        self._problem: RunProblem | None = None
        self._calls: dict[str, list] = {}
        self._values: dict = {}
        self._defined_before_crash: dict = {}  # the variables the file set before an error stopped it
        self._pending: collections.deque = collections.deque()  # requests sent ahead, answers not yet read
        self.network: list[str] = []
        self.waiting_threads: list[str] = []
        self.memo: dict = {}  # what checks worked out once for this run (e.g. the audit trail's delivery)
        self.forked = False
        # Where the learner's DynamoDB requests go, and where the grader reads their tables
        # (a cold start of the same file shares its account: see cold_start)
        self.aws = account if account is not None else LearnerAccount() if step.simulated_aws else None
        self._owns_account = account is None
        self._twins: list[StepRun] = []
        if file.is_symlink():  # never followed: it could point at a classmate's file, or at one only root may read
            self.state = LINKED
        elif not file.is_file():
            self.state = MISSING
        elif not grade_untouched and is_untouched(file, step):
            self.state = NOT_STARTED
        else:
            self.state = STARTED

    @property
    def local(self) -> bool:
        """Whether the learner runs the grader themselves (the kit's commands are theirs to type)."""
        return self.more_time == messages.MORE_TIME_LOCAL

    def start(self) -> None:
        if self.state == STARTED and self._process is None:
            self._process = LearnerProcess(
                self.file.resolve(), self.names, time_limit=self.time_limit,
                memory_limit=self.step.memory_limit, serve_aws=self.aws.serve if self.aws else None,
            )

    def cold_start(self) -> StepRun:
        """A second process of the same file, answered from the same DynamoDB account: as AWS Lambda may start a
        new container for a batch it delivers again, where nothing the first process kept in memory is known.
        It is stopped and closed with this run, and what it does counts for this run (network, processes)."""
        twin = StepRun(self.step, self.file, self.names, time_limit=self.time_limit, grade_untouched=True,
                       more_time=self.more_time, account=self.aws)
        self._twins.append(twin)
        twin.start()
        return twin

    def stop(self) -> None:
        """Kill the learner's process now (from any thread): what the checks still ask of it fails at once."""
        for twin in self._twins:
            twin.stop()
        if self._process is not None:
            self._process.stop()

    def close(self) -> None:
        """End the run. Only after this may a result be written: every process the file started is dead
        (``processes_ended`` says whether that was proven)."""
        for twin in self._twins:
            twin.close()
        if self._process is not None:
            self._process.close()
        if self.aws is not None and self._owns_account:
            self.aws.close()

    @property
    def processes_ended(self) -> bool:
        own = self._process is None or self._process.ended_cleanly
        return own and all(twin.processes_ended for twin in self._twins)

    @property
    def output(self):
        """What the learner's code printed (complete once ``close()`` has run)."""
        return self._process.output if self._process is not None else None

    def sandbox_violation(self) -> str | None:
        """Why the step cannot pass whatever its values: it used the network, forked, or flooded the output."""
        network = self.network + [target for twin in self._twins for target in twin.network]
        if network:
            return messages.network_used(self.display, network, self.step.simulated_aws)
        if self.forked or any(twin.forked for twin in self._twins):
            return messages.forked(self.display)
        if self.step.penalize_output_flood and self.output is not None and self.output.truncated:
            return messages.output_flood(self.display, self.output)
        return None

    def where(self, name: str) -> str:
        return f"{self.display}, {name}"

    def tip(self, text: str) -> None:
        if text not in self.tips:
            self.tips.append(text)

    # --- the module's variables -----------------------------------------------------------------

    def _module_report(self) -> dict:
        if self._problem:
            raise self._problem
        if self._module is None:
            self.start()
            event = self._process.next_event()
            if isinstance(event, dict) and event.get("event") == "waiting_for_threads":
                self.waiting_threads = event["names"]
                event = self._process.next_event()
            if isinstance(event, dict) and event.get("event") == "module_done":
                self._module = event
                self.forked = event.get("forked", False)
                self.network.extend(event.get("network", []))
            else:
                self._problem = self._describe(event, "module")
                if isinstance(event, dict) and event.get("event") == "exception" and isinstance(event.get("values"),
                                                                                                 dict):
                    self._defined_before_crash = event["values"]
                raise self._problem
        return self._module

    def module_has_run(self) -> bool:
        """True once the learner's file has finished running (or failed to), without waiting for it."""
        return self.state == STARTED and (self._module is not None or self._problem is not None
                                          or self._process.has_news())

    @property
    def crashed(self) -> RunProblem | None:
        """What stopped the learner's file while it ran, if something did."""
        return self._problem if self._module is None else None

    def value(self, name: str):
        """The learner's variable ``name``, rebuilt from exact built-in types; fails if it is not defined. When
        the file raised an error, the variables it set before the error still answer: a check of their shape
        can then name the cause (the other checks meet the error)."""
        try:
            report = self._module_report()
        except RunProblem:
            if name not in self._defined_before_crash:
                raise
            report = {"values": self._defined_before_crash}
        if name not in report["values"]:
            raise CheckFailed(self.display, messages.name_not_defined(name, report["defined"], self._set_inside(name)))
        if name not in self._values:  # checks read and never change it: decode it once
            self._values[name] = self._decoded(report["values"][name])
        return self._values[name]

    def _set_inside(self, name: str) -> str | None:
        try:
            return source.function_setting(self.file.read_bytes(), name)
        except OSError:
            return None

    def _decoded(self, data):
        """A value from the learner's process. The harness always sends valid ones: anything else was written
        on the channel by the learner's code itself."""
        try:
            return wire.decode(data)
        except wire.WireError:
            raise RunProblem(Status.ERROR, messages.channel_garbled(self.display)) from None

    # --- calling the learner's function ---------------------------------------------------------

    # The learner's process answers requests in the order they were sent. prefetch() sends some ahead, so
    # the process works on them while the grader goes on with other checks; call() reads the answers of
    # everything sent ahead before it sends anything itself.

    def call(self, function: str, argument_lists: list[list], *, lambda_context: bool = False) -> list[dict]:
        """Call ``function(*arguments)`` for each list of arguments, in order (with a Lambda-like context
        object last, if ``lambda_context``); each answer is {"returned": value} or
        {"exception": event, "text": words}."""
        key = _calls_key(function, argument_lists, lambda_context)
        self._collect_prefetched()
        if key not in self._calls:
            self._send([(function, argument_lists, lambda_context)])
            self._calls[key] = self._read_calls(function)
        return self._calls[key]

    def prefetch(self, requests: list[tuple]) -> None:
        """Send calls now, each (function, argument_lists, lambda_context), and read their answers when a
        check first needs one."""
        self._send(requests)
        self._pending.extend(requests)

    def _send(self, requests: list[tuple]) -> None:
        self._module_report()
        self._process.start_phase()
        for function, argument_lists, lambda_context in requests:
            self._process.send({"calls": [{"function": function, "args": [wire.encode(a) for a in arguments],
                                           "lambda_context": lambda_context} for arguments in argument_lists]})

    def _collect_prefetched(self) -> None:
        try:
            while self._pending:
                request = self._pending.popleft()
                self._calls[_calls_key(*request)] = self._read_calls(request[0])
        except RunProblem:
            self._pending.clear()
            raise

    def _read_calls(self, function: str) -> list[dict]:
        answers = []
        while True:
            event = self._process.next_event()
            kind = event.get("event") if isinstance(event, dict) else None
            if kind == "calls_done":
                return answers
            if kind == "call_done":
                self.network.extend(event.get("network", []))
                self.forked = self.forked or event.get("forked") is True
                answers.append({"returned": self._decoded(event["returned"]),
                                "changed_arguments": event.get("changed_arguments") is True})
            elif kind == "exception":
                self.network.extend(event.get("network", []))
                answers.append({"exception": event, "text": self._exception_text(event, function)})
            else:
                self._problem = self._describe(event, "call", function=function)
                raise self._problem

    # --- turning what happened into words -------------------------------------------------------

    def _exception_text(self, event: dict, function: str | None = None) -> str:
        return messages.exception(event, self.display, str(self.file.resolve()), self.network, function)

    def _describe(self, event, phase: str, function: str | None = None) -> RunProblem:
        self._process.settle()  # the run is over; its output must be complete before we quote it
        output = self._process.output
        if self._process.channel_overflow:
            return RunProblem(Status.ERROR, messages.with_output(messages.channel_flood(self.display), output))
        if self._process.channel_garbled:
            return RunProblem(Status.ERROR, messages.with_output(messages.channel_garbled(self.display), output))
        if isinstance(event, Ending):
            if event.kind == "sandbox_failed":
                return RunProblem(Status.ERROR, messages.grader_fault("the sandbox for your file could not be set up",
                                                                      local=self.local))
            if event.kind in ("timeout", "cpu"):
                text = messages.timeout(self.display, self.time_limit, phase, function, self.waiting_threads,
                                        processor=event.kind == "cpu", more_time=self.more_time)
                return RunProblem(Status.TIMEOUT, messages.with_output(text, output))
            text = messages.ended_early(self.display, event, phase, function)
        else:
            kind = event["event"]
            if kind == "syntax_error":
                text = messages.syntax_error(event, self.display, str(self.file.resolve()))
            elif kind == "not_utf8":
                text = messages.not_utf8(self.display, event["line"])
            elif kind == "exception":
                self.network.extend(event.get("network", []))
                text = self._exception_text(event)
            elif kind == "exit":
                text = messages.exit_called(self.display, event["code"], phase, function)
            elif kind == "memory":
                text = messages.too_much_memory(self.display, self.step.memory_limit)
            elif kind == "harness_fault":
                # Its details only on request: learner code could send this event too, and its words would
                # then speak for the grader.
                if os.environ.get("GRADER_DEBUG"):
                    print(str(event.get("detail", "")).strip(), file=sys.stderr)
                text = messages.grader_fault("in the harness that runs your file", local=self.local)
            else:
                text = messages.grader_fault(f"unexpected event {kind!r}", local=self.local)
        return RunProblem(Status.ERROR, messages.with_output(text, output))


def start_runs(manifest, target: Path, steps: list[int], *, time_limit: float | None = None,
               grade_untouched: bool = False, more_time: str = messages.MORE_TIME_LOCAL) -> dict[int, StepRun]:
    """A StepRun per step, each learner process already started: they run side by side."""
    runs = {
        number: StepRun(manifest.step(number), target / manifest.step(number).file, manifest.names_up_to(number),
                        time_limit=time_limit or manifest.step(number).time_limit, grade_untouched=grade_untouched,
                        more_time=more_time)
        for number in steps
    }
    for run in runs.values():
        run.start()
    return runs
