"""Every sentence a learner reads, in one place. Plain words first; Python's own words second."""

from __future__ import annotations

import decimal
import difflib

from .values import article, kind_of, show

# --- when the file could not run ------------------------------------------------------------------

EXCEPTION_EXPLANATIONS = {
    "NameError": "Python met a name it does not know. Check its spelling and capital letters, and that "
                 "it is defined before the line that uses it.",
    "KeyError": "Your code asked a dictionary for a key it does not have. Check the key's spelling, its "
                "capital letters, and how deeply it is nested.",
    "TypeError": "A value of the wrong type was used: for example a str where a number was needed, "
                 "indexing something that is not a dict or list, or a call with the wrong number of arguments.",
    "IndexError": "Your code asked a list or tuple for a position it does not have.",
    "AttributeError": "Your code used .something on a value that has no such attribute or method.",
    "ValueError": "A value had the right type but an impossible content, e.g. int('fifty').",
    "ZeroDivisionError": "Your code divided by zero.",
    "RecursionError": "A function kept calling itself and never stopped (infinite recursion).",
    "EOFError": "Your code called input(). The grader gives your program no keyboard input, and this "
                "exercise needs none: remove the input() call.",
    "ModuleNotFoundError": "Your code imports a module that is not installed. This exercise needs no imports.",
    "ImportError": "An import failed. This exercise needs no imports.",
    "PermissionError": "Your code tried to do something the grader does not allow.",
    "ResourceNotFoundException": "DynamoDB has no table by that name. For your handler the grader creates one "
                                 "table, the one audit_table describes (InventoryAudit): write into that one, by its name.",
}

NETWORK_USED = ("Your code tried to connect to the network ({targets}). The grader runs your code offline "
                "and never lets it reach AWS: this exercise only builds Python values, it makes no AWS calls.")


def _network_targets(targets: list[str]) -> str:
    # The child's AWS endpoints all point at 127.0.0.1:9, so a connection there is an AWS call.
    return ", ".join(sorted({"an AWS service" if "127.0.0.1" in target else target for target in targets})[:3])


def network_used(display: str, targets: list[str]) -> str:
    return f"In {display}: " + NETWORK_USED.format(targets=_network_targets(targets))


# --- the simulated DynamoDB that a bonus handler's requests go to (grader/learner_aws.py) ------------

AWS_EXPRESSION_TOO_LONG = ("Invalid expression: Expression size has exceeded the maximum allowed size (DynamoDB "
                           "allows 4 KB for an expression).")
AWS_REQUEST_GARBLED = "The grader could not read this AWS request, so its simulated DynamoDB did not run it."


def aws_service_not_simulated(url: str) -> str:
    return (f"Your code sent a request to {url[:120]}, but the grader simulates only DynamoDB (and DynamoDB "
            "Streams) for this exercise. Use boto3's \"dynamodb\" client or resource.")


def aws_too_many_requests(limit: int) -> str:
    return (f"Your code sent more than {limit:,} DynamoDB requests in one run, which is far more than this "
            "exercise needs. Look for a loop that keeps calling DynamoDB.")


def aws_too_much_data(limit: int) -> str:
    return (f"Your code sent more than {limit // (1024 * 1024)} MB to DynamoDB in one run, which is far more than "
            "this exercise needs. Look for a loop that keeps writing, or items that hold more than the audit data.")


def aws_request_too_big(limit: int) -> str:
    return f"This DynamoDB request is larger than {limit // 1024:,} KB; DynamoDB items are small (at most 400 KB)."


def aws_simulator_failed(error: Exception) -> str:
    return (f"The simulated DynamoDB could not handle this request ({type(error).__name__}: {str(error)[:200]}). "
            "Check the request's parameters against the DynamoDB documentation.")


def forked(display: str) -> str:
    return (f"{display} tried to start another process or program (os.fork, subprocess, os.system). This exercise "
            "needs none, and the grader does not allow it: remove it. To try your code, run your file yourself "
            "with python.")


def output_flood(display: str, output) -> str:
    return (f"{display} printed {output.total_bytes:,} bytes, far more than anyone can read, and in this course "
            "that costs the step its points. Look for a print() inside a loop, and remove it.")


