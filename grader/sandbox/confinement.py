"""How a learner process is confined by the operating system, chosen once per grader process.

Three kinds, strongest first:

- ``bubblewrap`` (Linux with ``bwrap``): new user, PID, network, IPC and UTS namespaces. The learner's file
  is copied into a private, size-capped tmpfs; only the Python installation, its environment and the harness
  are visible, read-only; the environment is built from an allowlist. Nothing of the kit, of other learners or
  of the grader's environment is there. The PID namespace ends everything the file started with its run.
- ``separate-user`` (Linux, as root, where namespaces are refused, e.g. a Gradescope container): the learner
  process runs as a uid of its own (one per concurrent run) with a seccomp filter (no sockets, no new
  processes, no setsid or ptrace) where libseccomp's Python bindings are installed. When the run ends every
  process of that uid is killed, and the grader checks that none is left.
- ``none`` (macOS, Windows, Linux without bwrap): a separate process in a process group of its own, with
  resource limits and a wall-clock limit. Enough on a learner's own machine; instructors must ask for it.

``GRADER_SANDBOX`` (``auto``, the default, or one of the kinds) forces a kind; a forced kind that cannot work
here is an error, never a silent downgrade.
"""

from __future__ import annotations

import functools
import json
import os
import queue
import select
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BUBBLEWRAP, SEPARATE_USER, NONE = "bubblewrap", "separate-user", "none"
KINDS = (BUBBLEWRAP, SEPARATE_USER, NONE)
VARIABLE = "GRADER_SANDBOX"
PYTHON_OPTIONS = ["-I", "-B", "-u", "-X", "utf8"]  # how every learner process's Python is started
WARM_VARIABLE = "GRADER_WARM_START"  # 0: every bubblewrap run starts a Python of its own (slower, same confinement)
IS_POSIX = os.name == "posix"

HARNESS_DIR = Path(__file__).resolve().parent
HARNESS_FILES = ("child.py", "wire.py", "syscalls.py", "warm.py")
SANDBOX_HARNESS = "/grader-harness"
SANDBOX_HOME = "/learner"  # the learner's working folder inside bubblewrap: a tmpfs holding their file
SANDBOX_UID = 65534  # "nobody", as the learner's code sees itself inside bubblewrap
TMPFS_BYTES = 64 * 1024 * 1024
UID_BASE, UID_SLOTS = 61000, 256  # separate-user: one uid per concurrent run, none of them a real account
SLOTS_DIR = Path("/run/grader-sandbox")
END_WAIT = 5.0  # seconds to prove a run's processes are gone

# Learner code never talks to real AWS: fake credentials, no config files, every endpoint a dead port.
AWS_ENVIRONMENT = {
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


class SandboxUnavailable(Exception):
    """The confinement asked for cannot work on this machine (the message says why, in one line)."""


def confined_environment(home: str) -> dict:
    """Everything a confined learner process gets: an allowlist, nothing of the grader's own environment."""
    return {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": home, "TMPDIR": "/tmp", "USER": "learner",
            "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "PYTHONHASHSEED": "0", **AWS_ENVIRONMENT}


def private_temp(folder: str) -> dict:
    """Where Python's tempfile puts the run's temporary files: its own folder, gone with the run, as bubblewrap
    gives each run a /tmp of its own. (A path written out, "/tmp/x", still reaches the shared /tmp there.)"""
    return {"TMPDIR": folder, "TEMP": folder, "TMP": folder}


def unconfined_environment() -> dict:
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "PYTHON"))}
    environment.update(AWS_ENVIRONMENT)
    return environment


def python_paths() -> list[str]:
    """The folders a learner's Python needs to start and import (its installation and environment)."""
    paths = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix)}
    paths.add(os.path.dirname(os.path.realpath(sys.executable)))
    paths |= {os.path.abspath(p) for p in (sys.prefix, sys.exec_prefix)}  # a venv is found by its unresolved path
    return sorted(paths)


# --- the kinds -------------------------------------------------------------------------------------------

