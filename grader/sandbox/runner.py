"""The grader's side of a learner process: start it, talk to it, cap it, stop it.

The learner's file runs in ``child.py`` under a separate interpreter. We hear back only JSON events
on a private pipe; everything the learner prints goes to another pipe that we cap. Whatever the
learner's code does (loop, fork, exit, flood the output), ``LearnerProcess`` answers by a deadline.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable


CHILD_SCRIPT = Path(__file__).with_name("child.py")
OUTPUT_CAP = 64 * 1024
CHANNEL_LINE_CAP = 32 * 1024 * 1024
IS_POSIX = os.name == "posix"

# Learner code never talks to real AWS: fake credentials, no config files, every endpoint a dead port.
CHILD_AWS_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
    "AWS_EC2_METADATA_DISABLED": "true",
    # A refused connection is final: no retries with back-off that would eat the learner's time limit.
    "AWS_MAX_ATTEMPTS": "1",
    "AWS_RETRY_MODE": "standard",
}


@dataclass
class Output:
    """What the learner's code printed, capped."""

    text: str = ""
    total_bytes: int = 0

    @property
    def truncated(self) -> bool:
        return self.total_bytes > OUTPUT_CAP


@dataclass
class Ending:
    """How the learner process ended when it sent no further event."""

    kind: str  # "timeout" | "exited" | "killed" | "channel_broken"
    returncode: int | None = None
    signal_name: str | None = None


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


def _child_environment() -> dict:
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "PYTHON"))}
    environment.update(CHILD_AWS_ENVIRONMENT)
    return environment


class LearnerProcess:
    """One run of one learner file. Use as a context manager so the process is always reaped."""

    def __init__(self, file: Path, names: list[str], *, time_limit: float, memory_limit: int,
                 trace_function: str | None = None, serve_aws: Callable[[dict], dict] | None = None):
        self.time_limit = time_limit
        self._serve_aws = serve_aws
        self._send_lock = threading.Lock()
        self._events: queue.Queue = queue.Queue()
        self._kept_output = bytearray()  # the first OUTPUT_CAP bytes the learner's code printed
        self._output_bytes = 0  # all it printed
        self._workdir = tempfile.mkdtemp(prefix="grader-run-")
        self.budget = Budget(time_limit)
        popen_options = {"start_new_session": True} if IS_POSIX else {
            "creationflags": subprocess.CREATE_NEW_PROCESS_GROUP | getattr(subprocess, "CREATE_NO_WINDOW", 0)
        }
        self._process = subprocess.Popen(
            [sys.executable, "-I", "-B", "-u", "-X", "utf8", str(CHILD_SCRIPT)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=self._workdir,
            env=_child_environment(),
            **popen_options,
        )
        self._threads = [
            threading.Thread(target=self._read_channel, daemon=True),
            threading.Thread(target=self._read_output, daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        self.send({
            "file": str(file),
            "names": names,
            "time_limit": time_limit,
            "memory_limit": memory_limit,
            "trace_function": trace_function,
            "simulated_aws": serve_aws is not None,
        })

    # --- talking to the child -------------------------------------------------------------------

    def send(self, message: dict) -> None:
        try:
            with self._send_lock:
                self._process.stdin.write(json.dumps(message).encode("ascii") + b"\n")
                self._process.stdin.flush()
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
        if returncode < 0:
            try:
                name = signal.Signals(-returncode).name
            except ValueError:
                name = f"signal {-returncode}"
            return Ending("killed", returncode, name)
        return Ending("exited", returncode)

    # --- the two readers ------------------------------------------------------------------------

    def _read_channel(self) -> None:
        stream = self._process.stdout
        while True:
            line = stream.readline(CHANNEL_LINE_CAP)
            if not line or not line.endswith(b"\n"):
                break
            try:
                event = json.loads(line)
            except ValueError:
                break
            if not isinstance(event, dict) or "event" not in event:
                break
            if event["event"] == "aws_request" and self._serve_aws is not None:
                # Answered here, not by the checks: the learner's code waits for it mid-call.
                self.send({"aws_response": self._serve_aws(event)})
                continue
            self._events.put((time.monotonic(), event))
        self._events.put((time.monotonic(), None))
        # Keep draining so a child that writes too much to the channel is never blocked forever.
        while stream.read(65536):
            pass

    def _read_output(self) -> None:
        stream = self._process.stderr
        while True:
            chunk = stream.read1(65536) if hasattr(stream, "read1") else stream.read(65536)
            if not chunk:
                break
            self._kept_output += chunk[: max(OUTPUT_CAP - len(self._kept_output), 0)]
            self._output_bytes += len(chunk)

    def settle(self) -> None:
        """Stop the learner's code and wait until everything it printed has been read."""
        self.stop()
        self._threads[1].join(timeout=2)

    @property
    def output(self) -> Output:
        return Output(bytes(self._kept_output).decode("utf-8", errors="replace"), self._output_bytes)

    # --- stopping -------------------------------------------------------------------------------

    def stop(self) -> None:
        """Kill the learner's process and everything it started."""
        if IS_POSIX:
            try:
                os.killpg(self._process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        elif self._process.poll() is None:
            subprocess.run(["taskkill", "/T", "/F", "/PID", str(self._process.pid)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        try:
            self._process.kill()
        except OSError:
            pass

    def close(self) -> None:
        self.stop()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        for thread in self._threads:
            thread.join(timeout=2)
        for stream in (self._process.stdin, self._process.stdout, self._process.stderr):
            try:
                stream.close()
            except OSError:
                pass
        shutil.rmtree(self._workdir, ignore_errors=True)

    def __enter__(self) -> LearnerProcess:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()
