"""The sentences every step shares: runs, reports, hints, Gradescope and class grading. What a step's own checks
say lives beside them, in grader/steps/<step>/words.py. Plain words first; Python's own words second."""

from __future__ import annotations

import difflib
import re

from .status import Status
from .values import article

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
    "ModuleNotFoundError": "Your code imports a module that is not installed here. The grader runs your file with "
                           "Python's standard library and boto3, which is what AWS Lambda's Python runtime has: "
                           "remove the import, or do the same with what those offer.",
    "ImportError": "An import failed. The grader runs your file with Python's standard library and boto3 only: "
                   "check the name you import, or do without it.",
    "PermissionError": "Your code tried to do something the grader does not allow.",
    "ResourceNotFoundException": "DynamoDB has no table by that name here. For your handler the grader creates one "
                                 "table, the one audit_table describes (InventoryAudit): the handler writes into that "
                                 "one, by its name, and reads no other: what it needs (OldImage, NewImage) is in each "
                                 "record.",
}

NETWORK_USED = ("Your code tried to connect to the network ({targets}). The grader runs your code offline "
                "and never lets it reach AWS: this exercise only builds Python values, it makes no AWS calls.")


def _network_targets(targets: list[str]) -> str:
    # The child's AWS endpoints all point at 127.0.0.1:9, so a connection there is an AWS call.
    return ", ".join(sorted({"an AWS service" if "127.0.0.1" in target else target for target in targets})[:3])


NETWORK_USED_BY_A_HANDLER = (
    "Your code tried to connect to {targets}. The grader answers your handler's DynamoDB calls itself, at "
    "DynamoDB's usual address, as AWS Lambda would: create the client or resource without endpoint_url (DynamoDB "
    "Local's address is for your own machine), and reach nothing else.")


def network_used(display: str, targets: list[str], handles_aws: bool = False) -> str:
    """``handles_aws``: the step's code makes DynamoDB calls, which the grader answers (the bonus handler)."""
    words = NETWORK_USED_BY_A_HANDLER if handles_aws else NETWORK_USED
    return f"In {display}: " + words.format(targets=_network_targets(targets))


# --- the simulated DynamoDB that a bonus handler's requests go to (grader/learner_aws.py) ------------

AWS_EXPRESSION_TOO_LONG = ("Invalid expression: Expression size has exceeded the maximum allowed size (DynamoDB "
                           "allows 4 KB for an expression).")
AWS_REQUEST_GARBLED = "The grader could not read this AWS request, so its simulated DynamoDB did not run it."


def aws_service_not_simulated(url: str) -> str:
    return (f"Your code sent a request to {url[:120]}, but the grader simulates only DynamoDB (and DynamoDB "
            "Streams) for this exercise. Use boto3's \"dynamodb\" client or resource.")


def aws_other_region(region: str, home: str) -> str:
    return (f"Your code asked DynamoDB in {region}, but your tables are in {home}, the region your function runs "
            "in. Create the client or resource without region_name: in AWS Lambda it then uses the function's own "
            "region, as it does here.")


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


def _unquoted_text(event: dict) -> list[str]:
    """For a NameError on a word that reads like a value (S, HASH, Products): it was meant as a string."""
    match = re.search(r"name '(\w+)' is not defined", event.get("message", ""))
    if event["type"] != "NameError" or not match:
        return []
    name = match.group(1)
    if name.isupper() or name in ("Products", "ProductID", "P123", "InventoryAudit", "SequenceNumber"):
        return [f'If {name} is meant as text, put it in quotes: "{name}".']
    return []


PYTHON_SAID = "What Python said:"  # above the traceback, whose last line is Python's own words for the error


def exception(event: dict, display: str, absolute: str, network: list, function: str | None = None) -> str:
    where = "while running your file" if event["phase"] == "module" else f"inside {function or 'your function'}"
    lines = [f"{display} raised {event['type']} {where}."]
    if network:
        lines.append(NETWORK_USED.format(targets=_network_targets(network)))
    elif event["type"] in EXCEPTION_EXPLANATIONS:
        lines.append(EXCEPTION_EXPLANATIONS[event["type"]])
        lines.extend(_unquoted_text(event))
    lines.append(PYTHON_SAID)
    lines.append(_indent(_relative(event["traceback"], display, absolute).rstrip()))
    return "\n".join(lines)