class Unconfined:
    kind = NONE
    words = "no sandbox: learner code runs as you, with your files and network"

    def start(self, file: Path, python_options: list[str], pipes: dict, *, aws: bool = False) -> "Run":
        """Start ``file`` in the harness; ``aws``: its step's code talks to (the simulated) DynamoDB."""
        workdir = tempfile.mkdtemp(prefix="grader-run-")
        options = {"start_new_session": True} if IS_POSIX else {
            "creationflags": subprocess.CREATE_NEW_PROCESS_GROUP | getattr(subprocess, "CREATE_NO_WINDOW", 0)}
        process = subprocess.Popen([sys.executable, *python_options, str(HARNESS_DIR / "child.py")],
                                   cwd=workdir, env={**unconfined_environment(), **private_temp(workdir)},
                                   **pipes, **options)
        return Run(process, str(file), workdir)

    def request(self) -> dict:
        """What the harness is asked to do itself, on top of the sandbox."""
        return {}


class Bubblewrap(Unconfined):
    kind = BUBBLEWRAP
    words = "bubblewrap: no network, no files but its own, every process ended with its run"

    def __init__(self, bwrap: str, version: tuple[int, ...] = (0, 8), seccomp: bytes | None = None):
        self.bwrap = bwrap
        self.version = version  # older releases lack some options (Ubuntu 22.04 ships 0.6)
        self.seccomp = seccomp  # the filter as BPF, where libseccomp's bindings are installed
        # Runs forked from a warm sandbox (warm.py), where that works here and is not turned off; else each run
        # is a bwrap of its own. Both confine a run the same way.
        # Two warm sandboxes: one that has imported boto3 too, for the steps whose code talks to DynamoDB, and a
        # lean one for the others (a fork costs in proportion to the memory it copies).
        self._zygotes: dict[bool, Zygote] = {}
        self.warm = os.environ.get(WARM_VARIABLE, "1").strip() != "0"
        self._zygote_lock = threading.Lock()
        self._failed_runs = 0
        if not seccomp:
            self.words += " (no seccomp filter: libseccomp's Python bindings are not installed, so its code may " \
                          "start processes, up to what the machine allows)"

    def command(self, python_options: list[str], extra: list[str], script: str = "child.py") -> list[str]:
        binds = []
        for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
            path = Path("/") / name
            if path.is_symlink():
                binds += ["--symlink", os.readlink(path), str(path)]
            elif path.is_dir():
                binds += ["--ro-bind", str(path), str(path)]
        for path in python_paths():
            if not (path == "/usr" or path.startswith("/usr/")):
                binds += ["--ro-bind", path, path]
        environment = [arg for key, value in confined_environment(SANDBOX_HOME).items()
                       for arg in ("--setenv", key, value)]
        harness = [arg for name in HARNESS_FILES
                   for arg in ("--ro-bind", str(HARNESS_DIR / name), f"{SANDBOX_HARNESS}/{name}")]
        return [
            self.bwrap, "--unshare-all", "--unshare-user", "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID),
            *(["--disable-userns"] if self.version >= (0, 8) else []),
            # Killed with us: bwrap ties this to the thread that starts it, so learner processes are started
            # from a thread that outlives their run (the main thread, here and in grade-class's workers).
            "--die-with-parent", "--new-session", "--hostname", "learner",
            "--clearenv", *environment,
            # The tmpfs first: a Python installed below /tmp is then bound on top of it, not hidden by it.
            "--proc", "/proc", "--dev", "/dev", *self._sized(), "--tmpfs", "/dev/shm",
            *self._sized(), "--tmpfs", "/tmp",
            *self._sized(), "--tmpfs", SANDBOX_HOME,
            "--ro-bind", "/usr", "/usr", *binds, *harness,
            *extra,
            # Nothing writable but the size-capped tmpfs above: not the sandbox's root (bwrap's own tmpfs, which
            # runs forked from one warm sandbox share), /dev, or /proc (e.g. another process's oom_score_adj).
            "--remount-ro", "/", "--remount-ro", "/dev", "--remount-ro", "/proc",
            "--chdir", SANDBOX_HOME,
            "--", sys.executable, *python_options, f"{SANDBOX_HARNESS}/{script}",
        ]

    def _sized(self) -> list[str]:
        return ["--size", str(TMPFS_BYTES)] if self.version >= (0, 7) else []

    def start(self, file: Path, python_options: list[str], pipes: dict, *, aws: bool = False) -> "Run":
        data = read_regular(file)
        zygote = self.zygote(python_options, aws=aws)
        if zygote is not None:
            try:
                return zygote.start(file.name, data)
            except ZygoteFailed:
                with self._zygote_lock:  # started afresh for the next run (once); this one starts cold
                    self._zygotes.pop(aws, None)
                    self._failed_runs += 1
                    self.warm = self.warm and self._failed_runs < 2
        return self._start_cold(file.name, data, python_options, pipes)

    def zygote(self, python_options: list[str] | None = None, *, aws: bool = False) -> "Zygote | None":
        """The warm sandbox runs are forked from (``aws``: the one with boto3 imported), started once; None where
        warm starts do not work here."""
        with self._zygote_lock:
            zygote = self._zygotes.get(aws)
            if self.warm and (zygote is None or not zygote.alive()):
                try:
                    self._zygotes[aws] = Zygote.start_in(self, python_options or PYTHON_OPTIONS, aws=aws)
                except ZygoteFailed:
                    self.warm = False
                    self._zygotes.clear()
            return self._zygotes.get(aws) if self.warm else None

    def _start_cold(self, name: str, content: bytes, python_options: list[str], pipes: dict) -> "Run":
        inside = f"{SANDBOX_HOME}/{name}"
        data = _memory_file("learner-file", content)
        program = _memory_file("seccomp", self.seccomp) if self.seccomp else None
        info_read, info_write = os.pipe()
        passed = [fd for fd in (data, program, info_write) if fd is not None]
        try:
            extra = ["--perms", "0644", "--ro-bind-data", str(data), inside, "--info-fd", str(info_write)]
            if program is not None:
                extra += ["--seccomp", str(program)]
            process = subprocess.Popen(self.command(python_options, extra), env={"PATH": os.defpath},
                                       pass_fds=passed, start_new_session=True, **pipes)
        except BaseException:
            os.close(info_read)
            raise
        finally:
            for fd in passed:
                os.close(fd)
        return BubblewrapRun(process, inside, info_read)


