"""Runs one learner file in a process of its own; started by grader/sandbox/runner.py.

Protocol. The grader writes a JSON request line on our stdin. We keep private copies of stdin and
stdout as the channel, then point fd 0 at nothing and fd 1 at fd 2, so everything the learner's code
prints lands in the (capped) output pipe and nothing it does with stdin/stdout reaches the channel.
Each thing that happens goes back as one JSON line ("event"): the module ran, a call returned, an
exception, an early exit. After the module ran we wait for one more line: the calls to make.

Only the standard library may be imported here: this runs with ``python -I``.
"""

import builtins
import json
import os
import sys

HARNESS_FILE = os.path.abspath(__file__)
sys.path.insert(0, os.path.dirname(HARNESS_FILE))
import syscalls  # noqa: E402 - the path entry above is what makes these importable
import wire  # noqa: E402

del sys.path[0]

NO_NETWORK = (
    "The grader runs your code offline: it cannot open network connections "
    "(and this exercise needs none)."
)
NO_INPUT = "input() was called, but the grader gives your program no keyboard input."
FILE_SIZE_LIMIT = 64 * 1024 * 1024


class _Channel:
    def __init__(self):
        self.incoming = os.fdopen(os.dup(0), "rb")
        self.outgoing = os.fdopen(os.dup(1), "wb")
        self.owner = os.getpid()
        self._requests = None  # a queue, once route_answers() reads for us

    def send(self, event: dict) -> None:
        if os.getpid() != self.owner:  # a copy made by the learner's os.fork() must not speak for us
            os._exit(0)
        self.outgoing.write(json.dumps(event).encode("ascii") + b"\n")
        self.outgoing.flush()

    def receive(self):
        """The grader's next request (None once the grader is done)."""
        return self._requests.get() if self._requests is not None else self._read()

    def route_answers(self, key: str):
        """From now on a thread reads what the grader sends: messages with ``key`` (answers to our own
        questions, which any of the learner's threads may ask) go to the queue returned; the rest wait
        for receive(). None, when the grader is done, goes to both."""
        import queue
        import threading

        answers, self._requests = queue.Queue(), queue.Queue()

        def route():
            while True:
                message = self._read()
                if message is None:
                    answers.put(None)
                    self._requests.put(None)
                    return
                (answers if key in message else self._requests).put(message)

        threading.Thread(target=route, name="grader-channel", daemon=True).start()
        return answers

    def _read(self):
        line = self.incoming.readline()
        return json.loads(line) if line else None


class _NoInput:
    """Stands in for sys.stdin: any read says clearly that there is no keyboard input."""

    encoding = "utf-8"
    closed = False

    def _refuse(self, *args, **kwargs):
        raise EOFError(NO_INPUT)

    read = readline = readlines = __next__ = _refuse

    def __iter__(self):
        return self

    def isatty(self):
        return False

    def fileno(self):
        return 0


def _detach_standard_streams() -> None:
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.dup2(2, 1)
    sys.stdin = sys.__stdin__ = _NoInput()


def _apply_limits(memory_limit: int, max_processes) -> None:
    try:
        import resource
    except ImportError:  # Windows: the grader's wall-clock limit still applies
        return
    for limit, soft, hard in (
        (getattr(resource, "RLIMIT_AS", None), memory_limit, memory_limit),
        # Counted per user: with a uid of the run's own (separate-user), a fork bomb stops here.
        (getattr(resource, "RLIMIT_NPROC", None) if max_processes else None, max_processes, max_processes),
        # No file it writes (in its own folder, or /tmp) may grow past this: the disk is not its to fill.
        (getattr(resource, "RLIMIT_FSIZE", None), FILE_SIZE_LIMIT, FILE_SIZE_LIMIT),
    ):
        if limit is None:
            continue
        try:
            resource.setrlimit(limit, (soft, hard))
        except (ValueError, OSError):  # e.g. macOS does not enforce RLIMIT_AS
            pass


def _limit_cpu(seconds: float) -> None:
    """From here on the learner's code may use ``seconds`` of processor time (all its threads together); what
    Python and this harness used to start does not count. Soft and hard limits are the same, so the kernel
    ends the process with SIGKILL right at the limit: the grader knows that death for what it is."""
    try:
        import math
        import resource
    except ImportError:  # Windows: the grader's wall-clock limit is the only one
        return
    used = resource.getrusage(resource.RUSAGE_SELF)
    limit = math.ceil(used.ru_utime + used.ru_stime + seconds)
    try:
        resource.setrlimit(resource.RLIMIT_CPU, (limit, limit))
    except (ValueError, OSError):
        pass


def _apply_seccomp() -> None:
    """Refuse, from here on, what a learner's code needs none of (syscalls.py). Fails closed: if the filter
    cannot be loaded, the harness stops (the grader asked for it because it can be)."""
    import pyseccomp

    syscalls.build(pyseccomp, allow_exec=False).load()


