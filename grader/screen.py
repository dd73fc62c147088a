"""What a person sees: the step results drawn with rich.

Colour and a progress bar on a terminal; plain, unwrapped text when piped or redirected; no colour
when NO_COLOR is set (rich honours it). On a terminal, lines wrap to its width, 80 columns included.
"""

from __future__ import annotations

import sys
from pathlib import Path

from rich.console import Console
from rich.padding import Padding
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from . import messages
from .grading import StepResult
from .status import Status
from .report import progress_line
from .steprun import display_path

SYMBOLS = {"passed": "✓", "not_started": "○", "other": "✗"}
ASCII_SYMBOLS = {"passed": "OK", "not_started": "--", "other": "X "}
STYLES = {"passed": "green", "not_started": "dim", "other": "red"}
INDENT = (0, 0, 0, 4)


def make_console(file=None) -> Console:
    file = file or sys.stdout
    console = Console(file=file, highlight=False, emoji=False)
    if not console.is_terminal:
        console.soft_wrap = True  # a file or a pipe gets whole lines, whatever their length
    return console


def _symbols(console: Console) -> dict:
    try:
        ("".join(SYMBOLS.values()) + "━").encode(console.encoding or "ascii")
    except (UnicodeEncodeError, LookupError):
        return ASCII_SYMBOLS
    return SYMBOLS


def _message(result: StepResult) -> Text:
    """The step's message; a failed check's expected and found values in colour, drawn from its parts (never
    from lines of text, which the learner's own values could imitate)."""
    detail = result.detail
    if detail is None:
        return Text(result.message)
    styled = Text(f"In {detail.where}:\n")
    if detail.expected is not None:
        styled.append(f"  expected: {detail.expected}\n", "green")
    if detail.found is not None:
        styled.append(f"  found:    {detail.found}\n", "red")
    styled.append(detail.explanation)
    if result.printed:
        styled.append("\n" + result.printed)
    return styled


def labelled(label: str, text: str) -> Text:
    """A hint line: "Hint: ..." or "More help: ...", its label in bold yellow."""
    return Text.assemble((label + " ", "bold yellow"), text)


def step_line(result: StepResult, console: Console) -> Text:
    """One line for a step: its symbol, number, title and status in words."""
    symbols = _symbols(console)
    kind = result.status.value if result.status in (Status.PASSED, Status.NOT_STARTED) else "other"
    return Text.assemble((f"{symbols[kind]} ", STYLES[kind]), (f"Step {result.step.number}: {result.step.title}", "bold"),
                         (f" ({messages.STATUS_WORDS[result.status]})", STYLES[kind]))


def _indented(text: Text, console: Console):
    if console.is_terminal:
        return Padding(text, INDENT)  # wraps within the terminal and keeps the indent
    indented = Text()
    for line in text.split("\n"):
        indented.append("    ")
        indented.append_text(line)
        indented.append("\n")
    indented.rstrip()
    return indented


def _step_block(result: StepResult, explain: bool, grown: bool, console: Console) -> list:
    parts = [step_line(result, console)]
    if explain:
        parts.append(_indented(_message(result), console))
        parts.append(_indented(labelled(messages.HINT_LABEL, result.hint), console))
        if grown:
            parts.append(_indented(labelled(messages.MORE_HELP_LABEL, result.more_hint),
                                   console))
    return parts


def _progress(results: list[StepResult], console: Console) -> Table | Text:
    words = Text(progress_line(results), "bold")
    core = [result for result in results if not result.step.bonus]
    if not console.is_terminal:
        return words
    grid = Table.grid(padding=(0, 2))
    width = min(40, max(console.width - len(words) - 3, 10))  # the bar gives way to the words first
    bar = ProgressBar(total=len(core), completed=sum(result.passed for result in core), width=width)
    if len(words) > console.width - width - 3:  # one part a line, rather than a line break inside a figure
        words = Text(progress_line(results).replace(" · ", "\n"), "bold")
    grid.add_row(bar, words)
    return grid


def shown_folder(path: Path) -> str:
    return display_path(path).rstrip("/\\") + "/"


def render(results: list[StepResult], console: Console, *, grown: set[int] = frozenset(),
           all_steps: int | None = None, explain_first_only: bool = False, grader_modified: bool = False,
           said_before: set[str] = frozenset()) -> None:
    """Print one line per step, the first failure of each failed step with its hint, what to do next,
    and the progress line. ``grown``: steps whose check failed again (they get the specific hint).
    ``said_before``: tips an earlier run showed already (with --state, a tip is said once).
    ``explain_first_only``: explain only the first step that does not pass (watch mode)."""
    blocks = []
    # Every step that does not pass yet is explained, but a step not started only when it is the first
    # step left to do; an optional step only when every other step passes.
    unpassed_before = explained_one = False
    core_done = all(result.passed for result in results if not result.step.bonus)
    for result in results:
        explain = not result.passed and (result.status != Status.NOT_STARTED or not unpassed_before)
        explain = explain and not (result.step.bonus and result.status == Status.NOT_STARTED and not core_done)
        explain = explain and not (explain_first_only and explained_one)
        explained_one |= explain
        unpassed_before |= not result.passed and not result.step.bonus
        blocks.extend(_step_block(result, explain, result.step.number in grown, console))
    for block in blocks:
        console.print(block)
    console.print()
    tips = list(dict.fromkeys(tip for result in results for tip in result.tips if tip not in said_before))
    for tip in tips:
        console.print(Text(tip, "cyan"))
    if tips:
        console.print()
    if grader_modified:
        console.print(Text(messages.GRADER_MODIFIED, "bold magenta"))
        console.print()
    upcoming = next((result for result in results if not result.passed and not result.step.bonus), None)
    bonus_left = next((result for result in results if not result.passed and result.step.bonus), None)
    if upcoming is not None:
        console.print(Text(messages.next_action(upcoming), "bold"))
    elif len(results) == (all_steps or len(results)) and len(results) > 1:
        console.print(Text(messages.completion(len([r for r in results if not r.step.bonus])), "green"))
        if bonus_left is not None:
            console.print(Text(messages.bonus_next(bonus_left), "bold"))
    elif bonus_left is not None:
        console.print(Text(messages.next_action(bonus_left), "bold"))
    console.print(_progress(results, console))