class ZygoteFailed(Exception):
    """The warm sandbox did not start, or did not start a run: that run starts cold."""


class _Keeper:
    """One thread that lives as long as the grader process and starts the warm sandbox: bwrap's
    --die-with-parent ties the sandbox to the thread that started it, not to the process."""

    def __init__(self):
        self._jobs: queue.Queue = queue.Queue()
        threading.Thread(target=self._work, name="warm-sandbox-keeper", daemon=True).start()

    def _work(self) -> None:
        while True:
            job, answer = self._jobs.get()
            try:
                answer.put((job(), None))
            except BaseException as error:  # noqa: BLE001 - handed to the caller
                answer.put((None, error))

    def call(self, job):
        answer: queue.Queue = queue.Queue()
        self._jobs.put((job, answer))
        result, error = answer.get()
        if error is not None:
            raise error
        return result


@functools.cache
def _keeper() -> _Keeper:
    return _Keeper()


ZYGOTE_START_WAIT = 60.0  # seconds for the warm sandbox to import boto3, on a machine as busy as it may be
RUN_START_WAIT = 30.0


class Zygote:
    """The grader's end of warm.py: one warm bwrap sandbox that each run is forked from (see warm.py)."""

    def __init__(self, process: subprocess.Popen, control: socket.socket):
        self._process = process
        self._control = control
        self._lock = threading.Lock()
        self._retired = False

    @classmethod
    def start_in(cls, sandbox: "Bubblewrap", python_options: list[str], *, aws: bool) -> "Zygote":
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        # CAP_SYS_ADMIN within its own user namespace, to make each run's namespaces. As the namespace's first
        # process (not bwrap's init, which has no seccomp filter and is no run's to reach).
        extra = ["--cap-add", "CAP_SYS_ADMIN", "--as-pid-1"]
        # A Python installed below /tmp (a kit cloned there) is bound into each run's new /tmp again.
        kept = [arg for path in python_paths() if path == "/tmp" or path.startswith("/tmp/") for arg in ("--keep", path)]
        command = sandbox.command(python_options, extra, script="warm.py") + (["--boto3"] if aws else []) + kept

        def spawn() -> subprocess.Popen:
            # Its own errors only on request, as for every fault of the grader's (GRADER_DEBUG=1).
            errors = None if os.environ.get("GRADER_DEBUG") else subprocess.DEVNULL
            return subprocess.Popen(command, env={"PATH": os.defpath}, stdin=theirs, stdout=subprocess.DEVNULL,
                                    stderr=errors, start_new_session=True)

        try:
            process = _keeper().call(spawn)
        except OSError as error:
            ours.close()
            raise ZygoteFailed(str(error)) from None
        finally:
            theirs.close()
        try:
            ours.sendall(b"seccomp " + (sandbox.seccomp or b""))  # the filter a cold run gets from bwrap
            ready, _, _ = select.select([ours], [], [], ZYGOTE_START_WAIT)
            greeting = ours.recv(64) if ready else b""
        except OSError:
            greeting = b""
        if greeting != b"ready":
            ours.close()
            process.kill()
            process.wait()
            raise ZygoteFailed("the warm sandbox did not start")
        return cls(process, ours)

    def alive(self) -> bool:
        return not self._retired and self._process.poll() is None

    def retire(self) -> None:
        """Start no more runs from it: it ends once the runs it started have (ending it now would end them)."""
        self._retired = True
        with self._lock:
            self._control.close()

    def start(self, name: str, content: bytes) -> "WarmRun":
        """A run of a learner file named ``name`` holding ``content``, forked from the warm sandbox."""
        opened: list[int] = []
        try:
            file = _memory_file("learner-file", content)
            opened.append(file)
            stdin_read, stdin_write = os.pipe()
            stdout_read, stdout_write = os.pipe()
            stderr_read, stderr_write = os.pipe()
            opened += [stdin_read, stdin_write, stdout_read, stdout_write, stderr_read, stderr_write]
            answer, answer_theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
            header = json.dumps({"name": name, "tmpfs_bytes": TMPFS_BYTES}).encode("utf-8")
            with self._lock:
                socket.send_fds(self._control, [header],
                                [stdin_read, stdout_write, stderr_write, file, answer_theirs.fileno()])
            answer_theirs.close()
            for descriptor in (stdin_read, stdout_write, stderr_write, file):
                os.close(descriptor)
                opened.remove(descriptor)
            ready, _, _ = select.select([answer], [], [], RUN_START_WAIT)
            message, fds, _, _ = socket.recv_fds(answer, 64, 1) if ready else (b"", [], 0, None)
            if message != b"pid" or len(fds) != 1:
                for descriptor in fds:
                    os.close(descriptor)
                answer.close()
                raise OSError("the warm sandbox did not start the run")
        except OSError as error:  # every descriptor of the run is closed: its pipes, its file
            for descriptor in opened:
                os.close(descriptor)
            raise ZygoteFailed(str(error)) from None
        process = WarmProcess(os.fdopen(stdin_write, "wb"), os.fdopen(stdout_read, "rb"),
                              os.fdopen(stderr_read, "rb"), answer, self)
        return WarmRun(process, f"{SANDBOX_HOME}/{name}", fds[0])


