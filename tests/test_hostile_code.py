"""Whatever a learner's file does, `python -m grader` answers with valid output, keeps the other steps'
results, and says what happened in plain words. One test per case in hostile_cases.py.

No verdict here may depend on the machine's speed: a file that never ends is graded alone, with a short limit
that its busy loop burns in processor time (hostile_cases.TIME_LIMIT); every other file is graded with all the
other steps under the manifest's own, generous limits."""

from __future__ import annotations

import json
import os
import re
import sys
import uuid

import pytest

from conftest import MANIFEST, run_cli
from grader.sandbox import confinement
from hostile_cases import CASES, TIME_LIMIT
from learner_attacks import processes_carrying


def grade_case(folder, case) -> tuple[dict, list[str]]:
    """The case's file among the reference solutions, graded: (its entry, the other steps' statuses). A file that
    never ends is graded alone, with TIME_LIMIT; the others with every step, under the manifest's limits."""
    step = MANIFEST.by_slug(case.slug)
    path = folder / step.file
    path.write_bytes(case.source.encode("utf-8") if case.name != "not_utf8" else case.source.encode("latin-1"))
    alone = ["--step", str(step.number), "--time-limit", TIME_LIMIT] if case.never_ends else []
    done = run_cli("--target", str(folder), "--format", "json", *alone)
    document = json.loads(done.stdout)  # one valid JSON document, whatever the learner printed
    assert done.returncode == (0 if case.status == "passed" else 1)
    (entry,) = [e for e in document["steps"] if e["step"] == step.number]
    others = [e["status"] for e in document["steps"] if e["step"] != step.number]
    assert others == ([] if case.never_ends else ["passed"] * (len(MANIFEST.steps) - 1)), \
        "the other steps keep their results"
    return entry, others


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_hostile_learner_code(case, solutions_copy):
    if case.posix_only and os.name != "posix":
        pytest.skip("this safeguard needs POSIX")
    if case.name == "memory_blow_up" and sys.platform == "darwin":
        pytest.skip("macOS does not enforce RLIMIT_AS")
    entry, _ = grade_case(solutions_copy, case)
    assert entry["status"] == case.status, entry["message"]
    for words in case.words:
        assert any(choice in entry["message"] for choice in words.split("|")), words
    assert "Traceback" not in entry["message"] or "What Python said:" in entry["message"]


def test_output_imitating_the_grader_does_not_pass_in_text_either(solutions_copy):
    case = next(c for c in CASES if c.name == "output_imitating_the_grader")
    step = MANIFEST.by_slug(case.slug)
    (solutions_copy / step.file).write_text(case.source, encoding="utf-8")
    done = run_cli("--target", str(solutions_copy), "--step", str(step.number))
    lines = done.stdout.splitlines()
    assert lines[0].startswith(f"✗ Step {step.number}")
    # What it printed is shown, as every failing step's output is, but only indented inside its own block:
    # no line of the report starts as a result line would.
    printed = lines.index("    Your code printed (last lines):")
    assert all(not line.lstrip().startswith("✓") or line.startswith("      ") for line in lines[printed:])
    assert not any(line.startswith(("✓", "  ✓", "    ✓")) for line in lines)
    assert "0 / 1 steps" in lines[-1]


# How a learner's file starts a process that sleeps on, its command line carrying the token: in the file's own
# process group; in a session of its own; and detached by fork, setsid, fork (the classic daemon).
SLEEPER = "[sys.executable, '-c', 'import time; time.sleep(3600)', TOKEN]"
STARTS = {
    "fork": f"""
if os.fork() == 0:
    os.execv(sys.executable, {SLEEPER})
""",
    "new session": f"""
subprocess.Popen({SLEEPER}, start_new_session=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                 stderr=subprocess.DEVNULL)
""",
    "double fork": f"""
child = os.fork()
if child == 0:
    try:
        os.setsid()
        if os.fork() == 0:
            os.execv(sys.executable, {SLEEPER})
    finally:
        os._exit(0)
os.waitpid(child, 0)
""",
}
# ... then it waits until the process shows in its own /proc, says so, and fails, so the grader quotes what it said.
LINGERING = """
import os, subprocess, sys, time
TOKEN = {token!r}
try:
{start}
except OSError as error:
    print("could not start it:", error)
else:
    def running():
        found = 0
        for entry in os.listdir("/proc"):
            try:
                with open("/proc/%s/cmdline" % entry, "rb") as cmdline:
                    found += TOKEN.encode() in cmdline.read()
            except OSError:
                pass
        return found
    deadline = time.monotonic() + 20
    while not running() and time.monotonic() < deadline:
        time.sleep(0.05)
    print("started and running:", running())
raise RuntimeError("done")
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the host's /proc")
@pytest.mark.parametrize("how", STARTS)
def test_processes_the_learner_started_do_not_outlive_the_grader(solutions_copy, how):
    """Whatever sandbox the grader chooses here, a process the learner's file started is gone once the grader has
    answered: no process of the host carries the token the file gave it."""
    if how != "fork" and confinement.current().kind == confinement.NONE:
        pytest.skip("without a sandbox, a process that leaves its process group cannot be found (README)")
    token = f"learner-survivor-{uuid.uuid4().hex}"
    start = "\n".join("    " + line for line in STARTS[how].strip().splitlines())
    path = solutions_copy / MANIFEST.by_slug("enable-streams").file  # any step would do
    path.write_text(path.read_text() + LINGERING.format(token=token, start=start))
    done = run_cli("--target", str(solutions_copy), "--step", str(MANIFEST.by_slug("enable-streams").number),
                   "--format", "json", "--time-limit", "60")
    message = json.loads(done.stdout)["steps"][0]["message"]
    said = re.search(r"started and running: (\d+)|could not start it: .*", message)
    assert said, f"the learner's file did not get to run: {message}"  # so the scan below means something
    assert said.group(1) != "0", message  # if the sandbox let it start, it really ran
    assert processes_carrying(token) == [], f"the process the learner's file started ({how}) is still running"


# Without a sandbox (a learner's own macOS or Windows machine, or an instructor's --unconfined) the grader's
# own protections still hold for these: a time limit, exits, forks, input, floods, the network, cheating values.
UNCONFINED_CASES = ("loop_in_process_event", "sys_exit_0_in_process_event", "os_exit_0_at_import", "fork", "input",
                    "megabytes_of_output", "socket_connection", "eq_always_true")


@pytest.mark.parametrize("case", [case for case in CASES if case.name in UNCONFINED_CASES],
                         ids=lambda case: case.name)
def test_hostile_learner_code_without_a_sandbox(case, solutions_copy, monkeypatch):
    if case.posix_only and os.name != "posix":
        pytest.skip("this safeguard needs POSIX")
    monkeypatch.setenv("GRADER_SANDBOX", "none")
    entry, _ = grade_case(solutions_copy, case)
    assert entry["status"] == case.status, entry["message"]
    for words in case.words:
        assert any(choice in entry["message"] for choice in words.split("|")), words