# What Python's message means, by a piece of it, most specific first; the advice fits the error.
SYNTAX_ADVICE = (
    ("outside function", "return (and yield) only work inside a function: indent the line under its def, or "
                         "remove it."),
    ("unexpected indent", "This line starts with spaces that nothing asks for: remove them. Only the lines inside "
                          "a def, if, for or with block are indented."),
    ("expected an indented block", "A line ending with a colon (def, if, for, with) must be followed by at least "
                                   "one line indented 4 more spaces."),
    ("unindent does not match", "This line's indentation lines up with no block above it: give it exactly the "
                                "spaces of the block it belongs to (4 per level)."),
    ("inconsistent use of tabs", "This file mixes tabs and spaces at the start of its lines: indent with spaces "
                                 "only."),
    ("unterminated string", "A string is opened with a quote and never closed on the same line: add the closing "
                            "quote."),
    ("unterminated triple-quoted", "A triple-quoted string (\"\"\" or \'\'\') is never closed: add the three closing "
                                   "quotes."),
    ("was never closed", "A bracket, brace or parenthesis opened on this line is never closed: add its closing "
                         "partner."),
    ("unmatched", "This closing bracket has no opening partner: remove it, or add the opening one."),
    ("does not match opening", "The closing bracket is not the kind that was opened: ( goes with ), [ with ], "
                               "{ with }."),
    ("invalid character", "The line holds a character Python cannot read as code, such as curly quotes “ ” or ‘ ’ "
                          "from a word processor: type straight quotes \" or \'."),
    ("forgot a comma", "Put a comma between the items of a list, tuple or dict."),
    ("expected ':'", "A def, if, for or with line ends with a colon."),
    ("cannot assign to", "The left of = must be a name (or an item, like d[\"key\"]): == compares, = stores."),
)
SYNTAX_ADVICE_OTHERWISE = ("Python could not read your file, so none of it ran. Look at the line below, and the "
                           "code just before it, for a missing bracket, quote, comma or colon.")


def syntax_error(event: dict, display: str, absolute: str) -> str:
    kind = event["type"]
    line = f" on line {event['line']}" if event.get("line") else ""
    message = event.get("message", "")
    why = next((advice for piece, advice in SYNTAX_ADVICE if piece in message), SYNTAX_ADVICE_OTHERWISE)
    if why is not SYNTAX_ADVICE_OTHERWISE:
        why = "Python could not read your file, so none of it ran. " + why
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


def grader_fault(detail: str, *, local: bool = False) -> str:
    """``local``: the learner runs the grader themselves, and can ask it for the details (elsewhere, on Gradescope,
    Exercism or in a class's feedback, they cannot: the instructor can)."""
    return (f"The grader itself went wrong ({detail}). This is not your fault; please tell your instructor "
            "and include this message" + (" (GRADER_DEBUG=1 shows the details)." if local else "."))


def last_lines(output, count: int = 10) -> str:
    """The last lines the learner's code printed ("" when it printed nothing)."""
    return "\n".join(output.text.rstrip().splitlines()[-count:]) if output.text.strip() else ""


def probably_why_it_crashed(crash: str) -> str:
    return f"This is probably why your file stopped with an error:\n{_indent(crash)}"


PRINTED_HEADING = "Your code printed (last lines):"


def printed_block(output) -> str:
    """What the learner's code printed, under its heading ("" when it printed nothing)."""
    if output is None or not output.text.strip():
        return ""
    lines = [PRINTED_HEADING, _indent(last_lines(output))]
    if output.truncated:
        lines.append(f"(output truncated: your code printed {output.total_bytes:,} bytes; the grader keeps the "
                     "first 64 KB and the last 8 KB)")
    return "\n".join(lines)


def with_output(text: str, output) -> str:
    block = printed_block(output)
    return text if not block or "Your code printed" in text else f"{text}\n{block}"


def _indent(text: str, by: str = "  ") -> str:
    """Every line indented, a carriage return's too: learner text stays inside its block."""
    return "\n".join(by + line for line in text.splitlines() or [""])


# --- names and types --------------------------------------------------------------------------------