def output_truncated(display: str, output) -> str:
    return (f"Note: {display} printed {output.total_bytes:,} bytes (output truncated: the grader keeps the first "
            "64 KB and the last 8 KB). That costs no points, but a print() inside a loop makes your own output "
            "hard to read.")


def _relative(text: str, display: str, absolute: str) -> str:
    return text.replace(absolute, display)


def exception(event: dict, display: str, absolute: str, network: list, function: str | None = None) -> str:
    where = "while running your file" if event["phase"] == "module" else f"inside {function or 'your function'}"
    lines = [f"{display} raised {event['type']} {where}."]
    if network:
        lines.append(NETWORK_USED.format(targets=_network_targets(network)))
    elif event["type"] in EXCEPTION_EXPLANATIONS:
        lines.append(EXCEPTION_EXPLANATIONS[event["type"]])
    lines.append("What Python said:")
    lines.append(_indent(_relative(event["traceback"], display, absolute).rstrip()))
    return "\n".join(lines)


def syntax_error(event: dict, display: str, absolute: str) -> str:
    kind = event["type"]
    line = f" on line {event['line']}" if event.get("line") else ""
    if kind in ("IndentationError", "TabError"):
        why = ("Python uses the spaces at the start of a line to group code; this line is indented more "
               "or less than Python expected. Indent with 4 spaces, and don't mix tabs and spaces.")
    else:
        why = ("Python could not read your file, so none of it ran. Look at the line below (and the one "
               "before it) for a missing bracket, quote, comma or colon.")
    return f"{display} has {article(kind)} {kind}{line}. {why}\n{_indent(_relative(event['formatted'], display, absolute).rstrip())}"


def not_utf8(display: str, line: int) -> str:
    return (f"{display} is not saved as UTF-8 text (the first odd byte is on line {line}), so Python cannot "
            "read it. In your editor, choose 'Save with encoding' → UTF-8.")


MORE_TIME_LOCAL = "give it more: nox -s grade -- --time-limit 30"
MORE_TIME_ELSEWHERE = "ask your instructor about the time limit"


def timeout(display: str, limit: float, phase: str, function: str | None, threads: list[str],
            processor: bool, more_time: str) -> str:
    """``processor``: the processor-time limit was hit (busy code); else the clock ran out (waiting code)."""
    what = f"your file {display}" if phase == "module" else f"{function}(...) in {display}"
    if threads:
        return (f"The grader stopped {what}: your code started a thread ({', '.join(threads)}) that never "
                "ended, so the program could never finish. This exercise needs no threads.")
    if processor:
        return (f"The grader stopped {what} after it had used {limit:g} second{'' if limit == 1 else 's'} of "
                "processor time, far more than this exercise needs. Look for a loop that never ends (a while True "
                f"without a break?), or a print() inside a long loop. If your code is just slow, {more_time}.")
    return (f"The grader stopped {what}: it was still running long after it should have finished, while "
            "using little processor time, so it was waiting for something. Look for time.sleep(), or a lock "
            "or thread that never lets go.")


def ended_early(display: str, ending, phase: str, function: str | None = None) -> str:
    if ending.kind == "killed":
        if ending.signal_name in ("SIGKILL", "SIGSEGV"):
            return (f"{display} crashed ({ending.signal_name}): it used too much memory or recursed too "
                    "deeply, and the operating system stopped it.")
        if ending.signal_name == "SIGXCPU":
            return f"{display} used too much processor time and was stopped."
        return f"{display} was stopped by the operating system ({ending.signal_name})."
    if ending.kind == "channel_broken":
        return f"{display} stopped answering the grader (did it close files it did not open?)."
    when = "before the grader could look at your variables" if phase == "module" else f"while {function} ran"
    return (f"{display} ended the program itself (exit status {ending.returncode}) {when}, so nothing could "
            "be checked. Remove os._exit() / sys.exit() calls: the grader needs your file to run to its end.")


def exit_called(display: str, code: str, phase: str, function: str | None) -> str:
    where = "while running" if phase == "module" else f"inside {function}"
    return (f"{display} called sys.exit({'' if code == 'None' else code}) (or exit()/quit()) {where}, so the "
            "grader could not check the rest. Even sys.exit(0) is not a success here: remove the call and "
            "let the file run to its end.")


