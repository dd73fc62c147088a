"""Learner code is confined: attacks on `python -m grader` made from nothing but a learner's step file.

Each test writes a step file that attacks the grader running it (the attack code is in learner_attacks.py),
grades that step with the real command, and then checks on the host that the attack got nowhere: no process
outlives the grader, no file of the kit or of a classmate changes, no secret reaches the grader's output, no
connection reaches a listener, and the grader still answers with valid JSON. Every attack prints what it saw
(the grader quotes it: "Your code printed"), so each test also shows that its attack really ran.

Each test runs in both sandboxes of grader/sandbox/confinement.py, bubblewrap in both its ways:

- bubblewrap, with the tests' own Python (what conftest.run_cli runs) and GRADER_SANDBOX=bubblewrap, so that a
  broken bwrap fails the tests instead of letting them grade without a sandbox. Skipped where the grader says
  bubblewrap does not work. Once with runs forked from the warm sandbox (warm.py, the default), once with
  GRADER_WARM_START=0 ("bubblewrap-cold"): every run a bwrap of its own, as where warm starts do not work.
- separate-user, which needs a Python that other users can run: the tests' venv lives under /root (mode 700),
  so one is built per session with uv, offline from its cache. Skipped, saying why, where it cannot be built.
  A separate user can read whatever others may read, so the grader refuses to run from a kit, or on a folder,
  that others can reach: there the grader runs from a copy of the kit closed to others, as Gradescope's
  source/ is, and the class's folder is closed to others, as grade-class demands.

The learner's folder and a classmate's sit side by side in one folder (under bubblewrap one everyone may read,
as an instructor's unpacked submissions usually are, umask 022).
"""

from __future__ import annotations

import ctypes
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

import learner_attacks as attacks
from conftest import KIT, MANIFEST, step_file
from grader.sandbox import wire

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the sandboxes are Linux's")

BUBBLEWRAP, SEPARATE_USER = "bubblewrap", "separate-user"
TIME_LIMIT = "30"  # seconds for the learner's code: generous, so a busy machine never turns an attack into a timeout
GRADER_TIMEOUT = 120  # seconds until a grader that has not finished (or left its output open) fails the test
NOBODY = 65534


def unique(label: str) -> str:
    return f"{label}-{uuid.uuid4().hex}"


# --- the two sandboxes ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Sandbox:
    kind: str
    python: str  # the grader's Python: learner processes run it too
    purelib: str  # its site-packages, where a .pth file would run in every later grader
    kit: Path = KIT  # the kit the grader runs from
    folder_mode: int = 0o755  # of the folder holding the learner's and the classmate's work
    warm: bool = True  # bubblewrap: runs forked from the warm sandbox (warm.py), or each a bwrap of its own


def _probe(sandbox: Sandbox) -> subprocess.CompletedProcess:
    environment = {**os.environ, "GRADER_SANDBOX": sandbox.kind, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sandbox.python, "-m", "grader", "--target", str(sandbox.kit / "solutions"), "--step", "1",
                           "--format", "json"], cwd=sandbox.kit, env=environment, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, encoding="utf-8", timeout=GRADER_TIMEOUT)


@pytest.fixture(scope="session")
def bubblewrap_sandbox() -> Sandbox:
    if shutil.which("bwrap") is None:
        pytest.skip("bubblewrap is not installed (Debian/Ubuntu: apt-get install bubblewrap)")
    sandbox = Sandbox(BUBBLEWRAP, sys.executable, sysconfig.get_paths()["purelib"])
    probe = _probe(sandbox)
    if "bubblewrap does not work here" in probe.stderr:
        pytest.skip(f"the grader says: {probe.stderr.strip()}")
    return sandbox


@pytest.fixture(scope="session")
def bubblewrap_cold_sandbox(bubblewrap_sandbox) -> Sandbox:
    """bubblewrap as it is where warm starts do not work: every run a sandbox of its own."""
    return Sandbox(BUBBLEWRAP, bubblewrap_sandbox.python, bubblewrap_sandbox.purelib, warm=False)


