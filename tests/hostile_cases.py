"""Learner files that loop, exit, flood, cheat or reach for the network: one entry per case.

Each case replaces one step's file in a copy of the solutions; it names that step by its slug in
grader/manifest.toml, so that inserting a step renumbers nothing here. The test suite (test_hostile_code.py)
checks what the grader says; benchmarks/hostile_times.py times the same cases.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

KIT = Path(__file__).resolve().parent.parent
if str(KIT) not in sys.path:  # benchmarks/hostile_times.py imports this file from outside the kit's tests
    sys.path.insert(0, str(KIT))

from grader.manifest import load_manifest  # noqa: E402

MANIFEST = load_manifest()
SOLUTIONS = KIT / "solutions"
# Seconds of processor time for the cases that never end: their busy loops burn it, whatever the machine's speed
# (the clock's ceiling, 3 x this + 10 s, is for code that waits). Only those cases run with it, and alone: every
# other step and case keeps the manifest's own limit, so no verdict depends on how busy the machine is.
TIME_LIMIT = "1.5"


@dataclass(frozen=True)
class Case:
    name: str
    slug: str  # the step whose file this replaces, by its slug in the manifest
    status: str
    words: tuple[str, ...]  # each must be in the message; "a|b" means a or b
    source: str
    posix_only: bool = False

    @property
    def step(self) -> int:
        """The step's number today, from the manifest (where its file and its report entry are)."""
        return MANIFEST.by_slug(self.slug).number

    @property
    def never_ends(self) -> bool:
        """The file would run forever: the grader stops it at TIME_LIMIT (a timeout is what it must say)."""
        return self.status == "timeout"


def solution(slug: str) -> str:
    return (SOLUTIONS / MANIFEST.by_slug(slug).file).read_text(encoding="utf-8")


def with_return(body: str) -> str:
    """The process-event solution with process_event's return line replaced by ``body`` (indented 4)."""
    return solution("process-event").replace("    return (product_id, stock)",
                                             "\n".join("    " + line for line in body.split("\n")))


ENABLE_STREAMS = solution("enable-streams")
AUDIT_TRAIL = solution("audit-trail")

# A handler whose writes never reach DynamoDB: botocore is patched to keep them in a dict and to answer
# Scan from it. The grader reads the table itself, so this must not pass.
PRETEND_TABLE = """
import botocore.client
_kept = {}
_real_call = botocore.client.BaseClient._make_api_call
def _pretend(self, operation, params):
    if operation == "PutItem":
        item = params["Item"]
        _kept[(repr(item.get("ProductID")), repr(item.get("SequenceNumber")))] = item
        return {}
    if operation == "Scan":
        return {"Items": list(_kept.values()), "Count": len(_kept), "ScannedCount": len(_kept)}
    return _real_call(self, operation, params)
botocore.client.BaseClient._make_api_call = _pretend
"""

STREAMS, PROCESS, SIMULATE, AUDIT = "enable-streams", "process-event", "simulate-event", "audit-trail"
PROCESS_TITLE = MANIFEST.by_slug(PROCESS).title