class WarmProcess:
    """A forked run seen as subprocess.Popen is: its pipes, and its exit status once it has one."""

    def __init__(self, stdin, stdout, stderr, answer: socket.socket, zygote: "Zygote"):
        self.stdin, self.stdout, self.stderr = stdin, stdout, stderr
        self._answer = answer
        self._zygote = zygote
        self.returncode: int | None = None
        self.unconfined = False  # the run could not be confined, so the learner's code never ran

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None and self._read_exit(timeout) is None:
            raise subprocess.TimeoutExpired("learner run", timeout)
        return self.returncode

    def _read_exit(self, timeout: float | None) -> int | None:
        try:
            ready, _, _ = select.select([self._answer], [], [], timeout)
            if not ready:
                return None
            words = self._answer.recv(64).split()
            # No word: the sandbox itself ended (and every run in it): as good as killed.
            self.returncode = int(words[1]) if len(words) == 2 and words[0] == b"exit" else -signal.SIGKILL
            if words == [b"unconfined"]:
                self.unconfined = True
                self._zygote.retire()  # something is wrong with it: the next run gets a new one
        except (OSError, ValueError):
            self.returncode = -signal.SIGKILL
        self._answer.close()
        return self.returncode


class SeparateUser(Unconfined):
    kind = SEPARATE_USER

    def __init__(self, seccomp: bool):
        self.seccomp = seccomp
        self.words = ("a user of its own" + (" with a seccomp filter (no sockets, no new processes)" if seccomp
                      else " (no seccomp: libseccomp's Python bindings are not installed, so the network is open)")
                      + "; every process ended with its run")

    def start(self, file: Path, python_options: list[str], pipes: dict, *, aws: bool = False) -> "Run":
        slot = _take_uid_slot()
        uid = UID_BASE + slot.number
        workdir = Path(tempfile.mkdtemp(prefix="grader-run-"))
        try:
            os.chmod(workdir, 0o711)
            harness, home = workdir / "harness", workdir / "home"
            harness.mkdir(mode=0o755)
            for name in HARNESS_FILES:
                shutil.copyfile(HARNESS_DIR / name, harness / name)
                os.chmod(harness / name, 0o644)
            home.mkdir(mode=0o700)
            os.chown(home, uid, uid)
            (home / file.name).write_bytes(read_regular(file))
            os.chmod(home / file.name, 0o644)
            process = subprocess.Popen([sys.executable, *python_options, str(harness / "child.py")],
                                       cwd=home, env={**confined_environment(str(home)), **private_temp(str(home))},
                                       user=uid, group=uid,
                                       extra_groups=[], start_new_session=True, **pipes)
        except BaseException:
            slot.release()
            shutil.rmtree(workdir, ignore_errors=True)
            raise
        return SeparateUserRun(process, str(home / file.name), str(workdir), uid, slot)

    def request(self) -> dict:
        return {"seccomp": self.seccomp, "max_processes": 64}


