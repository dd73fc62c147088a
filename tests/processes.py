"""Finding a learner's processes from the host, for tests that prove a run left none behind.

A learner's file cannot write the host's files (the sandbox gives it none), so it cannot say its pid. It marks
its processes instead: its own name (``/proc/self/comm``, 15 characters at most) and the command line of any
process it starts carry a token the test chose, and the test looks for the token in the host's process list.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import threading
import time
import uuid


def new_token(prefix: str) -> str:
    """A name unique to one test run, short enough to be a process name (15 characters)."""
    return (prefix + uuid.uuid4().hex)[:15]


def processes_carrying(token: str) -> list[int]:
    """The live processes whose name or command line holds ``token``."""
    if not os.path.isdir("/proc"):  # macOS: ps shows the command lines
        listing = subprocess.run(["ps", "-A", "-o", "pid=,command="], capture_output=True, text=True,
                                 timeout=30, check=False).stdout
        return [int(line.split()[0]) for line in listing.splitlines() if token in line]
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                if stat.read().rsplit(b")", 1)[1].split()[0] in (b"Z", b"X"):
                    continue  # a zombie has ended; only its parent has not collected it yet
            with open(f"/proc/{entry}/comm", "rb") as comm, open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                if comm.read().strip() == token.encode() or token.encode() in cmdline.read():
                    found.append(int(entry))
        except (OSError, IndexError):
            continue  # it ended while we looked
    return found


@contextlib.contextmanager
def watching(token: str | None):
    """While the block runs, look for processes carrying ``token`` (every 50 ms); yields the set of those seen.
    No token: nothing to look for (an empty set)."""
    seen: set[int] = set()
    if token is None:
        yield seen
        return
    stop = threading.Event()

    def look() -> None:
        while not stop.is_set():
            seen.update(processes_carrying(token))
            stop.wait(0.05)

    thread = threading.Thread(target=look, daemon=True)
    thread.start()
    try:
        yield seen
    finally:
        stop.set()
        thread.join()


def survivors(token: str, grace: float = 10.0) -> list[int]:
    """The processes carrying ``token`` that are still there after up to ``grace`` seconds (ending takes a
    moment: a killed process must be reaped)."""
    deadline = time.monotonic() + grace
    while (found := processes_carrying(token)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return found


# Code for a learner's file: name this process after the token and start one more that carries it, then sleep.
LINGER = '''
import subprocess as _subprocess, sys as _sys, time as _time
try:  # this process, as the host's /proc names it (prctl: where /proc is read-only, as under bubblewrap)
    import ctypes as _ctypes
    _ctypes.CDLL(None).prctl(15, {token!r}.encode(), 0, 0, 0)  # PR_SET_NAME
except (OSError, AttributeError):
    pass  # not Linux (macOS)
try:  # a process of its own, its token in its command line
    _subprocess.Popen([_sys.executable, "-c", "import time; time.sleep(3600)", {token!r}],
                      stdin=_subprocess.DEVNULL, stdout=_subprocess.DEVNULL, stderr=_subprocess.DEVNULL)
except OSError:
    pass  # a sandbox that refuses new processes (separate-user's seccomp)
_time.sleep(3600)
'''


def linger(token: str) -> str:
    return LINGER.format(token=token)