def too_much_memory(display: str, limit: int) -> str:
    return (f"{display} used too much memory (the limit is {limit // (1 << 20)} MiB) and was stopped. Look "
            "for a list or string that grows without end.")


def grader_fault(detail: str) -> str:
    return (f"The grader itself went wrong ({detail}). This is not your fault; please tell your instructor "
            "and include this message (GRADER_DEBUG=1 shows the details).")


def last_lines(output, count: int = 10) -> str:
    """The last lines the learner's code printed ("" when it printed nothing)."""
    return "\n".join(output.text.rstrip().splitlines()[-count:]) if output.text.strip() else ""


def with_output(text: str, output) -> str:
    if output is None or not output.text.strip() or "Your code printed" in text:
        return text
    lines = [text, "Your code printed (last lines):", _indent(last_lines(output))]
    if output.truncated:
        lines.append(f"(output truncated: your code printed {output.total_bytes:,} bytes; the grader keeps the "
                     "first 64 KB and the last 8 KB)")
    return "\n".join(lines)


def _indent(text: str, by: str = "  ") -> str:
    """Every line indented, a carriage return's too: learner text stays inside its block."""
    return "\n".join(by + line for line in text.splitlines() or [""])


# --- names and types --------------------------------------------------------------------------------

def name_not_defined(name: str, defined: list[str]) -> str:
    text = f"The file does not define {name}. The grader looks for this name, spelled exactly so."
    near = difflib.get_close_matches(name, defined, n=1, cutoff=0.7) or [d for d in defined if d.lower() == name.lower()]
    if near:
        text += f" It defines {near[0]}: did you mean {name}? Names are case-sensitive."
    return text


def wrong_type(where: str, kind: type, value) -> str:
    text = f"{where} must be a {kind.__name__}, but it is {kind_of(value)}."
    if kind is dict and type(value).__name__ == "set":
        text += " A set looks like a dict but has no 'key: value' pairs; check your colons."
    if kind is list and isinstance(value, (tuple, dict)):
        text += " DynamoDB expects a list here: put the entries in square brackets [ ... ]."
    return text


def missing_key(container: str, key: str, table: dict, unknown: list[str]) -> str:
    """``unknown``: the keys of ``table`` that DynamoDB does not know (perhaps meant to be ``key``)."""
    keys = [k for k in table if isinstance(k, str)]
    near = difflib.get_close_matches(key, keys, n=1, cutoff=0.6)
    text = f'{container} has no "{key}" key.'
    if near:
        return text + f' It has "{near[0]}": keys must be spelled exactly "{key}".'
    if unknown:
        return text + f' It has "{unknown[0]}", which DynamoDB does not know: write "{key}" instead.'
    if key == "StreamSpecification":
        loose = [k for k in ("StreamEnabled", "StreamViewType") if k in table]
        if loose:
            text += (f" {' and '.join(loose)} must go inside it: "
                     '"StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}.')
        else:
            text += " The stream settings must be inside products_table, not in a separate variable."
    return text


def wrong_text(found: str, expected: str) -> str:
    if found.lower() == expected.lower():
        return f'Names in DynamoDB are case-sensitive: write "{expected}", not "{found}".'
    return f'The table must be named exactly "{expected}".'


# --- step 1 -------------------------------------------------------------------------------------------

KEYS_MUST_BE_STRINGS = "Every key of products_table must be a string, like \"TableName\"."


def unknown_table_key(key: str, guess: str | None) -> str:
    text = f'DynamoDB\'s CreateTable does not know a key "{key}", and would reject the table.'
    return text + (f' Did you mean "{guess}"?' if guess else " Remove it.")


def unknown_entry_field(field, fields) -> str:
    return f"{show(field)} is not a field here; each entry has exactly {' and '.join(fields)}."


def missing_entry_field(field: str) -> str:
    return f'This entry has no "{field}".'


def product_id_missing(key: str, near) -> str:
    if near:
        return (f'{key} names {show(near)}, but the attribute is "ProductID" (capital I and D); names are '
                "case-sensitive.")
    return f"{key} must name the primary key attribute, ProductID."


def only_product_id(key: str, extra: list) -> str:
    if key == "AttributeDefinitions" and extra:
        return (f"Declare only key attributes in AttributeDefinitions: {show(extra)} is not part of the key "
                "(DynamoDB rejects definitions it does not use). Items can still hold any other attributes, "
                "like Stock, without declaring them.")
    return f"{key} must hold exactly one entry, for ProductID: the table's key is ProductID alone."