def name_not_defined(name: str, defined: list[str], inside: str | None = None) -> str:
    """``inside``: a function of the file that sets ``name`` in its body."""
    if inside:
        return (f"The file sets {name} only inside the function {inside}(), where it stays local to that function. "
                f"Set {name} at the top level of the file (not indented under a def), where the grader looks for it.")
    text = f"The file does not define {name}. The grader looks for this name, spelled exactly so."
    near = difflib.get_close_matches(name, defined, n=1, cutoff=0.7) or [d for d in defined if d.lower() == name.lower()]
    if near:
        text += f" It defines {near[0]}: did you mean {name}? Names are case-sensitive."
    return text


# --- the report ---------------------------------------------------------------------------------------


def not_started(display: str) -> str:
    return (f"Not started yet. Open {display}, read the instructions at its top, and replace the # TODO "
            "lines with your code.")


def linked_file(display: str) -> str:
    return (f"{display} is a symbolic link, and the grader reads only real files: put the file itself there "
            "(copy it, rather than link to it).")


def missing_file(display: str, step, found: list[str] = ()) -> str:
    """``found``: files that look like this one under another name or in another folder."""
    if found:
        return (f"{display} is missing, but there is {' and '.join(found)}: did you rename or move {step.file}? The "
                f"grader looks for exactly {display}: give your file that name and place again (nox -s reset -- "
                f"{step.number} would bring back the empty starter instead).")
    return (f"{display} is missing. Put the starter back with nox -s reset -- {step.number}, or copy the file "
            "back in if you renamed or moved it.")


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
    if result.status == Status.NOT_STARTED:
        return f"Next: open {result.file}"
    if result.status == Status.MISSING and result.near_misses:
        return f"Next: rename {result.near_misses[0]} to {result.file}"
    if result.status == Status.MISSING:
        return f"Next: put {result.file} back with: nox -s reset -- {result.step.number}"
    return f"Next: fix {result.file} as step {result.step.number} says above, save it, and grade again."


NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def completion(count: int) -> str:
    """What a learner reads once every step every learner does passes (``count`` of them)."""
    steps = "The step passes" if count == 1 else (
        f"All {NUMBER_WORDS[count] if count < len(NUMBER_WORDS) else count} steps pass")
    return f"{steps}. Well done!\n{COMPLETION_STORY}"


COMPLETION_STORY = (
    "You built the heart of an event-driven inventory system: a Products table whose DynamoDB stream "
    "records every change with the item before and after it, and a handler that turns each stream record "
    "into (product_id, stock), tested on real records from a simulated stream.\n"
    "Where to go next: run process_event as an AWS Lambda function with the stream as its event source, "
    "and read about at-least-once delivery, which is why stream handlers must cope with seeing the same "
    "record twice. `nox -s solution -- N` shows the reference solution of any step next to yours."
)
STATUS_WORDS = {
    Status.PASSED: "passed",
    Status.FAILED: "not yet",
    Status.ERROR: "could not run",
    Status.TIMEOUT: "took too long",
    Status.NOT_STARTED: "not started",
    Status.MISSING: "file missing",
}


# --- hint, reset, solution, watch -------------------------------------------------------------------

def state_not_a_file(shown: str) -> str:
    return f"note: {shown} is not a regular file, so hints will not grow; delete it to fix this."


def hint_step_passes(number: int) -> str:
    return f"Step {number} passes. Compare with the reference solution: nox -s solution -- {number}"


def hint_see_what_fails(result) -> str:
    """For `nox -s hint`, which shows no results: where to see what is wrong."""
    if result.status in (Status.NOT_STARTED, Status.MISSING):
        return next_action(result)
    return f"To see what is wrong in {result.file}, grade it: nox -s grade -- {result.step.number}"


def reset_question(shown: str) -> str:
    return f"Replace your work in {shown} with the starter? (A copy of your file is kept in .nox/backups/.) [y/N] "


def reset_kept(shown: str, number: int) -> str:
    return f"Kept {shown} as it is. (To replace it without being asked: nox -s reset -- {number} --yes)"


def reset_done(shown: str, backup: str | None = None) -> str:
    kept = f" Your work is kept in {backup}." if backup else ""
    return f"Restored {shown} to its starter.{kept}"


