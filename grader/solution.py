"""`python -m grader.solution N` (`nox -s solution -- N`): the reference solution of step N, as a diff
against the learner's file, but only once the learner's step N passes."""

from __future__ import annotations

import difflib

from rich.syntax import Syntax
from rich.text import Text

from . import messages, options, screen
from .grading import grade
from .manifest import KIT_DIR


def main(argv: list[str] | None = None) -> int:
    _, manifest, step, target = options.step_command("python -m grader.solution",
                                                     "Show a step's reference solution.", argv)
    console = screen.make_console()
    (result,) = grade(manifest, target, [step.number])
    if not result.passed:
        console.print(Text(messages.solution_locked(step.number), "bold"))
        console.print(screen.labelled(messages.HINT_LABEL, step.hint))
        return options.EXIT_NOT_OK
    mine = (target / step.file).read_text(encoding="utf-8-sig", errors="replace").splitlines(keepends=True)
    reference = (KIT_DIR / "solutions" / step.file).read_text(encoding="utf-8").splitlines(keepends=True)
    diff = "".join(difflib.unified_diff(mine, reference, f"yours: {result.file}", f"solution: solutions/{step.file}"))
    if not diff:
        console.print(messages.SOLUTION_SAME)
    elif console.is_terminal:
        console.print(Syntax(diff, "diff", theme="ansi_dark", background_color="default"))
    else:
        console.print(diff, end="", markup=False)
    return options.EXIT_OK


if __name__ == "__main__":
    options.leave(options.run(main, "solution"))