def wrong_key_type(key_type) -> str:
    if isinstance(key_type, str) and key_type.upper() == "HASH":
        return 'Key types are written in capitals: "HASH".'
    if key_type == "RANGE":
        return ('"RANGE" makes a sort key, but a table needs a partition key first: ProductID is the '
                'partition key, KeyType "HASH".')
    return 'A primary key of one attribute is a partition key, which DynamoDB calls "HASH".'


def wrong_attribute_type(attribute_type) -> str:
    if attribute_type == "N":
        return 'ProductID is declared as a number ("N"), but product ids like "P123" are strings: use "S".'
    if isinstance(attribute_type, str) and attribute_type.lower() in ("string", "str", "s"):
        return 'Attribute types are one capital letter: "S" for string, "N" for number, "B" for binary.'
    return 'Product ids like "P123" are strings, and DynamoDB\'s code for string is "S".'


def value_not_allowed(value: str, allowed: list[str]) -> str:
    text = f"DynamoDB does not allow {show(value)} here."
    if value.upper().replace("-", "_") in allowed:
        return text + f' These values are written in capitals: "{value.upper().replace("-", "_")}".'
    if value.upper().replace("-", "_") == "ON_DEMAND":
        return text + ' On-demand billing is called "PAY_PER_REQUEST" in the API.'
    return text + f" It allows {', '.join(allowed)}."


def create_table_rejected(error: str | None) -> str:
    return ("The grader created your table in a simulated DynamoDB (moto), and DynamoDB rejected it:\n"
            f"  {error}")


TIP_AUDIT_TABLE_CREATED_BY_YOUR_CODE = (
    "Tip: your code created the InventoryAudit table itself. A Lambda handler's table exists before the handler "
    "runs (here the grader creates it from audit_table), so the create_table call can go.")

TIP_BILLING = ("Tip: real DynamoDB also needs a billing mode; the grader supplied BillingMode=\"PAY_PER_REQUEST\" "
               "for you. In real code, add \"BillingMode\": \"PAY_PER_REQUEST\" (or ProvisionedThroughput).")

# --- step 2 -------------------------------------------------------------------------------------------


def unknown_stream_key(key, keys) -> str:
    return f"StreamSpecification holds only {' and '.join(keys)}; {show(key)} does not belong there."


def stream_not_enabled(enabled) -> str:
    if enabled == "(missing)":
        return "StreamSpecification has no StreamEnabled. Add \"StreamEnabled\": True."
    if isinstance(enabled, str):
        return "StreamEnabled must be the boolean True, without quotes: \"True\" in quotes is a str."
    if enabled is False:
        return "With StreamEnabled False, DynamoDB captures no changes at all. Set it to True."
    return f"StreamEnabled must be exactly True (a bool), not {kind_of(enabled)}."


def wrong_view_type(view_type, valid) -> str:
    what = {
        "NEW_IMAGE": "NEW_IMAGE records carry only the item after the change",
        "OLD_IMAGE": "OLD_IMAGE records carry only the item before the change",
        "KEYS_ONLY": "KEYS_ONLY records carry only the key (ProductID), no stock at all",
    }
    if view_type in what:
        return (f"{what[view_type]}. An audit of stock changes needs both the stock before and after each "
                "change, so use NEW_AND_OLD_IMAGES.")
    if view_type == "(missing)":
        return "StreamSpecification has no StreamViewType. Add \"StreamViewType\": \"NEW_AND_OLD_IMAGES\"."
    return f"{show(view_type)} is not a stream view type. DynamoDB knows {', '.join(valid)}; use NEW_AND_OLD_IMAGES."


ARN_NOT_A_STRING = "stream_arn must be a string: put the ARN in quotes."


def arn_differs(found: str, expected: str, index: int) -> str:
    return (f"stream_arn must be exactly the ARN given in the instructions. The first difference is at "
            f"character {index + 1}: {show(found[index:index + 12])} where the ARN has "
            f"{show(expected[index:index + 12])}. Copy and paste it from the instructions.")