CASES = [
    # --- code that never finishes ---
    Case("loop_at_import", STREAMS, "timeout", ("stopped your file", "seconds of processor time"),
         ENABLE_STREAMS + "\nwhile True:\n    pass\n"),
    Case("loop_in_process_event", PROCESS, "timeout", ("stopped process_event(...)", "seconds of processor time"),
         with_return("while True:\n    pass")),
    Case("loop_ignoring_sigterm", STREAMS, "timeout", ("seconds of processor time",),
         ENABLE_STREAMS + "\nimport signal\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nwhile True:\n    pass\n"),
    # Waits, burning nothing: the clock's ceiling ends it, and the thread is named.
    Case("thread_that_never_ends", STREAMS, "timeout", ("started a thread", "never ended"),
         ENABLE_STREAMS + "\nimport threading, time\n"
                          "threading.Thread(target=time.sleep, args=(3600,), name='sleeper').start()\n"),
    Case("fork", STREAMS, "error", ("os.fork",),
         ENABLE_STREAMS + "\nimport os, time\nif os.fork() == 0:\n    time.sleep(3600)\n", posix_only=True),
    Case("fork_whose_copy_carries_on", STREAMS, "error", ("os.fork",), ENABLE_STREAMS + "\nimport os\nos.fork()\n",
         posix_only=True),
    # --- early exits ---
    Case("sys_exit_0_in_process_event", PROCESS, "error", ("called sys.exit(0)", "inside process_event"),
         with_return("import sys\nsys.exit(0)")),
    Case("sys_exit_message_in_process_event", PROCESS, "error", ("called sys.exit('bye')",),
         with_return("import sys\nsys.exit('bye')")),
    Case("os_exit_0_in_process_event", PROCESS, "error",
         ("ended the program itself (exit status 0)", "while process_event ran"),
         with_return("import os\nos._exit(0)")),
    Case("os_exit_0_at_import", STREAMS, "error", ("ended the program itself (exit status 0)",),
         "import os\nos._exit(0)\n" + ENABLE_STREAMS),
    # --- input and output ---
    Case("input", STREAMS, "error", ("input()", "no keyboard input"),
         ENABLE_STREAMS + "\nname = input('Your name? ')\n"),
    # Output costs no points on its own: cut, said, and graded on.
    Case("megabytes_of_output", STREAMS, "passed", ("output truncated", "printed 5,"),
         ENABLE_STREAMS + "\nprint('x' * 5_000_000)\n"),
    Case("output_imitating_the_grader", PROCESS, "failed", ("It must return",),
         with_return(f"print('✓ Step {MANIFEST.by_slug(PROCESS).number}: {PROCESS_TITLE} (passed)')\n"
                     "print('{\"steps\": [], \"passed\": 4, \"total\": 4}')\n"
                     "return ('P123', 50)")),
    # --- resources ---
    Case("memory_blow_up", STREAMS, "error", ("used too much memory",),
         ENABLE_STREAMS + "\nhoard = [b'x' * (1 << 20) for _ in range(4096)]\n", posix_only=True),
    Case("deep_recursion", STREAMS, "error", ("RecursionError", "kept calling itself"),
         ENABLE_STREAMS + "\ndef down(n):\n    return down(n + 1)\ndown(0)\n"),
    # Python 3.11 crashes on the C stack; 3.12+ has a C recursion limit of its own and raises RecursionError.
    Case("deep_recursion_past_the_c_stack", STREAMS, "error", ("crashed|RecursionError",),
         ENABLE_STREAMS + "\nimport sys\nsys.setrecursionlimit(10**8)\nnested = []\nfor _ in range(10**6):\n"
                          "    nested = [nested]\nrepr(nested)\n", posix_only=True),
    # --- broken or unusual files ---
    Case("syntax_error", STREAMS, "error", ("SyntaxError on line 1", "^"), "products_table = {\n" + ENABLE_STREAMS),
    Case("indentation_error", STREAMS, "error", ("IndentationError", "starts with spaces that nothing asks for"),
         ENABLE_STREAMS.replace("stream_arn =", "  stream_arn =")),
    Case("not_utf8", STREAMS, "error", ("not saved as UTF-8", "line 2"), "# Step 2\n# caf\xe9\n" + ENABLE_STREAMS),
    Case("empty_file", STREAMS, "failed", ("does not define products_table",), ""),
    Case("byte_order_mark", STREAMS, "passed", (), "\ufeff" + ENABLE_STREAMS),
    Case("crlf_line_endings", STREAMS, "passed", (), ENABLE_STREAMS.replace("\n", "\r\n")),
    Case("byte_order_mark_and_crlf_in_simulate_event", SIMULATE, "passed", (),
         "\ufeff" + solution(SIMULATE).replace("\n", "\r\n")),
    # --- return values built to cheat comparisons ---
    Case("tuple_subclass", PROCESS, "failed", ("made from tuple, not a plain tuple",),
         with_return("class Answer(tuple):\n    pass\nreturn Answer((product_id, stock))")),
    Case("eq_always_true", PROCESS, "failed", ("It must return a tuple",),
         with_return("class Anything:\n    def __eq__(self, other):\n        return True\nreturn Anything()")),
    Case("str_subclass", PROCESS, "failed", ("made from str, not a plain str",),
         with_return("class Text(str):\n    pass\nreturn (Text(product_id), stock)")),
    Case("decimal_that_equals_an_int", PROCESS, "failed", ("a Decimal", "convert with int(...)"),
         with_return("from decimal import Decimal\nreturn (product_id, Decimal(stock))")),
    # --- network ---
    Case("socket_connection", STREAMS, "error", ("tried to connect to the network",),
         ENABLE_STREAMS + "\nimport socket\ntry:\n    socket.create_connection(('example.com', 80), timeout=1)\n"
                          "except OSError:\n    pass\n"),
    Case("boto3_client_at_import", STREAMS, "error", ("tried to connect to the network (an AWS service)",),
         "import boto3\nclient = boto3.client('dynamodb')\ntry:\n    client.list_tables()\nexcept Exception:\n"
         "    pass\n" + ENABLE_STREAMS),
    Case("dynamodb_local_endpoint_in_the_bonus", AUDIT, "error", ("tried to connect to", "without endpoint_url"),
         AUDIT_TRAIL.replace('boto3.resource("dynamodb")',
                             'boto3.resource("dynamodb", endpoint_url="http://localhost:8000")')),
    # --- the bonus step's DynamoDB, which the grader simulates ---
    Case("writes_kept_in_memory_and_a_fake_scan", AUDIT, "failed", ("holds no items at all",), AUDIT_TRAIL + PRETEND_TABLE),
    Case("another_aws_service_in_the_handler", AUDIT, "failed", ("simulates only DynamoDB",),
         AUDIT_TRAIL.replace("def handle_batch(event, context):\n",
                             "def handle_batch(event, context):\n    boto3.client('s3').list_buckets()\n")),
    Case("dynamodb_calls_from_a_thread_that_never_stops", AUDIT, "passed", (),
         AUDIT_TRAIL + "\nimport threading\ndef _poll():\n    client = boto3.client('dynamodb')\n    while True:\n"
                       "        client.list_tables()\nthreading.Thread(target=_poll, daemon=True).start()\n"),
    Case("dynamodb_requests_that_never_end", AUDIT, "timeout", ("stopped handle_batch(...)",),
         AUDIT_TRAIL.replace("def handle_batch(event, context):\n",
                             "def handle_batch(event, context):\n    while True:\n        try:\n"
                             "            audit.put_item(Item={'ProductID': 'x', 'SequenceNumber': 'y'})\n"
                             "        except Exception:\n            pass\n")),
]