def reset_nothing_to_do(shown: str) -> str:
    return f"{shown} is already the starter: nothing to do."


def solution_locked(number: int) -> str:
    return (f"Step {number} does not pass yet, so its solution stays hidden: you learn more by getting there. "
            f"Here is the hint (and `nox -s hint -- {number}` gives one for what fails now).")


SOLUTION_SAME = "Your file is the reference solution, line for line."
WATCHING = "Watching {target}: save a step file to grade again · r: grade now · h: hint · l: list · q: quit"
GRADING = "Grading..."
STOPPED_WATCHING = "Stopped watching."


# --- reports for programs (grader/report.py): JUnit XML, Exercism's results.json --------------------------

# Words of the checks' names written as the exercise writes them.
CHECK_WORDS = {"dynamodb": "DynamoDB", "lambda": "Lambda", "p123": "P123", "insert": "INSERT", "modify": "MODIFY",
               "remove": "REMOVE"}


def check_in_words(check: str, names: set[str]) -> str:
    """A check's name as words: "process_event_takes_one_record_parameter" -> "process_event takes one record
    parameter" (the learner's own variable names stay as they write them)."""
    words = " ".join(CHECK_WORDS.get(word, word) for word in check.split("_"))
    for name in sorted(names, key=len, reverse=True):
        words = re.sub(rf"\b{re.escape(name.replace('_', ' '))}\b", name, words)
    return words


def exercism_test_code(file: str, checks: list[str], earlier_steps: int) -> str:
    """Exercism's test_code for a step: what the grader runs and checks, as a checklist a learner can follow
    (the checks' own code asks the grader's machinery, which would tell a learner nothing)."""
    lines = [f"# The grader runs {file} in a process of its own, then checks:"]
    lines += [f"#   - {check}" for check in checks]
    if earlier_steps:
        steps = ("step 1" if earlier_steps == 1 else "steps 1 and 2" if earlier_steps == 2
                 else f"steps 1 to {earlier_steps}")
        lines.append(f"# It also checks the code of {steps}, which this file holds too.")
    return "\n".join(lines)


EXERCISM_OUTPUT_TRUNCATED = "\nOutput was truncated. Please limit to 500 chars"  # the spec's own words


# --- Gradescope (grader/gradescope.py): what a student reads on Gradescope, and what the instructor reads --

def gradescope_extra_credit(points: float, core_points: float) -> str:
    return (f"Extra credit: this optional step's points ({points:g}) come on top of the assignment's "
            f"{core_points:g} points.")



def exercism_missing(file: str) -> str:
    return f"Your solution has no {file}. Submit it with your other step files."


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


def gradescope_built(out: str, files: int, visibility: str, core_points: float = 0, bonus_points: float = 0) -> str:
    extra = (f" Set the assignment's Autograder Points to {core_points:g}: the bonus step's points ({bonus_points:g}) "
             "come on top, as extra credit." if bonus_points else "")
    return (f"Wrote {out} ({files} files; test results visibility: {visibility}).\n"
            "Upload it on Gradescope: in the programming assignment's Configure Autograder page, choose Zip file "
            "upload and an Ubuntu 22.04 (or newer) base image, then Update Autograder. Try it with Test "
            f"Autograder on the files in solutions/ (all steps pass) and in steps/ (none started).{extra}")


GRADESCOPE_NO_CONSTRAINTS = ("{path} is missing: Gradescope's setup.sh installs the versions pinned there. "
                             "Write it with: nox -s constraints")


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


def class_no_learners(folder, skipped: int = 0) -> str:
    also = (f" ({skipped} {'entry' if skipped == 1 else 'entries'} skipped: hidden, or not a folder, zip or "
            "LMS-named file)" if skipped else "")
    return (f"{folder} holds no submissions{also}: put one folder or zip per learner in it, named after the "
            "learner, holding their step files (or their whole kit, with steps/), or an LMS bulk download")


def class_submission_timed_out(seconds: float) -> str:
    return f"grading this submission took longer than {seconds:g} seconds, so it was stopped"


def class_worker_crashed(exit_code) -> str:
    return f"the process grading this submission crashed (exit code {exit_code})"