NO_STREAM_ON_TABLE = ("The simulated DynamoDB created your table without a stream (no LatestStreamArn). Check that "
                      "StreamSpecification is inside products_table with StreamEnabled True.")

# --- step 3 -------------------------------------------------------------------------------------------

def not_a_function(name: str, signature: str) -> str:
    return f"{name} must be a function, written with def {name}({signature}): ..."


ONE_RECORD_PARAMETER = ("process_event must take exactly one parameter, named record: the stream record it "
                        "processes.")
NO_RECORDS_FOR_PROCESS_EVENT = ("The grader could not test process_event: it needs stream records from your "
                                "table, and products_table does not give a table with a NEW_AND_OLD_IMAGES stream. "
                                "Fix products_table first.")


def record_situation(change, record: dict) -> str:
    image = record.get("dynamodb", {}).get("NewImage")
    shape = " shaped as AWS Lambda delivers it" if "eventSourceARN" in record else ""
    article = "an" if change.event_name[0] in "AEIOU" else "a"
    return (f"The grader called process_event(record) with {article} {change.event_name} record{shape} from your "
            f"table's stream, whose record[\"dynamodb\"][\"NewImage\"] is {show(image, 200)}.")


def call_raised(situation: str, text: str) -> str:
    return f"{situation}\nIt raised an error instead of returning.\n{text}"


def not_a_tuple(situation: str, returned) -> str:
    text = f"{situation}\nIt must return a tuple (product_id, stock), but it returned {kind_of(returned)}."
    if returned is None:
        text += " Did you forget the return statement?"
    elif isinstance(returned, (list, dict)):
        text += " Write return (product_id, stock), with round brackets."
    return text


def tuple_length(situation: str, length: int) -> str:
    return f"{situation}\nIt must return a tuple of two items, (product_id, stock), but it returned {length}."


def product_id_type(situation: str, value) -> str:
    text = f"{situation}\nThe product id must be a str, but it is {kind_of(value)}."
    if isinstance(value, dict):
        text += ' Take the string out of {"S": ...}: record["dynamodb"]["NewImage"]["ProductID"]["S"].'
    return text


def stock_type(situation: str, value) -> str:
    text = f"{situation}\nThe stock must be an int, but it is {kind_of(value)}."
    if isinstance(value, str):
        text += ' DynamoDB sends numbers as strings, like {"N": "50"}: convert with int(...).'
    elif isinstance(value, decimal.Decimal):
        text += " A Decimal equals an int in comparisons but is not one: convert with int(...)."
    elif isinstance(value, bool):
        text += " True and False are not stock levels."
    elif isinstance(value, float):
        text += ' Convert the "N" string with int(...), not float(...): stock is a whole number.'
    elif isinstance(value, dict):
        text += ' Take the string out of {"N": ...} and convert it: int(...["Stock"]["N"]).'
    return text


OLD_IMAGE_READ = ("That is the stock before the change (OldImage). process_event must read NewImage, the item "
                  "after the change.")
PRECISION_LOST = ("The number changed on its way: converting through float loses digits of large numbers. Use "
                  "int(...) on the string directly.")
HARD_CODED_RETURN = ("It looks like process_event returns fixed values. It must read them from the record it is "
                     "given, whatever the product.")


def wrong_values(situation: str, hint: str | None) -> str:
    text = f"{situation}\nIt must return that item's ProductID and Stock."
    return f"{text}\n{hint}" if hint else text


# --- step 4 -------------------------------------------------------------------------------------------

def missing_level(path: str, key: str, value: dict) -> str:
    keys = [k for k in value if isinstance(k, str)]
    near = difflib.get_close_matches(key, keys, n=1, cutoff=0.6)
    text = (f'{path} has no "{key}" key. A DynamoDB stream record nests the item as '
            'record["dynamodb"]["NewImage"].')
    return text + (f' You wrote "{near[0]}"; spell it exactly "{key}".' if near else "")


def level_not_a_dict(path: str) -> str:
    return f"{path} must be a dict in DynamoDB's stream format."


