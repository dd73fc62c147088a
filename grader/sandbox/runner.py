"""The grader's side of a learner process: start it, talk to it, cap it, stop it.

The learner's file runs in ``child.py`` under a separate interpreter. We hear back only JSON events
on a private pipe; everything the learner prints goes to another pipe that we cap. Whatever the
learner's code does (loop, fork, exit, flood the output), ``LearnerProcess`` answers by a deadline.
"""

from __future__ import annotations

import json
import os
import queue
import select
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import confinement


OUTPUT_CAP = 64 * 1024  # the first bytes of what the learner's code prints, kept
OUTPUT_TAIL_CAP = 8 * 1024  # and the last, where a crash or the end of a loop shows
# The channel carries the harness's events and the bonus step's DynamoDB requests. Whatever the learner's
# process writes there is bounded: a line, the number of lines, and all the bytes of one run.
CHANNEL_LINE_CAP = 1024 * 1024
CHANNEL_MESSAGES_CAP = 5000
CHANNEL_BYTES_CAP = 24 * 1024 * 1024
PYTHON_OPTIONS = confinement.PYTHON_OPTIONS


@dataclass
class Output:
    """What the learner's code printed: the first OUTPUT_CAP bytes and the last OUTPUT_TAIL_CAP, with the
    count of all of it."""

    head: str = ""
    tail: str = ""
    total_bytes: int = 0

    @property
    def truncated(self) -> bool:
        return self.total_bytes > OUTPUT_CAP + OUTPUT_TAIL_CAP

    @property
    def text(self) -> str:
        if not self.truncated:
            return self.head + self.tail
        left_out = self.total_bytes - OUTPUT_CAP - OUTPUT_TAIL_CAP
        return f"{self.head}\n[... {left_out:,} bytes left out ...]\n{self.tail}"


@dataclass
class Ending:
    """How the learner process ended when it sent no further event."""

    kind: str  # "timeout" (the clock) | "cpu" (processor time) | "exited" | "killed" | "channel_broken"
    # | "sandbox_failed" (the run could not be confined: the grader's fault, the learner's code never ran)
    returncode: int | None = None
    signal_name: str | None = None


def wall_ceiling(cpu_limit: float) -> float:
    """How long, on the clock, a learner's code may be busy in all. The limit that counts is processor time,
    which the kernel enforces in the learner's process: the clock only catches code that waits (a sleep, a
    lock, a thread that never ends), so it is generous, and a busy machine does not change a verdict. Where
    there are no processor-time limits (Windows), the clock is the limit."""
    return 3 * cpu_limit + 10 if confinement.IS_POSIX else cpu_limit


# The events the harness sends, with the fields the grader reads and their types. Learner code can write on
# the channel too: whatever does not fit is garbage, never a reason for the grader to trip.
STRINGS = "list of strings"
EVENT_FIELDS = {
    "module_done": {"values": dict, "defined": STRINGS, "network": STRINGS},
    "waiting_for_threads": {"names": STRINGS},
    "call_done": {"index": int, "network": STRINGS},
    "calls_done": {},
    "exception": {"phase": str, "type": str, "message": str, "traceback": str},
    "exit": {"phase": str, "code": str},
    "memory": {"phase": str},
    "syntax_error": {"type": str, "message": str, "formatted": str},
    "not_utf8": {"line": int},
    "harness_fault": {},
    "aws_request": {},
}


def well_formed(event: dict) -> bool:
    fields = EVENT_FIELDS.get(event["event"])
    if fields is None:
        return False
    for name, kind in fields.items():
        value = event.get(name)
        if kind is STRINGS:
            if not (isinstance(value, list) and all(isinstance(item, str) for item in value)):
                return False
        elif type(value) is not kind:
            return False
    return all(isinstance(item, str) for item in event.get("network", []))


class Budget:
    """The learner's code gets ``time_limit`` seconds in all, across the module run and later calls.

    Time counts while the learner's code is busy: from the start (or from a request for calls) until
    its answer arrives. Time the grader spends on its own work in between is not charged."""

    def __init__(self, time_limit: float):
        self.left = time_limit
        self.busy_since = time.monotonic()
        self.last_answer = self.busy_since

    def answered(self, when: float) -> None:
        self.last_answer = when

    def resume(self) -> None:
        self.left -= max(self.last_answer - self.busy_since, 0)
        self.busy_since = time.monotonic()

    def remaining(self) -> float:
        return max(self.busy_since + self.left - time.monotonic(), 0)


