"""A warm start for learner processes inside bubblewrap: a sandbox per grader process holds a Python that has
already imported the harness (this file, "the zygote"; with --boto3, boto3 too, for the steps whose code talks to
DynamoDB), and each run is a fork of it, confined anew.

Why: a learner process that imports boto3 costs ~0.2 s of processor time; a fork costs milliseconds. That is
what lets watch mode answer a save at once and grade-class grade ten submissions a second.

Each run gets what a sandbox of its own would give it, made here before any learner code runs:
- a PID namespace of its own (its first process is the run: when it ends, every process it started ends), and
  a private mount namespace with new, size-capped tmpfs on its home (/learner), /tmp and /dev/shm: nothing a
  run writes is seen by another;
- no capabilities at all (bounding, ambient, effective, permitted and inherited sets emptied, no new privileges
  ever), checked in /proc before the learner's file is read; the seccomp filter bwrap loads for a cold run (no
  new processes, no sockets), where the grader has one (libseccomp's bindings);
- its file copied from a memory file the grader passes in: the zygote itself never reads a learner's file, so
  nothing of one learner is in the memory that the next one's run is forked from.

Protocol, on the socket that is our stdin: the grader's first message is b"seccomp " and the seccomp filter as
BPF (the one bwrap loads for a cold run; nothing after the space where there is none), then the zygote says
b"ready"; then each message from the grader is a JSON header (the file name, the tmpfs size) with five descriptors: the run's stdin, stdout and
stderr, the learner's file as a memory file, and a socket for the answer. On that socket the run's first process
outside its namespace sends b"pid" with a pidfd of the run (the grader kills and watches the run by it), then,
when the run has ended, b"exit <code>" (negative for a signal, as subprocess says it), or b"unconfined" when the
run could not be confined (and so never ran the learner's code): the grader's fault, never the learner's.

Only the standard library, the harness and what the learner's code may import (boto3) are imported here.
"""

import ctypes
import gc
import importlib
import json
import os
import signal
import socket
import sys
from typing import NamedTuple

HARNESS = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HARNESS)
import child  # noqa: E402 - the harness, found by the path entry above

del sys.path[0]

HOME = "/learner"
CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWIPC = 0x00020000, 0x20000000, 0x08000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 0x1, 0x2, 0x4, 0x20, 0x1000, 0x4000, 0x40000
PR_SET_DUMPABLE, PR_SET_SECCOMP, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT = 4, 22, 24, 38, 47
SECCOMP_MODE_FILTER = 2
PR_CAP_AMBIENT_CLEAR_ALL = 4
CAPABILITY_VERSION_3 = 0x20080522
CAPABILITY_SETS = ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")
LAST_CAPABILITY = 63
SYS_CAPSET = {"x86_64": 126, "aarch64": 91}

_libc = ctypes.CDLL(None, use_errno=True)


class SetupFailed(Exception):
    pass


def _check(result: int, what: str) -> None:
    if result != 0:
        raise SetupFailed(f"{what}: {os.strerror(ctypes.get_errno())}")


def _mount_tmpfs(target: str, size: int, mode: str) -> None:
    _check(_libc.mount(b"tmpfs", target.encode(), b"tmpfs", MS_NOSUID | MS_NODEV,
                       f"size={size},mode={mode}".encode()), f"tmpfs on {target}")


def _drop_every_capability() -> None:
    for capability in range(LAST_CAPABILITY + 1):
        if _libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0 and ctypes.get_errno() != 22:  # EINVAL: none
            raise SetupFailed(f"dropping capability {capability}: {os.strerror(ctypes.get_errno())}")
    _check(_libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0), "clearing ambient capabilities")
    header = (ctypes.c_uint32 * 2)(CAPABILITY_VERSION_3, 0)
    data = (ctypes.c_uint32 * 6)()  # two sets of effective, permitted, inheritable: all empty
    number = SYS_CAPSET.get(os.uname().machine)
    if number is None:
        raise SetupFailed(f"no capset system call number known for {os.uname().machine}")
    _check(_libc.syscall(number, header, data), "capset")
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no new privileges")
    with open("/proc/self/status", encoding="ascii") as status:
        fields = dict(line.split(":", 1) for line in status if ":" in line)
    left = [name for name in CAPABILITY_SETS if int(fields.get(name, "1").strip(), 16) != 0]
    if left:
        raise SetupFailed(f"capabilities left after dropping them: {', '.join(left)}")