@pytest.fixture(scope="session")
def separate_user_sandbox(open_python):
    """The grader in a Python other users can run (conftest's open_python), from a copy of the kit closed to
    others, as Gradescope's source/ is."""
    purelib = subprocess.run([open_python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    closed = Path(tempfile.mkdtemp(prefix="closed-kit-"))  # mode 700
    try:
        kit = closed / "kit"
        for part in ("grader", "solutions", "steps"):
            shutil.copytree(KIT / part, kit / part, ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copyfile(KIT / "pyproject.toml", kit / "pyproject.toml")
        yield Sandbox(SEPARATE_USER, open_python, purelib, kit, 0o700)
    finally:
        shutil.rmtree(closed, ignore_errors=True)


@pytest.fixture(params=[BUBBLEWRAP, "bubblewrap-cold", SEPARATE_USER])
def sandbox(request) -> Sandbox:
    return request.getfixturevalue(f"{request.param.replace('-', '_')}_sandbox")


# --- running the grader ----------------------------------------------------------------------------------------

@dataclass
class Graded:
    returncode: int
    stdout: str
    stderr: str
    max_rss: int  # bytes: the largest of the grader and the processes it waited for

    def document(self) -> dict:
        try:
            return json.loads(self.stdout)
        except ValueError:
            pytest.fail(f"the grader's output is not JSON (exit status {self.returncode}):\n{self.stdout[-2000:]}\n"
                        f"{self.stderr[-2000:]}")

    def entry(self, step: int) -> dict:
        return next(entry for entry in self.document()["steps"] if entry["step"] == step)


def grade(sandbox: Sandbox, target: Path, *steps: int, output: str = "json", env: dict | None = None,
          time_limit: str = TIME_LIMIT) -> Graded:
    """`python -m grader --target TARGET --step N...` as conftest.run_cli runs it, with the sandbox's Python and
    kind. Fails the test if the grader, or anything holding its stdout or stderr, is still there after
    GRADER_TIMEOUT seconds."""
    arguments = ["--target", str(target), "--format", output, "--time-limit", time_limit]
    for step in steps:
        arguments += ["--step", str(step)]
    environment = {**os.environ, "PYTHONIOENCODING": "utf-8", "GRADER_SANDBOX": sandbox.kind,
                   "GRADER_WARM_START": "1" if sandbox.warm else "0", **(env or {})}
    environment.pop("NO_COLOR", None)
    process = subprocess.Popen([sandbox.python, "-m", "grader", *arguments], cwd=sandbox.kit, env=environment,
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    received = {}
    readers = [threading.Thread(target=lambda name=name, stream=stream: received.__setitem__(name, stream.read()),
                                daemon=True) for name, stream in (("out", process.stdout), ("err", process.stderr))]
    for reader in readers:
        reader.start()
    deadline = time.monotonic() + GRADER_TIMEOUT
    try:
        while True:  # os.wait4, not Popen.wait: it also says how much memory the grader used
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                process.returncode = os.waitstatus_to_exitcode(status)
                break
            if time.monotonic() > deadline:
                pytest.fail(f"the grader was still running after {GRADER_TIMEOUT} s")
            time.sleep(0.05)
        for reader in readers:
            reader.join(timeout=max(deadline - time.monotonic(), 1))
        assert not any(reader.is_alive() for reader in readers), \
            "the grader has exited, but something still holds its stdout or stderr open"
    finally:
        if process.returncode is None:
            process.kill()
            process.wait()
        if not any(reader.is_alive() for reader in readers):  # (closing a stream being read would wait for it)
            process.stdout.close()
            process.stderr.close()
    decoded = {name: data.decode("utf-8", errors="replace") for name, data in received.items()}
    return Graded(process.returncode, decoded["out"], decoded["err"], usage.ru_maxrss * 1024)


def grade_attack(sandbox: Sandbox, folder: Path, step: int, source: str, *also: int, **options) -> Graded:
    """Put ``source`` in as ``step``'s file of ``folder`` and grade that step (and the steps ``also``)."""
    (folder / step_file(step)).write_text(source, encoding="utf-8")
    return grade(sandbox, folder, step, *also, **options)


# --- the learner's surroundings ---------------------------------------------------------------------------------

@dataclass
class Classroom:
    root: Path
    learner: Path  # the --target folder: the reference solutions, one step of which gets the attack
    classmate: Path  # a sibling folder: the classmate's work, and a note with a secret in it
    classmate_secret: str


@pytest.fixture
def classroom(sandbox):
    root = Path(tempfile.mkdtemp(prefix="grader-class-"))
    try:
        root.chmod(sandbox.folder_mode)
        secret = unique("classmate-secret")
        for name in ("learner", "classmate"):
            (root / name).mkdir(mode=0o755)
            for step in MANIFEST.steps:
                copy = root / name / step.file
                shutil.copyfile(KIT / "solutions" / step.file, copy)
                copy.chmod(0o644)
        (root / "classmate" / "notes.txt").write_text(secret)
        (root / "classmate" / "notes.txt").chmod(0o644)
        yield Classroom(root, root / "learner", root / "classmate", secret)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def assert_the_scan_works(token: str) -> None:
    """processes_carrying() does find a process whose command line holds the token: not finding one means something."""
    control = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", token + "-control"])
    try:  # Popen may return while the kernel still sets up the new program's command line: wait for it
        deadline = time.monotonic() + 30
        while not attacks.processes_carrying(token) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert attacks.processes_carrying(token) == [control.pid]
    finally:
        control.kill()
        control.wait()


# --- 1. processes ---------------------------------------------------------------------------------------------

def test_no_process_the_learner_started_outlives_the_grader(sandbox, classroom):
    """A detached process (a new session; fork, setsid, fork, exec) is gone once the grader has answered: the
    seccomp filter refuses to start it, or (without one) bubblewrap's PID namespace or separate-user's kill of
    the run's uid ends it. Either way the attack reports what happened to each try."""
    token = unique("survivor")
    graded = grade_attack(sandbox, classroom.learner, 2, attacks.learner_file(2, attacks.SURVIVORS,
                                                                             params={"token": token}))
    report = attacks.report_of(graded.entry(2))
    started = [name for name in ("start a process in a new session", "fork, setsid, fork and exec")
               if report[name].startswith("ok")]
    assert report["survivors seen inside the sandbox"] == len(started), report  # those started did run
    assert attacks.processes_carrying(token) == [], f"still running after the grader answered: {report}"
    assert_the_scan_works(token)


def test_processes_holding_the_graders_pipes_do_not_keep_it_waiting(sandbox, classroom):
    """Detached processes holding the learner's stdout and stderr and both ends of the channel open: the grader
    still answers and exits, nothing keeps its own output open (grade() checks both), and they are gone."""
    token = unique("holder")
    source = attacks.learner_file(2, attacks.FIND_CHANNEL, attacks.HOLD_PIPES, attacks.SURVIVORS,
                                  params={"token": token})
    graded = grade_attack(sandbox, classroom.learner, 2, source)
    report = attacks.report_of(graded.entry(2))
    assert report["the channel's pipes"] != "ok: in [], out []", report
    started = [name for name in ("start a process in a new session", "fork, setsid, fork and exec")
               if report[name].startswith("ok")]
    assert report["survivors seen inside the sandbox"] == len(started), report
    assert attacks.processes_carrying(token) == [], report


def test_signals_from_learner_code_hurt_neither_the_grader_nor_other_steps(sandbox, classroom):
    """SIGSTOP, SIGINT, SIGTERM and SIGKILL to the parent, to process 1 and to every process the code can see:
    the grader still answers with valid JSON, and the steps graded beside it keep their results."""
    source = attacks.learner_file(2, attacks.SIGNALS, params={})
    graded = grade_attack(sandbox, classroom.learner, 2, source, 1, 3)
    document = graded.document()
    report = attacks.report_of(graded.entry(2))
    assert {"parent SIGKILL", "every process I can see", "kill(-1)"} <= set(report), report
    assert [entry["status"] for entry in document["steps"] if entry["step"] != 2] == ["passed", "passed"], report
    assert graded.entry(2)["status"] == "error"


# --- 2. writing -------------------------------------------------------------------------------------------------

def test_learner_code_cannot_write_outside_its_run(sandbox, classroom):
    """The kit's code and its record, the grader's Python (a .pth file would run in every later grader), the
    --target folder and a classmate's folder: the learner's code changes none of them."""
    token = unique("write")
    kit_files = {"grader/report.py": sandbox.kit / "grader" / "report.py",
                 "grader/integrity.txt": sandbox.kit / "grader" / "integrity.txt"}
    new_files = {"grader/__pycache__": sandbox.kit / "grader" / "__pycache__" / f"{token}.pyc",
                 "a .pth in site-packages": Path(sandbox.purelib) / f"{token}.pth",
                 "the --target folder": classroom.learner / f"{token}.py",
                 "a classmate's folder": classroom.classmate / f"{token}.py"}
    params = {
        "token": token,
        "append": {**{name: str(path) for name, path in kit_files.items()},
                   "another step's file": str(classroom.learner / step_file(3)),
                   "a classmate's step file": str(classroom.classmate / step_file(2))},
        "create": {name: str(path) for name, path in new_files.items()},
        "delete": {"a step file in --target": str(classroom.learner / step_file(1)),
                   "a classmate's notes": str(classroom.classmate / "notes.txt")},
    }
    (classroom.learner / step_file(2)).write_text(attacks.learner_file(2, attacks.WRITES, params=params))
    before = snapshot(classroom.root)
    try:
        graded = grade(sandbox, classroom.learner, 2)
        report = attacks.report_of(graded.entry(2))
        attacks.refused(report)  # what the learner saw: each write refused, and why
        for name, path in kit_files.items():
            assert token.encode() not in path.read_bytes(), f"{name} was changed: {report}"
        assert [name for name, path in new_files.items() if path.exists()] == [], report
        assert snapshot(classroom.root) == before, report
    finally:  # an attack that worked must not break the kit for the tests after this one
        for path in new_files.values():
            path.unlink(missing_ok=True)
        for path in kit_files.values():
            data = path.read_bytes()
            if token.encode() in data:
                path.write_bytes(data.replace(token.encode(), b""))


def _shared_memory_segment(key: int) -> int:
    """The id of the System V shared memory segment with ``key``, or -1."""
    return ctypes.CDLL(None, use_errno=True).shmget(key, 0, 0)


def test_a_run_leaves_nothing_behind_in_shared_places(sandbox, classroom):
    """Files in /tmp, /dev/shm and /var/tmp and a System V shared memory segment, made readable by everyone:
    none is left once the grader has answered. Left there, they would outlast the run, reach later runs (the
    separate-user sandbox hands the same uid to the next learner) and could fill the grading machine."""
    token = unique("left")
    paths = [f"/tmp/{token}", f"/dev/shm/{token}", f"/var/tmp/{token}"]
    key = int(token[-7:], 16)
    source = attacks.learner_file(2, attacks.LEAVINGS, params={"token": token, "paths": paths, "shm_key": key})
    try:
        graded = grade_attack(sandbox, classroom.learner, 2, source)
        report = attacks.report_of(graded.entry(2))
        assert [path for path in paths if os.path.exists(path)] == [], report
        assert _shared_memory_segment(key) < 0, f"a shared memory segment is left: {report}"
    finally:
        for path in paths:
            Path(path).unlink(missing_ok=True)
        segment = _shared_memory_segment(key)
        if segment >= 0:
            ctypes.CDLL(None).shmctl(segment, 0, None)  # IPC_RMID


# --- 3. reading -------------------------------------------------------------------------------------------------

@pytest.fixture
def graders_secrets():
    """A home for the grader as an instructor's might be (others may enter it) holding AWS credentials as the
    AWS CLI writes them (mode 600), and secrets in the grader's environment. Returns (environment, secrets)."""
    home = Path(tempfile.mkdtemp(prefix="grader-home-"))
    try:
        home.chmod(0o755)
        secrets = {"credentials": unique("aws-credentials-secret"), "variable": unique("environment-secret"),
                   "aws variable": unique("aws-environment-secret")}
        (home / ".aws").mkdir(mode=0o755)
        credentials = home / ".aws" / "credentials"
        credentials.touch(mode=0o600)
        credentials.write_text(f"[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = "
                               f"{secrets['credentials']}\n")
        environment = {"HOME": str(home), "GRADER_TEST_SECRET": secrets["variable"],
                       "AWS_SECRET_ACCESS_KEY": secrets["aws variable"]}
        yield environment, secrets
    finally:
        shutil.rmtree(home, ignore_errors=True)


def test_the_graders_secrets_never_reach_its_output(sandbox, classroom, graders_secrets):
    """The learner's code reads the grader's credentials file, its environment (/proc/PPID/environ,
    /proc/1/environ, every /proc/*/environ) and its memory, and prints what it got: no secret shows up in
    what the grader writes, as JSON or as text."""
    environment, secrets = graders_secrets
    params = {"credentials": str(Path(environment["HOME"]) / ".aws" / "credentials")}
    (classroom.learner / step_file(2)).write_text(attacks.learner_file(2, attacks.READ_SECRETS, params=params))
    for output in ("json", "text"):
        graded = grade(sandbox, classroom.learner, 2, output=output, env=environment)
        if output == "json":
            report = attacks.report_of(graded.entry(2))
            assert {"the parent's environment", "every process's environment"} <= set(report), report
        else:
            assert "ATTACK-REPORT" in graded.stdout  # the text report quotes what the learner's code printed too
        for name, secret in secrets.items():
            assert secret not in graded.stdout + graded.stderr, f"the {name} leaked into the {output} output"


def test_the_kit_and_a_classmates_work_cannot_be_read(sandbox, classroom):
    """The kit's reference solutions, a classmate's step file and notes: none can be read (the learner's code
    prints the beginning of each file it could open, so the classmate's secret would show)."""
    files = {"the kit's solution": sandbox.kit / "solutions" / step_file(5),
             "a classmate's step file": classroom.classmate / step_file(2),
             "a classmate's notes": classroom.classmate / "notes.txt"}
    source = attacks.learner_file(2, attacks.READ_FILES, params={"files": {k: str(v) for k, v in files.items()}})
    graded = grade_attack(sandbox, classroom.learner, 2, source)
    report = attacks.report_of(graded.entry(2))
    assert classroom.classmate_secret not in graded.stdout, report
    attacks.refused(report, *files)


def test_a_step_file_that_is_a_symlink_shows_nothing_of_what_it_points_to(sandbox, classroom):
    """A step file can be a symlink (a submission unpacked from a zip or tar keeps them) to a file only the
    grader's user may read: nothing of that file may appear in the feedback, whose error messages quote lines."""
    secret = unique("root_only_secret").replace("-", "_")  # a Python name: its line runs up to a NameError
    folder = Path(tempfile.mkdtemp(prefix="grader-secret-"))
    try:
        (folder / "token").touch(mode=0o600)
        (folder / "token").write_text(secret + "\n")
        (classroom.learner / step_file(2)).unlink()
        (classroom.learner / step_file(2)).symlink_to(folder / "token")
        for output in ("json", "text"):
            graded = grade(sandbox, classroom.learner, 2, output=output)
            assert secret not in graded.stdout + graded.stderr, f"the file the symlink points to shows in the {output}"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --- 4. network ---------------------------------------------------------------------------------------------

class Listeners:
    """A listener of each kind on the host: TCP and UDP on 127.0.0.1, a unix socket in a folder everyone may
    enter (the socket writable by everyone), an abstract unix socket. ``arrivals()`` says what reached them."""

    def __init__(self, token: str):
        self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.tcp.bind(("127.0.0.1", 0))
        self.tcp.listen(16)
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", 0))
        self.folder = Path(tempfile.mkdtemp(prefix="grader-listen-"))
        self.folder.chmod(0o755)
        self.unix_path = self.folder / "listener.sock"
        self.unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.unix.bind(str(self.unix_path))
        self.unix_path.chmod(0o777)
        self.unix.listen(16)
        self.abstract_name = f"grader-test-{token}"
        self.abstract = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.abstract.bind("\0" + self.abstract_name)
        self.abstract.listen(16)
        self.all = [self.tcp, self.udp, self.unix, self.abstract]
        for listener in self.all:
            listener.setblocking(False)

    def params(self) -> dict:
        return {"tcp": list(self.tcp.getsockname()), "udp": list(self.udp.getsockname()),
                "unix": str(self.unix_path), "abstract": self.abstract_name}

    def arrivals(self) -> list[str]:
        """What reached a listener. Called once the grader has answered: by then any connection the learner's
        code made is complete and waits in the listener's queue, so nothing needs waiting for."""
        arrived = []
        for listener in (self.tcp, self.unix, self.abstract):
            while True:
                try:
                    connection, address = listener.accept()
                except BlockingIOError:
                    break
                arrived.append(f"a connection on {listener.getsockname()!r} from {address!r}")
                connection.close()
        while True:
            try:
                data, address = self.udp.recvfrom(4096)
            except BlockingIOError:
                break
            arrived.append(f"a datagram {data!r} from {address!r}")
        return arrived

    def close(self) -> None:
        for listener in self.all:
            listener.close()
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def listeners():
    opened = Listeners(unique("listener"))
    yield opened
    opened.close()


# (attack, whether the sandbox must refuse it). UDP may be "sent" into a network namespace of its own: what
# counts is that nothing arrives. The metadata address has nothing listening here, so only the refusal shows.
NETWORK_ATTACKS = {
    "tcp": (attacks.TCP, True),
    "udp": (attacks.UDP, False),
    "unix socket": (attacks.UNIX, True),
    "abstract unix socket": (attacks.ABSTRACT_UNIX, True),
    "a fresh python": (attacks.FRESH_PYTHON, True),
    "cloud metadata": (attacks.CLOUD_METADATA, True),
    "tcp through io_uring": (attacks.IO_URING, True),
}


@pytest.mark.parametrize("attack", NETWORK_ATTACKS)
def test_learner_code_reaches_no_network(sandbox, classroom, listeners, attack):
    """The learner's code goes around child.py's patched socket module (`_socket`, a fresh Python, a socket made
    by io_uring) towards listeners the test opened on the host: nothing arrives, and the attempt was refused."""
    code, must_be_refused = NETWORK_ATTACKS[attack]
    source = attacks.learner_file(2, code, params={"token": unique("network"), **listeners.params()})
    graded = grade_attack(sandbox, classroom.learner, 2, source)
    report = attacks.report_of(graded.entry(2))
    assert listeners.arrivals() == [], f"the learner's code reached the host: {report}"
    assert len(report) == 1, report  # the attempt was made
    if must_be_refused:
        attacks.refused(report)


# --- 5. the channel ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("flood", attacks.FLOODS)
def test_a_flood_on_the_channel_is_an_error_of_that_step(sandbox, classroom, flood):
    """The learner's code finds the channel's pipe (child.py's copy of fd 1) and floods it: the grader answers
    with an error for that step, in bounded memory and without a traceback of its own."""
    source = attacks.learner_file(2, attacks.FIND_CHANNEL, attacks.FLOODS[flood],
                                  'print("ATTACK-FLOODING", CHANNEL_OUT)\n', attacks.FLOOD, params={})
    # A shorter limit than the other tests': a grader that misses the flood then waits for it less long.
    graded = grade_attack(sandbox, classroom.learner, 2, source, time_limit="15")
    entry = graded.entry(2)
    assert re.search(r"ATTACK-FLOODING \[\d", entry["message"]), entry["message"]  # it found the channel
    assert entry["status"] == "error", entry["message"]
    assert entry["score"] == 0
    assert "Traceback" not in graded.stderr, graded.stderr
    assert graded.max_rss < 1024 ** 3, f"the grader grew to {graded.max_rss:,} bytes"  # a loose sanity bound


def _encoded_solution_values(step: int) -> dict:
    namespace: dict = {}
    exec(attacks.solution(step), namespace)  # the kit's own reference solution
    return {name: wire.encode(namespace[name]) for name in MANIFEST.names_up_to(step)}


def test_forged_events_change_nothing_for_another_step(sandbox, classroom):
    """A known residual: a step file can write its own `module_done` onto its channel, with any values, and the
    grader judges those. Forging a value is no easier than computing it (the file could as well define it), so
    this wins a learner nothing for the step whose file it is; the test uses it to know that the grader read the
    forged events (their stream_arn shows in step 2's message).

    What this test checks: forged events that claim another step, a score and passes, and attempts to write
    into the channels of the other learner processes, change nothing for the other step graded in the same run
    (step 3, whose file is wrong) and add no points."""
    (classroom.learner / step_file(3)).write_text(
        attacks.solution(3).replace("return (product_id, stock)", "return (product_id, stock + 1)"))
    baseline = grade(sandbox, classroom.learner, 3).entry(3)
    assert baseline["status"] == "failed", baseline  # so there is something to win for a forger

    token = unique("forged")
    step2 = _encoded_solution_values(2)
    step3 = _encoded_solution_values(3)
    claims = {"step": 3, "status": "passed", "score": 100, "passed": 5, "total": 5}
    module_done = {"event": "module_done", "values": dict(step2), "defined": sorted(step3), "network": [],
                   "forked": False, **claims}
    forged = [module_done,
              {"event": "module_done", "values": step3, "defined": sorted(step3), "network": [], "forked": False,
               **claims},
              {"event": "call_done", "index": 0, "returned": wire.encode(("P1", 1)), "network": [], **claims},
              {"event": "calls_done", **claims}]
    forged_for_others = {"event": "module_done", "values": {**step3, "products_table": {"str": token}},
                         "defined": sorted(step3), "network": [], "forked": False, **claims}
    # What the attack saw travels in the forged stream_arn: the grader shows a wrong stream_arn, not the output.
    seen = ('PARAMS["forged"][0]["values"]["stream_arn"] = {"str": "FORGED-%s seen=%d hijacked=%d" % '
            '(PARAMS["token"], len(others), HIJACKED)}\n')
    source = attacks.learner_file(2, attacks.FIND_CHANNEL, attacks.HIJACK, seen, attacks.FORGE, end="",
                                  params={"token": token, "forged": forged, "forged_for_others": forged_for_others})
    graded = grade_attack(sandbox, classroom.learner, 2, source, 3)
    document = graded.document()
    forger = graded.entry(2)
    assert f"FORGED-{token}" in forger["message"], forger["message"]  # the grader read the forged module_done
    assert re.search(r"hijacked=0\b", forger["message"]), forger["message"]
    assert graded.entry(3) == baseline, "the forged events changed step 3's result"
    assert document["passed"] == sum(entry["status"] == "passed" for entry in document["steps"]) == 0
    assert document["score"] == pytest.approx(sum(entry["score"] for entry in document["steps"]))
    assert document["total"] == 2


# --- choosing the sandbox -----------------------------------------------------------------------------------

def _one_line_refusal(done: subprocess.CompletedProcess, *words: str) -> None:
    assert done.returncode == 2, f"exit status {done.returncode}: {done.stderr}"
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    for word in words:
        assert word in done.stderr, done.stderr


def test_an_unknown_sandbox_kind_is_a_one_line_error():
    environment = {**os.environ, "GRADER_SANDBOX": "bogus"}
    done = subprocess.run([sys.executable, "-m", "grader", "--target", str(KIT / "solutions"), "--step", "1"],
                          cwd=KIT, env=environment, capture_output=True, text=True, timeout=GRADER_TIMEOUT,
                          stdin=subprocess.DEVNULL)
    _one_line_refusal(done, "GRADER_SANDBOX", "bogus")


def test_separate_user_on_a_kit_others_can_read_is_refused_in_one_line(separate_user_sandbox):
    if not all(os.stat(folder).st_mode & 0o005 == 0o005 for folder in (KIT, *KIT.parents)):
        pytest.skip(f"{KIT} cannot be read by other users")
    environment = {**os.environ, "GRADER_SANDBOX": SEPARATE_USER}
    done = subprocess.run([separate_user_sandbox.python, "-m", "grader", "--target", str(KIT / "solutions"),
                           "--step", "1"], cwd=KIT, env=environment, capture_output=True, text=True,
                          timeout=GRADER_TIMEOUT, stdin=subprocess.DEVNULL)
    _one_line_refusal(done, "can be read by other users", "chmod o=", "bubblewrap")


def test_separate_user_asked_for_by_a_user_who_is_not_root_is_a_one_line_error(separate_user_sandbox):
    if not all(os.stat(folder).st_mode & 0o005 == 0o005 for folder in (KIT, *KIT.parents)):
        pytest.skip(f"{KIT} cannot be read by other users")
    environment = {"PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "GRADER_SANDBOX": SEPARATE_USER}
    done = subprocess.run([separate_user_sandbox.python, "-m", "grader", "--target", str(KIT / "solutions"),
                           "--step", "1"], cwd=KIT, env=environment, capture_output=True, text=True,
                          timeout=GRADER_TIMEOUT, stdin=subprocess.DEVNULL, user=NOBODY, group=NOBODY,
                          extra_groups=[])
    _one_line_refusal(done, "GRADER_SANDBOX=separate-user", "root")
