"""Runs forked from the warm sandbox (grader/sandbox/warm.py) are confined as a sandbox of their own would
confine them: nothing of one run reaches the next (files, processes, the warm sandbox itself), no privileges are
left, and a warm sandbox that is gone is started again. And a file graded warm gets the grade and the words it
gets cold (GRADER_WARM_START=0), to the byte."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from conftest import KIT, MANIFEST
from grader.sandbox import confinement
from grader.sandbox.runner import LearnerProcess

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux") or shutil.which("bwrap") is None,
                                reason="warm starts are bubblewrap's (Linux, with bwrap installed)")


@pytest.fixture(scope="module")
def warm_sandbox() -> confinement.Bubblewrap:
    sandbox = confinement._bubblewrap()
    if sandbox is None:
        pytest.skip("bubblewrap does not work here")
    sandbox.warm = True
    if sandbox.zygote() is None:
        pytest.fail("bubblewrap works here, but runs cannot be forked from a warm sandbox")
    return sandbox


def run(sandbox, folder, source: str) -> tuple[dict, str]:
    """Run ``source`` as a learner file in ``sandbox``: its first event and all it printed."""
    file = folder / f"learner_{uuid.uuid4().hex[:8]}.py"
    file.write_text(source, encoding="utf-8")
    with LearnerProcess(file, [], time_limit=30, memory_limit=1 << 30, sandbox=sandbox) as process:
        event = process.next_event()
        process.settle()
        return event, process.output.text


def test_what_one_run_writes_no_later_run_sees(warm_sandbox, tmp_path):
    token = uuid.uuid4().hex
    writes = (f"import os\nfor folder in ('/tmp', '.', '/dev/shm'):\n"
              f"    try:\n        open(os.path.join(folder, '{token}'), 'w').write('x')\n"
              f"        print('wrote', folder)\n    except OSError as e:\n        print('refused', folder, e)\n")
    event, printed = run(warm_sandbox, tmp_path, writes)
    assert event["event"] == "module_done" and "wrote /tmp" in printed and "wrote ." in printed, printed
    looks = (f"import os\nfor folder in ('/tmp', '.', '/dev/shm', '/'):\n"
             f"    print(folder, sorted(os.listdir(folder)))\n"
             f"    print('found' if os.path.exists(os.path.join(folder, '{token}')) else 'absent', folder)\n")
    event, printed = run(warm_sandbox, tmp_path, looks)
    assert event["event"] == "module_done", event
    assert token not in printed and "found" not in printed, printed
    assert printed.count("absent") == 4, printed


def test_a_run_has_no_privileges_left(warm_sandbox, tmp_path):
    source = ("status = dict(line.split(':', 1) for line in open('/proc/self/status'))\n"
              "for name in ('CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb', 'NoNewPrivs', 'Seccomp'):\n"
              "    print(name, status[name].strip())\n")
    event, printed = run(warm_sandbox, tmp_path, source)
    assert event["event"] == "module_done", event
    fields = dict(line.split(" ", 1) for line in printed.strip().splitlines())
    for name in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"):
        assert int(fields[name], 16) == 0, printed
    assert fields["NoNewPrivs"] == "1", printed
    # The filter a cold run gets from bwrap, where the grader can make one (libseccomp's bindings).
    assert fields["Seccomp"] == ("2" if warm_sandbox.seccomp else "0"), printed


# Every process in /proc but its own and bwrap's first (which every bubblewrap sandbox shows, a cold one too):
# their memory, environment, memory map and open files. (Their fd/ folder lists, to the learner's uid, the kinds
# of descriptor they hold; opening one takes the rights these reads take.)
REACH_OUT = """
import os, signal
mine = os.readlink('/proc/self')
reached = []
for entry in os.listdir('/proc'):
    if not entry.isdigit() or entry in (mine, '1'):
        continue
    for part in ('mem', 'environ', 'maps', 'fd/0', 'fd/3', 'cwd/.'):
        try:
            path = '/proc/%s/%s' % (entry, part)
            os.listdir(path) if part.startswith('cwd') else open(path, 'rb').read(1)
            reached.append(path)
        except OSError:
            pass