# --- one run ---------------------------------------------------------------------------------------------

class Run:
    """A started learner process and what it takes to end it, and everything it started."""

    def __init__(self, process: subprocess.Popen, learner_file: str, workdir: str | None):
        self.process = process
        self.learner_file = learner_file  # the file as the harness opens it
        self.workdir = workdir

    def exit_code(self, returncode: int) -> int:
        """The learner process's exit status as subprocess gives it (negative: killed by that signal)."""
        return returncode

    def sandbox_failed(self) -> bool:
        """True when the run could not be confined (the learner's code never ran): the grader's fault."""
        return False

    def kill(self) -> None:
        if IS_POSIX:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        elif self.process.poll() is None:
            subprocess.run(["taskkill", "/T", "/F", "/PID", str(self.process.pid)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        try:
            self.process.kill()
        except OSError:
            pass

    def finish(self) -> bool:
        """Kill the run and wait until its processes are gone; False if that could not be proven in time
        (without a sandbox a process that left the process group cannot be found, so only ours counts)."""
        self.kill()
        try:
            self.process.wait(timeout=END_WAIT)
            ended = True
        except subprocess.TimeoutExpired:
            ended = False
        if self.workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
        return ended


class BubblewrapRun(Run):
    def __init__(self, process: subprocess.Popen, learner_file: str, info_fd: int):
        super().__init__(process, learner_file, None)
        self._init = -1  # a pidfd of the sandbox's first process: its end is the end of the namespace
        self._known = threading.Event()  # set once _init is what it will be
        # Opened as soon as bwrap says the pid (within milliseconds, long before the learner's Python could
        # have ended and its pid been reused), without holding up the start.
        self._watcher = threading.Thread(target=self._watch, args=(info_fd,), daemon=True)
        self._watcher.start()

    def _watch(self, info_fd: int) -> None:
        data = b""
        try:
            # bwrap may write its information in pieces; closing our end before it is done would kill it
            # with SIGPIPE. It closes its end once it has said everything.
            while b"child-pid" not in data or not data.rstrip().endswith(b"}"):
                ready, _, _ = select.select([info_fd], [], [], 30)
                chunk = os.read(info_fd, 4096) if ready else b""
                if not chunk:
                    break
                data += chunk
            self._init = os.pidfd_open(int(json.loads(data)["child-pid"]))
            self._known.set()
            while os.read(info_fd, 4096):
                pass
        except (OSError, ValueError, KeyError, TypeError):
            pass  # bwrap never started a sandbox, or it is already gone
        finally:
            self._known.set()
            os.close(info_fd)

    def exit_code(self, returncode: int) -> int:
        return -(returncode - 128) if returncode > 128 else returncode  # bwrap says "killed by N" as 128 + N

    def _namespace_init(self) -> int:
        self._known.wait(END_WAIT)
        return self._init

    def kill(self) -> None:
        init = self._namespace_init()
        if init >= 0:
            try:
                signal.pidfd_send_signal(init, signal.SIGKILL)
            except ProcessLookupError:
                pass
        super().kill()

    def finish(self) -> bool:
        ended = super().finish()
        init = self._namespace_init()
        if init >= 0:
            # The first process of a PID namespace ends only after every other process in it has ended.
            ready, _, _ = select.select([init], [], [], END_WAIT)
            os.close(init)
            self._init = -1
            ended = ended and bool(ready)
        return ended


class WarmRun(Run):
    """A run forked from the warm sandbox. Its pidfd is the first process of its PID namespace: killing it ends
    every process of the run, and it ends only after all of them have."""

    def __init__(self, process: WarmProcess, learner_file: str, pidfd: int):
        super().__init__(process, learner_file, None)
        self._pidfd = pidfd

    def kill(self) -> None:
        if self._pidfd >= 0:
            try:
                signal.pidfd_send_signal(self._pidfd, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def sandbox_failed(self) -> bool:
        return self.process.unconfined

    def finish(self) -> bool:
        self.kill()
        if self._pidfd < 0:
            return True
        ready, _, _ = select.select([self._pidfd], [], [], END_WAIT)
        os.close(self._pidfd)
        self._pidfd = -1
        try:
            self.process.wait(timeout=END_WAIT)
        except subprocess.TimeoutExpired:
            pass
        return bool(ready)


class SeparateUserRun(Run):
    def __init__(self, process, learner_file: str, workdir: str, uid: int, slot):
        super().__init__(process, learner_file, workdir)
        self.uid = uid
        self._slot = slot

    def finish(self) -> bool:
        ended = super().finish()
        deadline = time.monotonic() + END_WAIT
        while processes_of(self.uid):
            if time.monotonic() > deadline:
                return False  # the slot stays taken: its uid is never handed to another run
            kill_every_process_of(self.uid)
        remove_files_of(self.uid)  # before the uid is handed on: nothing of this run reaches the next
        self._slot.release()
        return ended


SHARED_FOLDERS = ("/tmp", "/var/tmp", "/dev/shm")  # where any user may leave files


def remove_files_of(uid: int) -> None:
    """Delete what ``uid`` left in the folders every user may write to."""
    for folder in SHARED_FOLDERS:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.stat(follow_symlinks=False).st_uid != uid:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    os.unlink(entry.path)
            except OSError:
                pass


def open_to_others(path: Path) -> bool:
    """True when a user with no rights of its own can reach ``path`` and read or write it: every folder above
    it lets others through, and it lets others in."""
    try:
        path = path.resolve()
        return bool(path.stat().st_mode & 0o007) and all(folder.stat().st_mode & 0o001 for folder in path.parents)
    except OSError:
        return False


def must_be_closed(paths: list[Path]) -> None:
    """As a separate user, learner code can read whatever others may read: the kit and the learners' work
    must be closed to others first (one line saying how, otherwise)."""
    for path in paths:
        if open_to_others(path):
            raise SandboxUnavailable(
                f"{path} can be read by other users, and without bubblewrap learner code runs as another user: "
                f"close it with `chmod o= {path}`, or install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap)")


def processes_of(uid: int) -> list[int]:
    """Every live process whose real, effective or saved uid is ``uid`` (read from /proc as root)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status", encoding="ascii", errors="replace") as status:
                fields = dict(line.split(":", 1) for line in status if ":" in line)
        except OSError:
            continue
        uids = fields.get("Uid", "").split()[:3]
        if str(uid) in uids and not fields.get("State", "").strip().startswith(("Z", "X")):
            found.append(int(entry))
    return found


def kill_every_process_of(uid: int) -> None:
    """kill(-1, SIGKILL) from a process of that uid: the kernel signals every process the uid owns."""
    subprocess.run([sys.executable, "-I", "-S", "-c", "import os, signal; os.kill(-1, signal.SIGKILL)"],
                   user=uid, group=uid, extra_groups=[], env={}, cwd="/", stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, timeout=END_WAIT)


class _UidSlot:
    def __init__(self, number: int, handle):
        self.number = number
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            self._handle.close()  # closing the file drops its lock
            self._handle = None


def _slots_dir() -> Path:
    SLOTS_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = SLOTS_DIR.lstat()
    if not SLOTS_DIR.is_dir() or SLOTS_DIR.is_symlink() or info.st_uid != os.geteuid() or info.st_mode & 0o022:
        raise SandboxUnavailable(f"{SLOTS_DIR} must be a folder of root's that no one else can write")
    return SLOTS_DIR


def _take_uid_slot() -> _UidSlot:
    """A uid no other run (in any process) uses now: slots are files locked for as long as the run lasts."""
    import fcntl

    folder = _slots_dir()
    for number in range(UID_SLOTS):
        handle = open(folder / f"slot-{number}", "a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            continue
        if processes_of(UID_BASE + number):  # left over from a run that could not end them: not reused
            handle.close()
            continue
        return _UidSlot(number, handle)
    raise SandboxUnavailable(f"all {UID_SLOTS} learner uids are busy")


# --- choosing --------------------------------------------------------------------------------------------

def _probe(command: list[str], **options) -> bool:
    try:
        done = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              timeout=30, check=False, **options)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def read_regular(file: Path) -> bytes:
    """The bytes of ``file``, which must be a regular file and not a link (the grader may be root)."""
    descriptor = os.open(file, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise OSError(f"{file} is not a regular file")
        return handle.read()


def _memory_file(name: str, data: bytes) -> int:
    """A file descriptor of an anonymous in-memory file holding ``data``, read from its start."""
    descriptor = os.memfd_create(name)
    os.write(descriptor, data)
    os.lseek(descriptor, 0, os.SEEK_SET)
    return descriptor


def _seccomp_program() -> bytes | None:
    """The learner's seccomp filter as BPF for bubblewrap (exec allowed: bwrap loads it before it starts
    Python), or None without libseccomp's bindings."""
    try:
        import pyseccomp

        from . import syscalls

        with tempfile.TemporaryFile() as program:
            syscalls.build(pyseccomp, allow_exec=True).export_bpf(program)
            program.seek(0)
            return program.read()
    except (ImportError, RuntimeError, OSError):
        return None


def _version(bwrap: str) -> tuple[int, ...]:
    """bwrap's version, e.g. (0, 8, 0) from "bubblewrap 0.8.0"; (0,) if it does not say."""
    try:
        words = subprocess.run([bwrap, "--version"], capture_output=True, text=True, timeout=30).stdout.split()
        return tuple(int(part) for part in words[-1].split(".")) if words else (0,)
    except (OSError, ValueError, subprocess.SubprocessError):
        return (0,)


def _bubblewrap() -> Bubblewrap | None:
    bwrap = shutil.which("bwrap") if sys.platform.startswith("linux") else None
    if not bwrap:
        return None
    sandbox = Bubblewrap(bwrap, _version(bwrap), _seccomp_program())
    command = sandbox.command(["-I", "-S", "-c", "pass"], [])
    command[command.index("--") + 2:] = ["-I", "-S", "-c", "pass"]
    if not _probe(command, env={"PATH": os.defpath}):
        return None
    if sandbox.seccomp:  # a kernel or bwrap that cannot take the filter: the sandbox still holds without it
        program = _memory_file("seccomp", sandbox.seccomp)
        try:
            command[command.index("--"):command.index("--")] = ["--seccomp", str(program)]
            if not _probe(command, env={"PATH": os.defpath}, pass_fds=(program,)):
                sandbox = Bubblewrap(bwrap, sandbox.version, None)
        finally:
            os.close(program)
    return sandbox


def _separate_user() -> SeparateUser | None:
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        return None
    probe = {"user": UID_BASE + UID_SLOTS, "group": UID_BASE + UID_SLOTS, "extra_groups": [], "cwd": "/", "env": {}}
    if not _probe([sys.executable, "-I", "-S", "-c", "pass"], **probe):
        return None  # this Python cannot be run by another user (e.g. installed under /root)
    seccomp = _probe([sys.executable, "-I", "-c", "import pyseccomp"], **probe)
    return SeparateUser(seccomp)


NOT_HERE = {
    BUBBLEWRAP: "bubblewrap does not work here: install it (Debian/Ubuntu: apt-get install bubblewrap) and allow "
                "user namespaces",
    SEPARATE_USER: "a separate user needs Linux, root, and a Python that other users can run",
}


@functools.cache
def current() -> Unconfined:
    """The confinement for this grader process: GRADER_SANDBOX's choice, else the strongest that works."""
    wanted = os.environ.get(VARIABLE, "auto").strip().lower() or "auto"
    if wanted not in (*KINDS, "auto"):
        raise SandboxUnavailable(f"{VARIABLE} must be auto, {', '.join(KINDS)} (it is {wanted!r})")
    if wanted == NONE:
        return Unconfined()
    for kind, make in ((BUBBLEWRAP, _bubblewrap), (SEPARATE_USER, _separate_user)):
        if wanted in (kind, "auto"):
            sandbox = make()
            if sandbox is not None:
                return sandbox
            if wanted == kind:
                raise SandboxUnavailable(f"{VARIABLE}={kind}, but {NOT_HERE[kind]}")
    return Unconfined()


def warm_up() -> bool:
    """Start the warm sandbox in the background (see warm.py), so that the first run need not wait for it.
    True when runs will be forked from it (then starting them early gains nothing)."""
    try:
        sandbox = current()
    except SandboxUnavailable:
        return False  # said when a run asks for the sandbox
    if not (isinstance(sandbox, Bubblewrap) and sandbox.warm):
        return False
    for aws in (False, True):
        threading.Thread(target=sandbox.zygote, args=(PYTHON_OPTIONS,), kwargs={"aws": aws}, name="warm-up",
                         daemon=True).start()
    return True


def require(allow_unconfined: bool) -> Unconfined:
    """For instructors: the confinement, or a one-line refusal to grade unconfined unless they asked for it."""
    sandbox = current()
    if sandbox.kind == NONE and not allow_unconfined:
        why = (f"{VARIABLE}=none asks for no sandbox: unset it (bubblewrap is used where it works), or" if os.environ.get(VARIABLE, "").strip().lower()
               == NONE else "Install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap), run as root, or")
        raise SandboxUnavailable(
            "refusing to grade without a sandbox: learner code could change grades or read other learners' "
            f"work. {why} pass --unconfined (for Gradescope: build the zip with --unconfined) to grade anyway")
    return sandbox