def class_grading_failed(detail: str) -> str:
    return f"grading this submission failed: {detail}"


def class_feedback_not_written(detail: str) -> str:
    return f"this learner's feedback file could not be written ({detail}), so the grade was not recorded"


def class_not_appended(out, detail: str) -> str:
    return (f"Note: learners cannot be added to grades.csv and grades.jsonl in {out} as they are graded ({detail}); "
            "grades.csv is written at the end, but a stopped run cannot be resumed")


def class_progress_line(done: int, total: int, errors: int, seconds: float) -> str:
    """Piped output's progress (cron, CI), one plain line at a time."""
    return (f"graded {done} / {total} ({done * 100 // max(total, 1)} %), {errors} error{'s' * (errors != 1)}, "
            f"{seconds:.0f} s")


def class_resuming(kept: int, learners: int, log) -> str:
    return f"Resuming: {kept} of {learners} learners already graded in {log}; grading the other {learners - kept}."


def class_nothing_to_resume(log) -> str:
    return f"Note: there is no {log} to resume from, so every learner is graded."


def class_log_lines_skipped(log, lines: list[int]) -> str:
    where = ", ".join(map(str, lines[:5])) + (", ..." if len(lines) > 5 else "")
    return (f"Note: {len(lines)} line{'s' * (len(lines) != 1)} of {log} could not be read (line {where}; a run "
            "stopped while writing one): those learners are graded again.")


def class_log_of_another_run(log, difference: str) -> str:
    return (f"{log} holds grades made with {difference}, so this run cannot go on from it: grade everyone again "
            "without --resume or --only (or use that setting)")


def class_only_left_out(learners: list[str]) -> str:
    shown = ", ".join(learners[:5]) + (", ..." if len(learners) > 5 else "")
    many = len(learners) != 1
    whom = "them" if many else "that learner"
    return (f"Note: {len(learners)} learner{'s' if many else ''} of this class ({shown}) {'are' if many else 'is'} "
            f"neither in an earlier run's grades nor named by --only, so grades.csv has no row for {whom}; add "
            f"--resume to grade {whom} too.")


def class_only_needs_log(log) -> str:
    return (f"--only regrades learners in an earlier run's grades, and there is no {log}: grade the whole class "
            "first (without --only)")


