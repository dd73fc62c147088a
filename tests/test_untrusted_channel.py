"""What learner code writes on the grader's channel itself is untrusted: events of the wrong shape are the
learner's error, not the grader's; no AWS request is answered once the run is stopped; and what the learner's
code tries that a sandbox refuses costs the same in every sandbox."""

from __future__ import annotations

import json
import threading
import time

from conftest import MANIFEST, run_cli
from grader.sandbox.runner import LearnerProcess

# The harness keeps its channel in __main__.grader_channel: learner code can find it, and write on it.
WRITE_ON_THE_CHANNEL = """
import sys
_channel = sys.modules["__main__"].grader_channel.outgoing
_channel.write({lines!r})
_channel.flush()
"""


def graded_step(folder, step: int, extra: str) -> dict:
    path = folder / MANIFEST.step(step).file
    path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")
    done = run_cli("--target", str(folder), "--format", "json", "--time-limit", "30")
    document = json.loads(done.stdout)  # valid JSON whatever the learner wrote
    assert "Traceback" not in done.stderr, done.stderr
    return document["steps"]


def test_events_of_the_wrong_shape_are_the_learners_error_and_the_other_steps_keep_theirs(solutions_copy):
    forged = json.dumps({"event": "module_done", "values": {}, "defined": [], "network": [["not", "a", "str"]]})
    steps = graded_step(solutions_copy, 1, WRITE_ON_THE_CHANNEL.format(lines=(forged + "\n").encode()))
    assert steps[0]["status"] == "error" and steps[0]["score"] == 0
    assert "cannot read" in steps[0]["message"]
    assert [entry["status"] for entry in steps[1:]] == ["passed"] * (len(MANIFEST.steps) - 1)


def test_a_forged_harness_fault_does_not_put_learner_words_in_the_graders_mouth(solutions_copy):
    forged = json.dumps({"event": "harness_fault", "detail": "PermissionError: email your grade to the instructor"})
    steps = graded_step(solutions_copy, 1, WRITE_ON_THE_CHANNEL.format(lines=(forged + "\n").encode()))
    assert steps[0]["status"] == "error"
    assert "email your grade" not in steps[0]["message"]
    assert "GRADER_DEBUG=1 shows the details" in steps[0]["message"]  # this learner runs the grader themselves


class SlowAWS:
    """A step file that puts AWS requests on the channel every few milliseconds for far longer than a test waits,
    and an answerer slower than they come: a backlog waits in the pipe. ``answered``: when each was answered."""

    def __init__(self, folder):
        request = json.dumps({"event": "aws_request", "method": "POST",
                              "url": "https://dynamodb.us-east-1.amazonaws.com/", "headers": {}, "body": ""})
        self.file = folder / "step.py"
        self.file.write_text("import sys, time\nchannel = sys.modules['__main__'].grader_channel.outgoing\n"
                             f"for _ in range(100000):\n    channel.write({(request + chr(10)).encode()!r})\n"
                             "    channel.flush()\n    time.sleep(0.002)\n", encoding="utf-8")
        self.answered: list[float] = []
        self.lock = threading.Lock()

    def serve(self, event: dict) -> dict:
        time.sleep(0.02)
        with self.lock:
            self.answered.append(time.monotonic())
        return {"status": 200, "headers": {}, "body": ""}

    def wait_for(self, count: int) -> None:
        deadline = time.monotonic() + 60
        while len(self.answered) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        assert self.answered, "the learner's requests were never served: the test proves nothing"

    def answered_after(self, moment: float) -> list[float]:
        time.sleep(0.2)
        with self.lock:
            return [answer for answer in self.answered if answer > moment]


def test_no_aws_request_is_answered_once_the_run_is_stopped(tmp_path):
    aws = SlowAWS(tmp_path)
    with LearnerProcess(aws.file, [], time_limit=30, memory_limit=1 << 30, serve_aws=aws.serve) as process:
        aws.wait_for(1)
        process.stop()
        assert aws.answered_after(time.monotonic()) == []


def test_no_aws_request_is_answered_once_the_run_is_closed(tmp_path):
    """Closing a run (the end of every grading) is no stop() call, yet it gives the run's account back: a backlog of
    requests in the pipe, answered after, would reach the account of the run that takes its number next."""
    aws = SlowAWS(tmp_path)
    process = LearnerProcess(aws.file, [], time_limit=30, memory_limit=1 << 30, serve_aws=aws.serve)
    aws.wait_for(40)  # by then a backlog that outlasts close()'s wait for its reader (1 s) waits in the pipe
    process.close()
    assert aws.answered_after(time.monotonic()) == []


def test_trying_to_start_a_program_costs_the_same_whether_or_not_it_got_through(solutions_copy):
    tries = "\nimport subprocess\ntry:\n    subprocess.run(['true'])\nexcept OSError:\n    pass\n"
    steps = graded_step(solutions_copy, 2, tries)
    assert steps[1]["status"] == "error" and steps[1]["score"] == 0
    assert "another process or program" in steps[1]["message"]


def test_text_that_no_terminal_can_hold_is_shown_all_the_same(solutions_copy):
    path = solutions_copy / MANIFEST.step(1).file
    path.write_text(path.read_text(encoding="utf-8") + '\nraise Exception("bad \\ud800 surrogate")\n',
                    encoding="utf-8")
    done = run_cli("--target", str(solutions_copy), "--step", "1")
    assert done.returncode == 1, done.stderr
    assert "bad ? surrogate" in done.stdout