for target in range(2, 400):
    try:
        os.kill(target, signal.SIGKILL)
        reached.append('kill %d' % target)
    except OSError:
        pass
try:
    os.kill(0, signal.SIGSTOP)  # its own process group: itself alone
except OSError:
    pass
print('reached', reached)
"""


def test_a_run_cannot_reach_the_warm_sandbox_or_other_processes(warm_sandbox, tmp_path):
    zygote = warm_sandbox.zygote()
    event, printed = run(warm_sandbox, tmp_path, REACH_OUT)
    # Stopped by its own SIGSTOP, the run ends at the grader's clock; either way it reached nothing.
    assert "reached []" in printed, printed
    assert zygote.alive() and warm_sandbox.zygote() is zygote
    event, printed = run(warm_sandbox, tmp_path, "print('still here')\n")
    assert event["event"] == "module_done" and "still here" in printed


def test_a_warm_sandbox_that_is_gone_is_started_again(warm_sandbox, tmp_path):
    first = warm_sandbox.zygote()
    first._process.kill()
    first._process.wait()
    event, printed = run(warm_sandbox, tmp_path, "print('after the restart')\n")
    assert event["event"] == "module_done" and "after the restart" in printed
    assert warm_sandbox.zygote() is not first and warm_sandbox.zygote().alive()


def _graded(folder, warm: bool) -> dict:
    environment = {**os.environ, "PYTHONIOENCODING": "utf-8", "GRADER_SANDBOX": "bubblewrap",
                   "GRADER_WARM_START": "1" if warm else "0"}
    done = subprocess.run([sys.executable, "-m", "grader", "--target", str(folder), "--format", "json",
                           "--time-limit", "30"], cwd=KIT, capture_output=True, text=True, encoding="utf-8",
                          timeout=120, stdin=subprocess.DEVNULL, env=environment)
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


def _wrong_answers() -> dict[str, list[Path]]:
    """The corpus's wrong answers, by the step they are for (its "# step:" header)."""
    found: dict[str, list[Path]] = {}
    for path in sorted((KIT / "tests" / "corpus" / "wrong").glob("*.py")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("# step:"):
                found.setdefault(line.split(":", 1)[1].strip(), []).append(path)
                break
    return found


@pytest.mark.parametrize("which", [0, -1])
def test_warm_and_cold_runs_give_the_same_document(tmp_path, which):
    """Wrong answers for every step (the corpus's first and last of each), with the right ones: the JSON report
    is the same, word for word, from a warm run and from a cold one."""
    folder = shutil.copytree(KIT / "solutions", tmp_path / "steps")
    wrong = _wrong_answers()
    assert set(wrong) == {step.slug for step in MANIFEST.steps}, sorted(wrong)
    for step in MANIFEST.steps:
        shutil.copyfile(wrong[step.slug][which], folder / step.file)
    warm, cold = _graded(folder, True), _graded(folder, False)
    assert warm == cold
    assert all(entry["status"] != "passed" for entry in warm["steps"]), warm


LEAVE_SOMETHING_BEHIND = """
import os
tried = {}
def attempt(name, action):
    try:
        action()
        tried[name] = "ok"
    except OSError as error:
        tried[name] = "refused: " + error.strerror
attempt("write in /", lambda: open("/planted.py", "w").write("x"))
attempt("chmod /", lambda: os.chmod("/", 0))
attempt("rename a folder of the root", lambda: os.rename("/grader-harness", "/elsewhere"))
attempt("mkdir in the root", lambda: os.mkdir("/run-here"))
attempt("write in /dev", lambda: open("/dev/planted", "w").write("x"))
attempt("chmod /dev", lambda: os.chmod("/dev", 0))
attempt("oom_score_adj of process 1", lambda: open("/proc/1/oom_score_adj", "w").write("1000"))
attempt("own oom_score_adj", lambda: open("/proc/self/oom_score_adj", "w").write("1000"))
print(tried)
"""


def test_a_run_cannot_change_what_later_runs_start_from(warm_sandbox, tmp_path):
    """Everything a run may write is a tmpfs of its own: the sandbox's root, /dev and /proc, which runs forked
    from one warm sandbox share, are read-only. (A run that could write there could plant a module that the next
    learner's harness imports, or lock every later run out.)"""
    event, printed = run(warm_sandbox, tmp_path, LEAVE_SOMETHING_BEHIND)
    assert event["event"] == "module_done", event
    tried = eval(printed.strip())  # a dict of str: the run's own report of what it tried
    assert tried and all(outcome.startswith("refused") for outcome in tried.values()), tried
    event, printed = run(warm_sandbox, tmp_path, "import os\nprint(os.path.exists('/planted.py'), oct(os.stat('/').st_mode))\n")
    assert event["event"] == "module_done" and printed.startswith("False"), printed


def test_a_run_that_cannot_be_confined_is_the_graders_fault_and_the_next_run_starts_afresh(warm_sandbox, tmp_path):
    """The file name is the grader's to choose; one the warm sandbox cannot write (a name too long for the file
    system) makes the run fail before the learner's code: the grader says it is its own fault, and a new warm
    sandbox serves the next run."""
    first = warm_sandbox.zygote()
    run_ = first.start("x" * 300 + ".py", b"print('never')\n")
    assert run_.process.wait(timeout=60) is not None
    assert run_.sandbox_failed()
    run_.finish()
    event, printed = run(warm_sandbox, tmp_path, "print('fresh')\n")
    assert event["event"] == "module_done" and "fresh" in printed
    assert warm_sandbox.zygote() is not first


def test_only_the_steps_that_talk_to_dynamodb_are_forked_from_a_sandbox_with_boto3(warm_sandbox, tmp_path):
    """A fork costs what it copies: a step whose code does not talk to DynamoDB is forked from a lean warm
    sandbox (a file of it that imports boto3 pays for that, as a cold run does); the bonus step's from one that
    has boto3 imported."""
    source = "import sys\nprint('boto3' in sys.modules)\n"
    event, printed = run(warm_sandbox, tmp_path, source)
    assert event["event"] == "module_done" and printed.strip() == "False", printed
    file = tmp_path / "talks_to_dynamodb.py"
    file.write_text(source, encoding="utf-8")
    with LearnerProcess(file, [], time_limit=30, memory_limit=1 << 30, sandbox=warm_sandbox,
                        serve_aws=lambda request: None) as process:
        assert process.next_event()["event"] == "module_done"
        process.settle()
        assert process.output.text.strip() == "True", process.output.text


def test_a_python_installed_below_tmp_stays_importable_in_a_runs_new_tmp(open_python, tmp_path):
    """Each run gets a /tmp of its own; a kit cloned below /tmp has its Python there (CI's clone does), and what
    the learner's code imports from it (boto3's DynamoDB resource, not imported by the warm sandbox) must be
    found in the run as in a cold one."""
    if not open_python.startswith("/tmp/"):
        pytest.skip(f"the tests' other Python is not below /tmp ({open_python})")
    folder = shutil.copytree(KIT / "solutions", tmp_path / "steps")
    environment = {**os.environ, "PYTHONIOENCODING": "utf-8", "GRADER_SANDBOX": "bubblewrap"}
    done = subprocess.run([open_python, "-m", "grader", "--target", str(folder), "--format", "json"], cwd=KIT,
                          capture_output=True, text=True, encoding="utf-8", timeout=120, stdin=subprocess.DEVNULL,
                          env=environment)
    document = json.loads(done.stdout)
    assert [entry["status"] for entry in document["steps"]] == ["passed"] * len(MANIFEST.steps), done.stdout[-3000:]


def test_a_retired_warm_sandbox_lets_the_runs_it_started_finish(warm_sandbox, tmp_path):
    """A warm sandbox is retired (replaced) when a run could not be confined; runs it had started meanwhile, which
    may be another step's, are not cut short by that."""
    zygote = warm_sandbox.zygote()
    file = tmp_path / "slow.py"
    file.write_text("import time\ntime.sleep(1)\nprint('finished')\n", encoding="utf-8")
    with LearnerProcess(file, [], time_limit=30, memory_limit=1 << 30, sandbox=warm_sandbox) as process:
        zygote.retire()
        event = process.next_event()
        process.settle()
        assert event["event"] == "module_done" and "finished" in process.output.text, (event, process.output.text)
    assert warm_sandbox.zygote() is not zygote