def wrong_attribute(name: str, expected: dict, found) -> str:
    if found == "(missing)":
        return f"NewImage has no {name} attribute."
    if isinstance(found, dict) and "N" in found and not isinstance(found["N"], str) and name == "Stock":
        return 'DynamoDB sends numbers as strings: write {"N": "50"}, with quotes around 50.'
    if not isinstance(found, dict):
        return (f"In DynamoDB's format each attribute is a small dict naming its type: {show(expected)}, "
                f"not {kind_of(found)} on its own.")
    return f"{name} must be {show(expected)} in DynamoDB's format (S for string, N for number)."


def wrong_result() -> str:
    return "result must be the tuple that process_event returns for sample_record: ('P123', 50)."


PROCESS_EVENT_NOT_CALLED = ("Your file never sets result = process_event(sample_record). result must be what that "
                            "call returns (not a value you typed in), called with sample_record itself (not a copy).")
SAMPLE_RECORD_CALL = "The grader called process_event(sample_record) itself, with your sample_record."
RESULT_NOT_FROM_CALL = ("result is not what process_event(sample_record) returns when the grader calls it with your "
                        "sample_record. Set result = process_event(sample_record) once sample_record is complete, "
                        "change neither afterwards, and make process_event return the same answer each time it "
                        "gets the same record.")

# --- the report ---------------------------------------------------------------------------------------


def not_started(display: str) -> str:
    return (f"Not started yet. Open {display}, read the instructions at its top, and replace the # TODO "
            "lines with your code.")


def linked_file(display: str) -> str:
    return (f"{display} is a symbolic link, and the grader reads only real files: put the file itself there "
            "(copy it, rather than link to it).")


def missing_file(display: str, step) -> str:
    return (f"{display} is missing. Put it back: copy grader/starters/{step.file} to {display} (the "
            "starter as it was given to you).")


def progress(passed: int, total: int, score: float, max_score: float, bonus_passed: int = 0,
             bonus_total: int = 0, bonus_score: float = 0) -> str:
    """'3 / 4 steps · bonus 0 / 1 · 3.5 / 4 points'; bonus points are extra: '... 4 / 4 points + 1 bonus'."""
    if not total:  # only a bonus step was graded
        return f"bonus {bonus_passed} / {bonus_total} · {bonus_score:g} bonus points"
    bonus = f" · bonus {bonus_passed} / {bonus_total}" if bonus_total else ""
    extra = f" + {bonus_score:g} bonus" if bonus_score else ""
    return f"{passed} / {total} steps{bonus} · {score:g} / {max_score:g} points{extra}"


def bonus_next(result) -> str:
    return (f"Ready for more? The bonus step builds the audit trail the scenario asks for: open {result.file} "
            f"(nox -s grade -- {result.step.number} grades it).")


GRADER_MODIFIED = ("Note: the grader's own files (grader/) differ from the kit as published, so these results "
                   "may not be what your instructor's grader will say. To undo changes you did not mean, get a "
                   "fresh copy of grader/ from the kit.")


HINT_LABEL = "Hint:"
MORE_HELP_LABEL = "More help:"


def next_action(result) -> str:
    if result.status == "not_started":
        return f"Next: open {result.file}"
    if result.status == "missing":
        return f"Next: put {result.file} back with: nox -s reset -- {result.step.number}"
    return f"Next: fix {result.file} as step {result.step.number} says above, save it, and grade again."


COMPLETION = (
    "All four steps pass. Well done!\n"
    "You built the heart of an event-driven inventory system: a Products table whose DynamoDB stream "
    "records every change with the item before and after it, and a handler that turns each stream record "
    "into (product_id, stock), tested on real records from a simulated stream.\n"
    "Where to go next: run process_event as an AWS Lambda function with the stream as its event source, "
    "and read about at-least-once delivery, which is why stream handlers must cope with seeing the same "
    "record twice. `nox -s solution -- N` shows the reference solution of any step next to yours."
)
STATUS_WORDS = {
    "passed": "passed",
    "failed": "not yet",
    "error": "could not run",
    "timeout": "took too long",
    "not_started": "not started",
    "missing": "file missing",
}


# --- hint, reset, solution, watch -------------------------------------------------------------------

def state_not_a_file(shown: str) -> str:
    return f"note: {shown} is not a regular file, so hints will not grow; delete it to fix this."


def hint_step_passes(number: int) -> str:
    return f"Step {number} passes. Compare with the reference solution: nox -s solution -- {number}"


def reset_question(shown: str) -> str:
    return f"Replace your work in {shown} with the starter? Your changes will be lost. [y/N] "