class LearnerProcess:
    """One run of one learner file. Use as a context manager so the process is always reaped."""

    def __init__(self, file: Path, names: list[str], *, time_limit: float, memory_limit: int,
                 serve_aws: Callable[[dict], dict] | None = None, sandbox: confinement.Unconfined | None = None):
        self.time_limit = time_limit
        self._serve_aws = serve_aws
        self._send_lock = threading.Lock()
        self._events: queue.Queue = queue.Queue()
        self._kept_output = bytearray()  # the first OUTPUT_CAP bytes the learner's code printed
        self._tail_output = b""  # the last OUTPUT_TAIL_CAP bytes after those
        self._output_bytes = 0  # all it printed
        self.channel_overflow = False  # the learner's process wrote more to the channel than any run needs
        self.ended_cleanly = True  # False once ending every process of the run could not be proven
        self.budget = Budget(wall_ceiling(time_limit))
        self._stopped = False  # the grader itself ended the run (so a SIGKILL is not the processor limit)
        # Held while an AWS request is answered. Once the run is stopped no request is answered any more: lines
        # left in the pipe must not reach an account that the run has given back.
        self._serving = threading.Lock()
        self.channel_garbled = False  # the learner's code wrote something on the channel the harness never sends
        self.sandbox = sandbox or confinement.current()
        self._run = self.sandbox.start(
            file, PYTHON_OPTIONS, {"stdin": subprocess.PIPE, "stdout": subprocess.PIPE, "stderr": subprocess.PIPE},
            aws=serve_aws is not None)
        self._process = self._run.process
        if confinement.IS_POSIX:
            os.set_blocking(self._process.stdin.fileno(), False)
        self._threads = [
            threading.Thread(target=self._read_channel, daemon=True),
            threading.Thread(target=self._read_output, daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        self.send({
            "file": self._run.learner_file,
            "filename": str(file),  # tracebacks and messages name the file as the grader knows it
            "names": names,
            "time_limit": time_limit,
            "memory_limit": memory_limit,
            "simulated_aws": serve_aws is not None,
            **self.sandbox.request(),
        })

    # --- talking to the child -------------------------------------------------------------------

    def send(self, message: dict) -> None:
        """Write one line to the child. A child that stops reading its end cannot keep the grader here: the
        write gives up (and the run is stopped) once the learner's time is up."""
        data = memoryview(json.dumps(message).encode("ascii") + b"\n")
        with self._send_lock:
            try:
                if not confinement.IS_POSIX:  # no select() on pipes: the wall-clock limit still ends the child
                    self._process.stdin.write(data)
                    self._process.stdin.flush()
                    return
                descriptor = self._process.stdin.fileno()
                while data:
                    _, writable, _ = select.select([], [descriptor], [], max(self.budget.remaining(), 1.0))
                    if not writable:
                        self.stop()
                        return
                    try:
                        data = data[os.write(descriptor, data):]
                    except BlockingIOError:
                        continue
            except (OSError, ValueError):
                pass  # the child is gone (or closed); next_event() reports how it ended

    def start_phase(self) -> None:
        """The learner's code is busy again (e.g. with calls after the module ran): its clock runs again."""
        self.budget.resume()

    def has_news(self) -> bool:
        """True when an event (or the end of the channel) is waiting to be read."""
        return not self._events.empty()

    def next_event(self) -> dict | Ending:
        """The child's next event, or how it ended if it sends none within the time limit."""
        try:
            arrived, event = self._events.get(timeout=self.budget.remaining())
        except queue.Empty:
            self.stop()
            return Ending("timeout")
        if event is not None:
            self.budget.answered(arrived)
            return event
        return self._ending()

    def _ending(self) -> Ending:
        try:
            returncode = self._process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.stop()
            return Ending("channel_broken")
        if self._run.sandbox_failed():
            return Ending("sandbox_failed")
        returncode = self._run.exit_code(returncode)
        if confinement.IS_POSIX and returncode == -signal.SIGKILL and not self._stopped:
            return Ending("cpu")  # RLIMIT_CPU (soft = hard): nothing else here kills with SIGKILL
        if returncode < 0:
            try:
                name = signal.Signals(-returncode).name
            except ValueError:
                name = f"signal {-returncode}"
            return Ending("killed", returncode, name)
        return Ending("exited", returncode)

    # --- the two readers ------------------------------------------------------------------------

    def _read_channel(self) -> None:
        try:
            self._read_events(self._process.stdout)
        except (OSError, ValueError):  # close() closed the pipe under us: the run is over
            self._events.put((time.monotonic(), None))

    def _read_events(self, stream) -> None:
        lines = received = 0
        while True:
            line = stream.readline(CHANNEL_LINE_CAP)
            if not line or not line.endswith(b"\n"):
                self.channel_overflow = bool(line)  # a line longer than the cap
                break
            try:
                event = json.loads(line)
            except (ValueError, RecursionError):  # not JSON, or nested past what the parser can follow
                break
            if not isinstance(event, dict) or "event" not in event:
                break
            if not well_formed(event):
                self.channel_garbled = True
                self.stop()
                break
            if event["event"] == "aws_request" and self._serve_aws is not None:
                # Answered here, not by the checks: the learner's code waits for it mid-call (and kept by
                # the learner's account only within its own caps).
                with self._serving:
                    answer = None if self._stopped else self._serve_aws(event)
                if answer is None:
                    break
                self.send({"aws_response": answer})
                continue
            # What is kept for the checks is bounded: so many events, so many bytes in all.
            lines, received = lines + 1, received + len(line)
            if lines > CHANNEL_MESSAGES_CAP or received > CHANNEL_BYTES_CAP:
                self.channel_overflow = True
                self.stop()
                break
            self._events.put((time.monotonic(), event))
        self._events.put((time.monotonic(), None))
        # Keep draining so a child that writes too much to the channel is never blocked forever.
        while stream.read(65536):
            pass

    def _read_output(self) -> None:
        try:
            self._read_printed(self._process.stderr)
        except (OSError, ValueError):  # close() closed the pipe under us: the run is over
            pass

    def _read_printed(self, stream) -> None:
        while True:
            chunk = stream.read1(65536) if hasattr(stream, "read1") else stream.read(65536)
            if not chunk:
                break
            room = max(OUTPUT_CAP - len(self._kept_output), 0)
            self._kept_output += chunk[:room]
            self._tail_output = (self._tail_output + chunk[room:])[-OUTPUT_TAIL_CAP:]
            self._output_bytes += len(chunk)

    def settle(self) -> None:
        """Stop the learner's code and wait until everything it printed has been read."""
        self.stop()
        self._threads[1].join(timeout=2)

    @property
    def output(self) -> Output:
        return Output(bytes(self._kept_output).decode("utf-8", errors="replace"),
                      self._tail_output.decode("utf-8", errors="replace"), self._output_bytes)

    # --- stopping -------------------------------------------------------------------------------

    def stop(self) -> None:
        """Kill the learner's process and everything it started."""
        with self._serving:  # an answer being made is finished; no other is started
            self._stopped = True
        self._run.kill()

    def close(self) -> None:
        """End the run: every process it started is dead when this returns (or ``ended_cleanly`` is False),
        and no reader thread keeps the grader waiting."""
        with self._serving:  # as stop(): the AWS requests still in the pipe go unanswered, as the account they
            self._stopped = True  # would reach is given back once the run is closed (and taken by the next run)
        self.ended_cleanly = self._run.finish()
        try:
            self._process.stdin.close()
        except OSError:
            pass
        # Without a sandbox, a process the learner's code detached may still hold the pipes open, and a pipe
        # cannot be closed while its reader waits on it: such a reader is left behind (a daemon thread).
        for thread, stream in zip(self._threads, (self._process.stdout, self._process.stderr)):
            thread.join(timeout=1)
            if not thread.is_alive():
                stream.close()

    def __enter__(self) -> LearnerProcess:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()