def class_unknown_learner(name: str, learners: list[str]) -> str:
    close = difflib.get_close_matches(name, learners, n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(repr(match) for match in close)}?" if close else \
        " (names as in grades.csv's learner column, or the folder, zip or LMS file they handed in)"
    return f"--only: there is no learner {name!r} in this class{hint}"


def class_interrupted(graded: int, learners: int, csv_path, command: str) -> str:
    return f"Stopped: {graded} of {learners} learners graded, their rows are in {csv_path}; to grade the rest: {command}"


def class_done(learners: int, ungraded: int, modified: int, out, *, no_files: int = 0, absent: int = 0,
               skipped: int = 0) -> str:
    """``learners``: the submissions found; ``ungraded``: those not graded (errors and no_files_found);
    ``no_files``: of those, the ones with no step file; ``absent``: roster learners with no submission;
    ``skipped``: entries of the folder that are nobody's submission."""
    text = f"Graded {learners - ungraded} of {learners} submissions: grades, report.html and feedback in {out}"
    if no_files:
        text += f". {no_files} held no step file (status 'no_files_found' in grades.csv)"
    if ungraded - no_files:
        text += f". {ungraded - no_files} could not be graded (status 'error' in grades.csv)"
    if modified:
        text += f". {modified} came with a changed grader/ (grader_modified in grades.csv)"
    if absent:
        text += f". {absent} on the roster handed in nothing (status 'no_submission' in grades.csv)"
    if skipped:
        text += f". {skipped} {'entry' if skipped == 1 else 'entries'} of the folder skipped, with the reason in skipped.csv"
    return text + "."


def class_roster_unreadable(path, reason: str) -> str:
    return f"cannot read the roster {path}: {reason}"


def class_roster_no_name(path) -> str:
    return f"the roster {path} needs a header row with the columns name, id, email (name at least)"


CLASS_NO_FILES = "no step file was found in this submission"


def class_no_files(expected: list[str]) -> str:
    """The feedback of a learner in whose hand-in no step file was found: what was expected, no local command."""
    return ("No step file was found in what you handed in, so nothing could be graded. The grader looks for "
            + ", ".join(expected) + ": the files on their own, your steps/ folder or your whole kit, in a folder or "
            "a zip. Hand them in again under these names, or ask your instructor.")


def class_missing_file(display: str) -> str:
    return (f"{display} was not in what you handed in. Hand it in with your other step files, under this name.")


def class_next_missing(result) -> str:
    return f"Next: hand in {result.file} with your other step files."


CLASS_NOTES_HEADING = "About what you handed in:"
NO_SUBMISSION_NOTE = "on the roster, but nothing was handed in"


def class_error_reading(where: str, reason: str) -> str:
    return f"cannot read {where}: {reason}"


# --- what a learner handed in, as the finder saw it (notes in grades.csv, feedback and Gradescope) ------------

def found_as(shown: str, file: str) -> str:
    return f"graded {shown} as {file}"


def found_ambiguous(file: str, chosen: str, others: list[str]) -> str:
    return (f"more than one file could be {file}: graded {chosen}, the most recently changed; not "
            + ", ".join(others))


def found_for_two_steps(shown: str, files: list[str]) -> str:
    return f"{shown} could be {' or '.join(files)}: not graded (give it the step's file name)"


def found_not_python(shown: str, file: str) -> str:
    return f"{shown} looks like {file} but is not a .py file: not graded"


def found_elsewhere(file: str, shown: str) -> str:
    return f"graded {file} from {shown}, outside the folder the other step files came from"


def found_in_solutions(folder: str) -> str:
    return f"graded the files of {folder}, a folder named like the kit's reference solutions"


def found_other_copies(shown: list[str]) -> str:
    return "other copies not graded: " + ", ".join(shown)


def found_link(shown: str) -> str:
    return f"{shown} is a symbolic link: not followed, not graded"


def found_other_files(names: list[str], more: int) -> str:
    return "other files: " + ", ".join(names) + (f" and {more} more" if more else "")


def found_nothing(shown: str) -> str:
    return f"{shown} is empty" if shown else "the submission is empty"


def found_bad_zip(shown: str, why: str) -> str:
    return f"{shown} could not be opened as a zip ({why}): nothing in it was graded"


def found_zip_too_big(shown: str, what: str) -> str:
    return f"{shown} was not opened: it {what}"


def found_zip_skipped(shown: str, what: str, names: list[str]) -> str:
    return f"{shown}: {len(names)} {what} ignored ({', '.join(names[:3])}{', ...' if len(names) > 3 else ''})"


def found_nested_zip(shown: str) -> str:
    return f"{shown} is a zip inside a zip: not opened"


def found_too_big(shown: str, limit: int) -> str:
    return f"{shown} is larger than {limit // (1 << 20)} MB: not graded"


def found_unreadable(shown: str, why: str) -> str:
    return f"{shown} could not be read ({why}): not graded"


def found_stopped(shown: str, limit: int) -> str:
    return f"stopped looking in {shown or 'the submission'} after {limit} files and folders"


def found_too_deep(shown: str, depth: int) -> str:
    return f"folders more than {depth} deep were not searched (in {shown})"


def found_too_many_zips(shown: str, limit: int) -> str:
    return f"only the first {limit} zips were opened; not {shown}"


def found_merged(entries: list[str], forms: bool) -> str:
    why = " (the same name written in different Unicode forms)" if forms else ""
    return f"handed in as {len(entries)} entries of the folder{why}: " + ", ".join(entries)


def found_late(lms: str) -> str:
    return f"marked late by {lms}"


def found_older_upload(shown: str, newer: str) -> str:
    return f"{shown} not graded: {newer} is a later upload of the same file"


def duplicate_by_name(other: str, how: str) -> str:
    return f"likely the same learner as {other} ({how})"


DUPLICATE_CASE = "the names differ only in capital letters"
DUPLICATE_MARK = "the name with a copy or resubmission mark"


def duplicate_by_content(other: str) -> str:
    return f"the same step files, byte for byte, as {other}"


def skipped_reason(kind: str) -> str:
    return {
        "hidden": "hidden (its name starts with a dot)",
        "out": "the folder this run writes its results to",
        "tool": "left by a zip tool or Python, not a learner's",
        "file": "a file on its own, not a learner's folder, zip or LMS-named file",
        "other": "neither a file nor a folder",
    }[kind]


# --- the class report (grader/class_report.py): report.html, for the instructor -----------------------------

REPORT_TITLE = "Class report"
REPORT_SCORES = "Score distribution"
REPORT_STEPS = "Each step"
REPORT_CHECKS = "Most common failing checks"
REPORT_PROBLEMS = "Time-outs and errors"
REPORT_NOTHING_GRADED = "No submission could be graded, so there is nothing to chart: see the time-outs and errors below."
REPORT_NO_FAILING_CHECKS = "No check found a wrong answer."
REPORT_NO_PROBLEMS = "None: every submission was graded, and no step timed out or stopped with an error."
REPORT_WHOLE_SUBMISSION = "whole submission"
REPORT_CORE_AXIS = "core points (the bonus apart)"
REPORT_BONUS_AXIS = "bonus points (extra credit)"
REPORT_LEARNERS_AXIS = "learners"
REPORT_CHECK_COLUMNS = ("learners", "check", "in step files", "what it says", "for example")
REPORT_PROBLEM_COLUMNS = ("learner", "step", "status", "message")
REPORT_STEP_COLUMNS = ("step", "passed", "failed", "error", "timeout", "not started", "missing")
# The step statuses as grades.csv writes them, in the words of the chart's legend.
REPORT_STATUS_LABELS = {
    Status.PASSED: "passed",
    Status.FAILED: "failed (a wrong answer)",
    Status.ERROR: "error (could not run)",
    Status.TIMEOUT: "timeout",
    Status.NOT_STARTED: "not started",
    Status.MISSING: "missing",
}
REPORT_NO_CHARTS = ("report.html has no charts: they need matplotlib, which this Python lacks (nox -s grade-class "
                    "installs it)")


def report_summary(learners: int, graded: int, absent: int = 0) -> str:
    """``learners``: the submissions; ``absent``: the roster's learners who handed in nothing (not submissions)."""
    text = f"{learners} submission{'s' if learners != 1 else ''}, {graded} graded"
    if learners - graded:
        text += f", {learners - graded} could not be graded"
    if absent:
        text += f"; {absent} on the roster handed in nothing"
    return text + "."


def report_run(seeds: str, confinement: str, date: str | None) -> str:
    text = f"Test data from seed {seeds}; learner code ran with confinement {confinement}."
    return f"Graded on {date}. {text}" if date else text


def report_core_summary(median: str, mean: str, max_total: str, full: int, graded: int) -> str:
    return (f"Core points: median {median} of {max_total}, mean {mean}; {full} of {graded} "
            f"learner{'s' if graded != 1 else ''} earned them all.")


def report_bonus_summary(full: int, partly: int, graded: int) -> str:
    return f"Bonus: {full} of {graded} earned it in full, {partly} in part."


def report_steps_caption(graded: int) -> str:
    return f"Each step's status among the {graded} graded submission{'s' if graded != 1 else ''}."


def report_more_checks(count: int) -> str:
    return f"and {count} more failing check{'s' if count != 1 else ''} (fewer learners each)."


def report_more_learners(count: int) -> str:
    return f"and {count} more"


# --- confinement: how learner code is kept in its box ---------------------------------------------------

def channel_flood(display: str) -> str:
    return (f"{display} sent the grader far more than any run of this exercise needs, on the private line the "
            "grader uses to hear back from your file, so the grader stopped it. Your own prints are not the "
            "cause: they go elsewhere.")


def channel_garbled(display: str) -> str:
    return (f"{display} wrote something the grader cannot read on the private line the grader uses to hear back "
            "from your file, so nothing it sent can be trusted. Your own prints are not the cause: they go "
            "elsewhere.")


def sandbox_in_use(words: str) -> str:
    return f"Learner code ran in: {words}."


PROCESSES_NOT_ENDED = "the grader could not end every process your file started, so it cannot vouch for this run"
UNCONFINED_NOTE = ("Note: graded without a sandbox (--unconfined): learner code ran with the grader's rights, so a "
                   "submission could have changed its own or others' results.")