def reset_kept(shown: str, number: int) -> str:
    return f"Kept {shown} as it is. (To replace it without being asked: nox -s reset -- {number} --yes)"


def reset_done(shown: str) -> str:
    return f"Restored {shown} to its starter."


def reset_nothing_to_do(shown: str) -> str:
    return f"{shown} is already the starter: nothing to do."


def solution_locked(number: int) -> str:
    return (f"Step {number} does not pass yet, so its solution stays hidden: you learn more by getting there. "
            f"Here is the hint (and `nox -s hint -- {number}` gives one for what fails now).")


SOLUTION_SAME = "Your file is the reference solution, line for line."
WATCHING = "Watching {target}: save a step file to grade again · Enter: grade now · q then Enter, or Ctrl-C: quit"
GRADING = "Grading..."
STOPPED_WATCHING = "Stopped watching."


# --- Gradescope (grader/gradescope.py): what a student reads on Gradescope, and what the instructor reads --


def gradescope_missing(file: str) -> str:
    return (f"Your submission has no {file}. Upload it with your other step files (the files on their own, or "
            "your whole steps/ folder) and submit again.")


GRADESCOPE_PASSED = "Passed."
GRADESCOPE_NOTHING_FOUND = ("No step files were found in your submission. Upload {files} (the files on their own, "
                            "or your whole steps/ folder) and submit again.")


def gradescope_graded_from(file: str, chosen: str, others: list[str]) -> str:
    return (f"Your submission has more than one {file}: graded {chosen}, not " + ", ".join(others) + ".")


GRADESCOPE_GRADER_MODIFIED = ("Note: your submission includes a grader/ folder ({where}) that differs from the "
                              "course's grader. It was not used: your step files were graded by the course's "
                              "own grader.")
GRADESCOPE_PYTHON_TOO_OLD = ("The grader needs Python 3.10 or newer. In Gradescope's autograder settings, choose "
                             "an Ubuntu 22.04 (or newer) base image, and upload the zip again.")


def gradescope_built(out: str, files: int, visibility: str) -> str:
    return (f"Wrote {out} ({files} files; test results visibility: {visibility}).\n"
            "Upload it on Gradescope: in the programming assignment's Configure Autograder page, choose Zip file "
            "upload and an Ubuntu 22.04 (or newer) base image, then Update Autograder. Try it with Test "
            "Autograder on the files in solutions/ (all steps pass) and in steps/ (none started).")


GRADESCOPE_STALE_RECORD = ("Note: grader/integrity.txt does not match grader/ as it is now, so learners' own "
                           "`nox -s grade` will say their grader was changed. Record it again first: "
                           "python -m grader.integrity --record")
GRADESCOPE_CANNOT_GRADE = "the grader could not grade this submission: {error}"


# --- grading a class (python -m grader.classroom) -------------------------------------------------------

CLASS_PROGRESS = "Grading the class"
CLASS_GRADER_MODIFIED = ("Note: this submission came with its own copy of the grader (grader/), and that copy differs "
                         "from the kit as published. These results come from your instructor's grader, not from it.")


def class_linked_folder(name: str) -> str:
    return (f"{name} is a symbolic link, not a folder, so it was not graded (it could point at another learner's "
            "work); put the learner's own files there")


def class_no_learners(folder) -> str:
    return (f"{folder} holds no learner folders: put one folder per learner in it, named after the learner, "
            "holding their step files (or their whole kit, with steps/)")


def class_submission_timed_out(seconds: float) -> str:
    return f"grading this submission took longer than {seconds:g} seconds, so it was stopped"


def class_worker_crashed(exit_code) -> str:
    return f"the process grading this submission crashed (exit code {exit_code})"


def class_grading_failed(detail: str) -> str:
    return f"grading this submission failed: {detail}"


def class_done(learners: int, ungraded: int, modified: int, out) -> str:
    text = f"Graded {learners - ungraded} of {learners} submissions: grades and feedback in {out}"
    if ungraded:
        text += f". {ungraded} could not be graded (status 'error' in grades.csv)"
    if modified:
        text += f". {modified} came with a changed grader/ (grader_modified in grades.csv)"
    return text + "."


# --- the bonus step: the audit trail -----------------------------------------------------------------