class _Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def _load_seccomp(program: bytes) -> None:
    """Load the grader's seccomp filter (BPF, as bwrap --seccomp takes it), the one a cold run gets."""
    instructions = ctypes.create_string_buffer(program, len(program))
    _check(_libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER,
                       ctypes.byref(_Program(len(program) // 8, ctypes.addressof(instructions))), 0, 0),
           "loading the seccomp filter")
    with open("/proc/self/status", encoding="ascii") as status:
        if not any(line.split() == ["Seccomp:", "2"] for line in status):
            raise SetupFailed("the seccomp filter is not in force")


def _new_tmp(size: int, kept: list) -> None:
    """A new /tmp for the run, with the folders of ``kept`` (a Python installed below /tmp, which bwrap bound
    there) bound again, read-only, into it: they are held open across the mount and bound from their descriptor."""
    held = [(path, os.open(path, os.O_RDONLY | os.O_DIRECTORY)) for path in kept if os.path.isdir(path)]
    _mount_tmpfs("/tmp", size, "1777")
    for path, descriptor in held:
        os.makedirs(path, exist_ok=True)
        _check(_libc.mount(f"/proc/self/fd/{descriptor}".encode(), path.encode(), None, MS_BIND | MS_REC, None),
               f"binding {path} again")
        _check(_libc.mount(None, path.encode(), None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, None),
               f"making {path} read-only")
        os.close(descriptor)


class Setup(NamedTuple):
    """What every run of this zygote is confined with."""

    seccomp: bytes  # the filter as BPF (empty: none)
    kept: list  # the Python's folders below /tmp (--keep PATH): bound again into each run's new /tmp


def _confine(header: dict, file_fd: int, setup: Setup) -> str:
    """In the run's first process, inside its new namespaces: its own filesystem, its file, no privileges."""
    _check(_libc.mount(None, b"/", None, MS_REC | MS_PRIVATE, None), "making mounts private")
    size = int(header["tmpfs_bytes"])
    _new_tmp(size, setup.kept)
    _mount_tmpfs(HOME, size, "0755")
    if os.path.isdir("/dev/shm"):
        _mount_tmpfs("/dev/shm", size, "1777")
    name = os.path.basename(str(header["name"])) or "learner.py"
    path = os.path.join(HOME, name)
    with os.fdopen(file_fd, "rb") as source, open(path, "wb") as copy:
        while True:
            chunk = source.read(1 << 20)
            if not chunk:
                break
            copy.write(chunk)
    os.chmod(path, 0o644)
    os.chdir(HOME)
    _drop_every_capability()
    if setup.seccomp:
        _load_seccomp(setup.seccomp)
    return path


def _run(header: dict, fds: list, setup: Setup, confined: int) -> None:
    """The run's first process (PID 1 of its namespace): confine, say so on ``confined``, then be the harness for
    the learner's file."""
    stdin, stdout, stderr, file_fd, answer = fds
    status = 70
    try:
        os.close(answer)
        for signal_number in (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD, signal.SIGPIPE):
            signal.signal(signal_number, signal.SIG_DFL)
        # A process group of its own: kill(0, ...) from the learner's code must reach no process but the run's
        # (the zygote's group spans PID namespaces).
        os.setsid()
        for descriptor, standard in ((stdin, 0), (stdout, 1), (stderr, 2)):
            os.dup2(descriptor, standard)
        _confine(header, file_fd, setup)
        os.write(confined, b"1")
        os.closerange(3, os.sysconf("SC_OPEN_MAX"))  # the zygote's socket and every descriptor not the run's
        channel = child._Channel()
        # As in a cold run, where child.py is __main__ and holds the channel there: the learner's code finds the
        # same things in either (the tests of a forged channel reach it this way).
        child.grader_channel = channel
        sys.modules["__main__"] = child
        try:
            status = 0
            child.main(channel)
        except BaseException:  # noqa: BLE001 - a fault of the harness: reported as the grader's own, as child.py does
            import traceback

            try:
                channel.send({"event": "harness_fault", "detail": traceback.format_exc()[-4000:]})
            except BaseException:  # noqa: BLE001
                pass
            status = 70
    except BaseException:  # noqa: BLE001 - confinement failed: nothing of the learner's ran, the exit says so
        status = 71
    os._exit(status)


def _first_outside(header: dict, fds: list, control: socket.socket, setup: Setup) -> None:
    """Forked by the zygote for one run: new namespaces, the run's first process, then its pidfd and exit."""
    status = 72
    try:
        control.close()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the zygote ignores it; this process waits for the run
        answer = socket.socket(fileno=fds[4])
        _check(_libc.unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC), "new namespaces")
        # Whether the run was confined before the learner's code started: its exit status cannot say (the
        # learner's code may exit with any status), a byte on a pipe of our own can.
        said, confined = os.pipe()
        run = os.fork()
        if run == 0:
            os.close(said)
            _run(header, fds, setup, confined)
        os.close(confined)
        for descriptor in fds[:4]:
            os.close(descriptor)
        pidfd = os.pidfd_open(run)
        socket.send_fds(answer, [b"pid"], [pidfd])
        os.close(pidfd)
        _, waited = os.waitpid(run, 0)
        # Killed while it was being confined (the grader stopped it early) is not a failure to confine.
        if os.read(said, 1) != b"1" and os.WIFEXITED(waited):
            answer.sendall(b"unconfined")
        else:
            answer.sendall(f"exit {os.waitstatus_to_exitcode(waited)}".encode("ascii"))
        status = 0
    except BaseException:  # noqa: BLE001 - the grader sees the answer socket close without a pid
        pass
    os._exit(status)


# What the harness imports in every run, or in most (a function's signature, a traceback, a Lambda context,
# an answer's values), once here instead: an import in a run costs it milliseconds (inspect alone ~5 ms).
RUN_IMPORTS = ("linecache", "tokenize", "encodings.utf_8_sig", "encodings.ascii", "threading", "queue", "resource",
               "math", "inspect", "traceback")


def _warm_up(with_boto3: bool) -> None:
    """Import what every run imports; ``with_boto3``, what learner files import too, with DynamoDB's service
    description loaded once."""
    for name in RUN_IMPORTS:
        importlib.import_module(name)
    for function in ("prctl", "mount", "unshare", "syscall"):  # ctypes looks each up once, on first use
        getattr(_libc, function)
    if not with_boto3:
        return
    try:
        import boto3
        import boto3.dynamodb.table  # noqa: F401 - what a Table() of the resource imports

        boto3.setup_default_session()
        boto3.DEFAULT_SESSION.client("dynamodb")
        boto3.DEFAULT_SESSION.resource("dynamodb")
    except Exception:  # noqa: BLE001 - a run imports it itself then, as a cold one does
        pass


def serve(control: socket.socket, boto3: bool, kept: list) -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps each run's first process outside
    setup = Setup(control.recv(1 << 20).removeprefix(b"seccomp "), kept)  # the first message: the filter, or nothing
    _warm_up(boto3)
    # What is here now is never collected: a run's garbage collector then leaves these objects' pages alone, and
    # they stay shared with the zygote instead of being copied into every run (gc.freeze's purpose).
    gc.collect()
    gc.freeze()
    _libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)  # runs may not read or trace this process through /proc
    control.sendall(b"ready")
    while True:
        message, fds, _, _ = socket.recv_fds(control, 4096, 5)
        if not message:  # the grader is done with us: the runs in progress end first (our end would end them)
            while True:
                try:
                    os.wait()  # SIGCHLD ignored: returns only once every child has ended
                except ChildProcessError:
                    return
        if len(fds) != 5:
            for descriptor in fds:
                os.close(descriptor)
            continue
        try:
            header = json.loads(message)
        except ValueError:
            header = None
        if isinstance(header, dict):
            if os.fork() == 0:
                _first_outside(header, fds, control, setup)
        for descriptor in fds:
            os.close(descriptor)


if __name__ == "__main__":
    arguments = sys.argv[1:]
    serve(socket.socket(fileno=os.dup(0)), boto3="--boto3" in arguments,
          kept=[arguments[i + 1] for i, word in enumerate(arguments[:-1]) if word == "--keep"])
