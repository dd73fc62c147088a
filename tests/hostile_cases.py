"""Learner files that loop, exit, flood, cheat or reach for the network: one entry per case.

Each case replaces one step's file in a copy of the solutions. The test suite (test_hostile_code.py)
checks what the grader says; benchmarks/hostile_times.py times the same cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SOLUTIONS = Path(__file__).resolve().parent.parent / "solutions"
TIME_LIMIT = "4"  # seconds; the cases that never end are stopped after this


@dataclass(frozen=True)
class Case:
    name: str
    step: int
    status: str
    words: tuple[str, ...]  # each must be in the message; "a|b" means a or b
    source: str
    posix_only: bool = False


def solution(step: int) -> str:
    return next(SOLUTIONS.glob(f"step{step}_*.py")).read_text(encoding="utf-8")


def with_return(body: str) -> str:
    """The step-3 solution with process_event's return line replaced by ``body`` (indented 4)."""
    return solution(3).replace("    return (product_id, stock)", "\n".join("    " + line for line in body.split("\n")))


STEP2 = solution(2)
STEP5 = solution(5)

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

CASES = [
    # --- code that never finishes ---
    Case("loop_at_import", 2, "timeout", ("stopped your file", "seconds of processor time"), STEP2 + "\nwhile True:\n    pass\n"),
    Case("loop_in_process_event", 3, "timeout", ("stopped process_event(...)",), with_return("while True:\n    pass")),
    Case("loop_ignoring_sigterm", 2, "timeout", ("seconds of processor time",),
         STEP2 + "\nimport signal\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nwhile True:\n    pass\n"),
    Case("thread_that_never_ends", 2, "timeout", ("started a thread", "never ended"),
         STEP2 + "\nimport threading, time\nthreading.Thread(target=time.sleep, args=(3600,), name='sleeper').start()\n"),
    Case("fork", 2, "error", ("os.fork",),
         STEP2 + "\nimport os, time\nif os.fork() == 0:\n    time.sleep(3600)\n", posix_only=True),
    Case("fork_whose_copy_carries_on", 2, "error", ("os.fork",), STEP2 + "\nimport os\nos.fork()\n",
         posix_only=True),
    # --- early exits ---
    Case("sys_exit_0_in_process_event", 3, "error", ("called sys.exit(0)", "inside process_event"),
         with_return("import sys\nsys.exit(0)")),
    Case("sys_exit_message_in_process_event", 3, "error", ("called sys.exit('bye')",),
         with_return("import sys\nsys.exit('bye')")),
    Case("os_exit_0_in_process_event", 3, "error", ("ended the program itself (exit status 0)", "while process_event ran"),
         with_return("import os\nos._exit(0)")),
    Case("os_exit_0_at_import", 2, "error", ("ended the program itself (exit status 0)",),
         "import os\nos._exit(0)\n" + STEP2),
    # --- input and output ---
    Case("input", 2, "error", ("input()", "no keyboard input"), STEP2 + "\nname = input('Your name? ')\n"),
    # Output costs no points on its own: cut, said, and graded on.
    Case("megabytes_of_output", 2, "passed", ("output truncated", "printed 5,"), STEP2 + "\nprint('x' * 5_000_000)\n"),
    Case("output_imitating_the_grader", 3, "failed", ("It must return",),
         solution(3).replace("    return (product_id, stock)",
                             "    print('✓ Step 3: Write the event processing function (passed)')\n"
                             "    print('{\"steps\": [], \"passed\": 4, \"total\": 4}')\n"
                             "    return ('P123', 50)")),
    # --- resources ---
    Case("memory_blow_up", 2, "error", ("used too much memory",), STEP2 + "\nhoard = [b'x' * (1 << 20) for _ in range(4096)]\n",
         posix_only=True),
    Case("deep_recursion", 2, "error", ("RecursionError", "kept calling itself"),
         STEP2 + "\ndef down(n):\n    return down(n + 1)\ndown(0)\n"),
    # Python 3.11 crashes on the C stack; 3.12+ has a C recursion limit of its own and raises RecursionError.
    Case("deep_recursion_past_the_c_stack", 2, "error", ("crashed|RecursionError",),
         STEP2 + "\nimport sys\nsys.setrecursionlimit(10**8)\nnested = []\nfor _ in range(10**6):\n"
                 "    nested = [nested]\nrepr(nested)\n", posix_only=True),
    # --- broken or unusual files ---
    Case("syntax_error", 2, "error", ("SyntaxError on line 1", "^"), "products_table = {\n" + STEP2),
    Case("indentation_error", 2, "error", ("IndentationError", "Indent with 4 spaces"),
         STEP2.replace("stream_arn =", "  stream_arn =")),
    Case("not_utf8", 2, "error", ("not saved as UTF-8", "line 2"), "# Step 2\n# caf\xe9\n" + STEP2),
    Case("empty_file", 2, "failed", ("does not define products_table",), ""),
    Case("byte_order_mark", 2, "passed", (), "\ufeff" + STEP2),
    Case("crlf_line_endings", 2, "passed", (), STEP2.replace("\n", "\r\n")),
    Case("byte_order_mark_and_crlf_step_4", 4, "passed", (), "\ufeff" + solution(4).replace("\n", "\r\n")),
    # --- return values built to cheat comparisons ---
    Case("tuple_subclass", 3, "failed", ("made from tuple, not a plain tuple",),
         with_return("class Answer(tuple):\n    pass\nreturn Answer((product_id, stock))")),
    Case("eq_always_true", 3, "failed", ("It must return a tuple",),
         with_return("class Anything:\n    def __eq__(self, other):\n        return True\nreturn Anything()")),
    Case("str_subclass", 3, "failed", ("made from str, not a plain str",),
         with_return("class Text(str):\n    pass\nreturn (Text(product_id), stock)")),
    Case("decimal_that_equals_an_int", 3, "failed", ("a Decimal", "convert with int(...)"),
         with_return("from decimal import Decimal\nreturn (product_id, Decimal(stock))")),
    # --- network ---
    Case("socket_connection", 2, "error", ("tried to connect to the network",),
         STEP2 + "\nimport socket\ntry:\n    socket.create_connection(('example.com', 80), timeout=1)\n"
                 "except OSError:\n    pass\n"),
    Case("boto3_client_at_import", 2, "error", ("tried to connect to the network (an AWS service)",),
         "import boto3\nclient = boto3.client('dynamodb')\ntry:\n    client.list_tables()\nexcept Exception:\n"
         "    pass\n" + STEP2),
    Case("dynamodb_local_endpoint_in_the_bonus", 5, "error", ("tried to connect to the network",),
         STEP5.replace('boto3.resource("dynamodb")', 'boto3.resource("dynamodb", endpoint_url="http://localhost:8000")')),
    # --- the bonus step's DynamoDB, which the grader simulates ---
    Case("writes_kept_in_memory_and_a_fake_scan", 5, "failed", ("holds 0 items",), STEP5 + PRETEND_TABLE),
    Case("another_aws_service_in_the_handler", 5, "failed", ("simulates only DynamoDB",),
         STEP5.replace("def handle_batch(event, context):\n",
                       "def handle_batch(event, context):\n    boto3.client('s3').list_buckets()\n")),
    Case("dynamodb_calls_from_a_thread_that_never_stops", 5, "passed", (),
         STEP5 + "\nimport threading\ndef _poll():\n    client = boto3.client('dynamodb')\n    while True:\n"
                 "        client.list_tables()\nthreading.Thread(target=_poll, daemon=True).start()\n"),
    Case("dynamodb_requests_that_never_end", 5, "timeout", ("stopped handle_batch(...)",),
         STEP5.replace("def handle_batch(event, context):\n",
                       "def handle_batch(event, context):\n    while True:\n        try:\n"
                       "            audit.put_item(Item={'ProductID': 'x', 'SequenceNumber': 'y'})\n"
                       "        except Exception:\n            pass\n")),
]