def _block_network(attempts: list) -> None:
    import socket

    def refuse(*args, **kwargs):
        target = args[1] if len(args) > 1 else (args[0] if args else "?")
        attempts.append(str(target)[:200])
        raise PermissionError(NO_NETWORK)

    for name in ("connect", "connect_ex", "sendto"):
        setattr(socket.socket, name, refuse)
    socket.create_connection = refuse
    socket.getaddrinfo = lambda host, *rest, **kw: refuse(None, host)


def _learner_traceback(error: BaseException, path: str) -> str:
    """The traceback as the learner needs it: the frames of their own file, then the error itself
    (no harness frames, no library internals, no chained exceptions from inside libraries)."""
    import traceback

    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename == path]
    if not frames:
        frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename != HARNESS_FILE][-3:]
    lines = ["Traceback (most recent call last):\n"] if frames else []
    lines += traceback.format_list(frames)
    lines += traceback.format_exception_only(type(error), error)
    return "".join(lines)


def _describe_exception(error: BaseException, phase: str, path: str) -> dict:
    try:
        formatted = _learner_traceback(error, path)
    except BaseException:  # noqa: BLE001 - a learner's exception may break its own __str__
        formatted = f"{type(error).__name__} (its message could not be shown)\n"
    try:
        message = str(error)
    except BaseException:  # noqa: BLE001
        message = ""
    return {
        "event": "exception",
        "phase": phase,
        "type": type(error).__name__,
        "message": message[:2000],
        "traceback": formatted[-8000:],
    }


def _exit_event(error: SystemExit, phase: str) -> dict:
    return {"event": "exit", "phase": phase, "code": wire._safe_repr(error.code)}


def _compile(path: str, filename: str):
    """The learner's code object, or an event that says why it cannot run. ``filename`` is the name the
    grader knows the file by (its copy in a sandbox is elsewhere): tracebacks name it, and show its lines."""
    import linecache

    with open(path, "rb") as handle:
        source = handle.read()
    try:
        text = source.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return None, {"event": "not_utf8", "line": source[: error.start].count(b"\n") + 1}
    linecache.cache[filename] = (len(text), None, text.splitlines(keepends=True), filename)
    try:
        return compile(source, filename, "exec", dont_inherit=True), None
    except SyntaxError as error:
        import traceback

        return None, {
            "event": "syntax_error",
            "type": type(error).__name__,
            "message": str(error.msg),
            "line": error.lineno,
            "formatted": "".join(traceback.format_exception_only(type(error), error)),
        }
    except ValueError as error:  # e.g. null bytes in the source
        return None, {"event": "syntax_error", "type": "ValueError", "message": str(error), "line": None,
                      "formatted": str(error)}


class _LambdaContext:
    """What AWS Lambda passes a handler as its second argument, with the attributes handlers use most."""

    def __init__(self, function_name: str):
        import time
        import uuid

        self.function_name = function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{function_name}"
        self.memory_limit_in_mb = 128
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "grader"
        self._deadline = time.monotonic() + 30

    def get_remaining_time_in_millis(self) -> int:
        import time

        return max(int((self._deadline - time.monotonic()) * 1000), 0)


class _RawBody:
    """An answer's body as botocore reads it from a real connection."""

    def __init__(self, data: bytes):
        self._data = data

    def stream(self, **kwargs):
        if self._data:
            yield self._data


def _forward_aws_requests(channel: "_Channel") -> None:
    """A step whose code talks to DynamoDB: botocore's last step before the network hands each request to
    the grader instead, which answers it from a simulated DynamoDB (moto) in an account of this run's own.
    Requests to anything but an AWS endpoint still meet the network block."""
    import base64
    import threading
    import urllib.parse

    import botocore
    from botocore.awsrequest import AWSResponse

    os.environ.pop("AWS_ENDPOINT_URL", None)
    answers = channel.route_answers("aws_response")
    one_at_a_time = threading.Lock()

    def forward(request, **kwargs):
        if not (urllib.parse.urlsplit(request.url).hostname or "").endswith(".amazonaws.com"):
            return None
        body = request.body
        if hasattr(body, "read"):
            body = body.read()
        if isinstance(body, str):
            body = body.encode("utf-8")
        headers = {str(key): value.decode("latin-1") if isinstance(value, bytes) else str(value)
                   for key, value in request.headers.items()}
        with one_at_a_time:
            channel.send({"event": "aws_request", "method": request.method, "url": request.url,
                          "headers": headers, "body": base64.b64encode(body or b"").decode("ascii")})
            answer = answers.get()
        if answer is None:  # the grader is done with this run
            os._exit(0)
        answer = answer["aws_response"]
        return AWSResponse(request.url, answer["status"], answer["headers"],
                           _RawBody(base64.b64decode(answer["body"])))

    def on_every_session(session) -> None:
        session.register("before-send", forward)

    # botocore's public hook for every session made from now on (the learner's code makes its own, through
    # boto3.client, boto3.resource or a Session of its own).
    botocore.register_initializer(on_every_session)
    boto3 = sys.modules.get("boto3")  # a warm start (warm.py) made boto3's default session already
    if boto3 is not None and boto3.DEFAULT_SESSION is not None:
        boto3.DEFAULT_SESSION.events.register("before-send", forward)