NO_RECORDS_FOR_HANDLER = ("The grader could not test handle_batch: it needs stream records from your Products table, "
                          "and products_table does not give a table with a NEW_AND_OLD_IMAGES stream. Fix the "
                          "earlier steps' part of this file first.")
AUDIT_KEY_SCHEMA = ("The audit table's key has two parts, in this order: ProductID as the partition key (HASH), then "
                    "SequenceNumber as the sort key (RANGE). One product has many changes, and the sequence number "
                    "tells them apart.")
AUDIT_ATTRIBUTES = ("Declare both key attributes as strings: ProductID and SequenceNumber, each with AttributeType "
                    "\"S\" (sequence numbers can have more digits than a DynamoDB number holds), and nothing else.")
EVENT_AND_CONTEXT = "AWS Lambda calls its handler with two arguments: def handle_batch(event, context):"


def _change(row) -> str:
    return (f"the {row.event_name} of product {show(row.product_id)} (stock {row.old_stock} -> {row.new_stock}, "
            f"SequenceNumber {show(row.sequence_number)})")


def handler_raised(number: int, batches: int, batch: list, text: str) -> str:
    kinds = ", ".join(record.get("eventName", "?") for record in batch)
    which = f"batch {number}" if number <= batches else "batch 2 a second time (streams deliver at least once)"
    return (f"The grader called handle_batch(event, context) with {which}, whose event[\"Records\"] holds "
            f"{len(batch)} records ({kinds}). It raised an error instead of finishing.\n{text}")


def audit_row_missing(row, count: int) -> str:
    return (f"After every batch was delivered, the audit table holds {count} items but none for {_change(row)}. "
            "Each stock change needs an item keyed by the record's ProductID and SequenceNumber.")


def audit_rows_unexpected(keys: list) -> str:
    return ("The audit table holds items whose key matches no stream record. Key each item by the record's own "
            "ProductID (from record[\"dynamodb\"][\"Keys\"]) and SequenceNumber (record[\"dynamodb\"][\"SequenceNumber\"]), "
            "not by values made up in the handler.")


def audit_unchanged_written(row) -> str:
    return (f"handle_batch wrote an item for {_change(row)}: that MODIFY only renamed the product and left its "
            "stock alone, so it is not a stock change. Skip records whose OldImage and NewImage hold the same stock.")


def audit_remove_missing(row) -> str:
    return (f"The audit table has no item for {_change(row)}. A REMOVE record has no NewImage: record it with "
            "NewStock 0, not skip it.")


def audit_value_wrong(row, name: str) -> str:
    return f"The item for {_change(row)} has a wrong {name}."


AUDIT_DUPLICATES = ("After the grader delivered one batch a second time (streams deliver at least once), the audit "
                    "table holds more items than before: the handler is not idempotent. Write each item with "
                    "put_item under the key ProductID + SequenceNumber, so a second delivery overwrites it.")



# --- confinement: how learner code is kept in its box ---------------------------------------------------

def channel_flood(display: str) -> str:
    return (f"{display} sent the grader far more than any run of this exercise needs, on the private line the "
            "grader uses to hear back from your file, so the grader stopped it. Your own prints are not the "
            "cause: they go elsewhere.")


AUDIT_NOTHING_WRITTEN = ("handle_batch wrote no audit items at all, so there is nothing here to check yet. Make it "
                         "write one item per stock change first (see the checks above).")
AUDIT_CHANGED_BY_REDELIVERY = ("After the same batch was delivered a second time, an item no longer holds what it "
                               "held after the first delivery: a redelivered record must leave its item as it was "
                               "(write the item whole with put_item, rather than adding to it).")
def channel_garbled(display: str) -> str:
    return (f"{display} wrote something the grader cannot read on the private line the grader uses to hear back "
            "from your file, so nothing it sent can be trusted. Your own prints are not the cause: they go "
            "elsewhere.")


def sandbox_in_use(words: str) -> str:
    return f"Learner code ran in: {words}."


PROCESSES_NOT_ENDED = "the grader could not end every process your file started, so it cannot vouch for this run"
UNCONFINED_NOTE = ("Note: graded without a sandbox (--unconfined): learner code ran with the grader's rights, so a "
                   "submission could have changed its own or others' results.")