PROCESS_EVENTS = {"os.fork", "os.forkpty", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "subprocess.Popen"}


def _watch_for_new_processes() -> list:
    """Every try of the learner's code to start another process or program, allowed or not: a sandbox refuses
    them and a step that tried earns nothing, so the grade is the same in every sandbox and without one."""
    tries: list = []

    def hook(event, args):
        if event in PROCESS_EVENTS:
            tries.append(event)

    sys.addaudithook(hook)
    return tries


def _wait_for_threads(channel: _Channel) -> None:
    """Like Python at exit, wait for the learner's non-daemon threads: a program with one that never
    ends never finishes, and the grader's time limit says so."""
    import threading

    running = [t for t in threading.enumerate() if t is not threading.main_thread() and not t.daemon]
    if running:
        channel.send({"event": "waiting_for_threads", "names": [t.name for t in running][:5]})
        for thread in running:
            thread.join()


def _module_report(namespace: dict, names: list, network: list) -> dict:
    values = {name: wire.encode(namespace[name]) for name in names if name in namespace}
    defined = sorted(name for name in namespace if isinstance(name, str) and not name.startswith("__"))
    return {"event": "module_done", "values": values, "defined": defined[:300], "network": network}


def _make_calls(channel: _Channel, namespace: dict, calls: list, network: list, path: str, forks: list) -> bool:
    """Make each call and report it; False if the learner's code ended the process."""
    for index, call in enumerate(calls):
        function = namespace.get(call["function"])
        args = [wire.decode(arg) for arg in call["args"]]
        if call.get("lambda_context"):
            args.append(_LambdaContext(call["function"]))
        try:
            returned = function(*args)
        except SystemExit as error:
            channel.send(dict(_exit_event(error, "call"), index=index))
            return False
        except MemoryError:
            channel.send({"event": "memory", "phase": "call", "index": index})
            return False
        except BaseException as error:  # noqa: BLE001 - anything the learner's function raises
            channel.send(dict(_describe_exception(error, "call", path), index=index, network=network))
            continue
        # Whether the function changed what it was given (a record it writes into): for the learner's words only.
        changed = [wire.encode(arg) for arg in args[:len(call["args"])]] != call["args"]
        channel.send({"event": "call_done", "index": index, "returned": wire.encode(returned), "network": network,
                      "forked": bool(forks), "changed_arguments": changed})
    return True


def main(channel: _Channel) -> None:
    _detach_standard_streams()
    request = channel.receive()
    path, filename = request["file"], request.get("filename") or request["file"]
    _apply_limits(request["memory_limit"], request.get("max_processes"))
    if request.get("seccomp"):
        _apply_seccomp()
    network: list = []
    _block_network(network)

    code, problem = _compile(path, filename)
    if problem:
        channel.send(problem)
        return
    if request.get("simulated_aws"):
        _forward_aws_requests(channel)
    namespace = {"__name__": "__main__", "__file__": path, "__builtins__": builtins, "__doc__": None}
    sys.argv = [path]
    sys.path[0:0] = [os.path.dirname(path)]
    forks = _watch_for_new_processes()
    _limit_cpu(request["time_limit"])
    try:
        exec(code, namespace)
    except SystemExit as error:
        channel.send(_exit_event(error, "module"))
        return
    except MemoryError:
        channel.send({"event": "memory", "phase": "module"})
        return
    except BaseException as error:  # noqa: BLE001 - anything the learner's module raises
        # With the values it defined before the error: a wrong sample_record is the cause to name, not the
        # KeyError process_event raised on it.
        defined = _module_report(namespace, request["names"], network)["values"]
        channel.send(dict(_describe_exception(error, "module", filename), network=network, values=defined))
        return
    _wait_for_threads(channel)
    report = _module_report(namespace, request["names"], network)
    report["forked"] = bool(forks)
    channel.send(report)

    while True:  # each request is a batch of calls; the grader closes our stdin when done
        request = channel.receive()
        if not request:
            return
        if not _make_calls(channel, namespace, request["calls"], network, filename, forks):
            return
        channel.send({"event": "calls_done"})


if __name__ == "__main__":
    status = 0
    grader_channel = _Channel()
    try:
        main(grader_channel)
    except BaseException:  # noqa: BLE001 - a fault of the harness itself: the grader reports it as its own
        import traceback

        try:
            grader_channel.send({"event": "harness_fault", "detail": traceback.format_exc()[-4000:]})
        except BaseException:  # noqa: BLE001 - the channel itself is broken: the exit status tells
            pass
        status = 70
    # Threads the learner started and atexit handlers must not keep us alive or change the status.
    os._exit(status)
