"""`python -m grader.hint N` (`nox -s hint -- N`): the hints for step N, and one for what fails now."""

from __future__ import annotations


from rich.text import Text

from . import messages, options, screen
from .grading import grade


def main(argv: list[str] | None = None) -> int:
    _, manifest, step, target = options.step_command("python -m grader.hint", "Show the hints for one step.", argv)
    console = screen.make_console()
    console.print(Text(f"Step {step.number}: {step.title}", "bold"))
    console.print(screen.labelled(messages.HINT_LABEL, step.hint))
    (result,) = grade(manifest, target, [step.number])
    if result.passed:
        console.print(messages.hint_step_passes(step.number))
    elif result.more_hint:
        console.print(screen.labelled(messages.MORE_HELP_LABEL, result.more_hint))
    else:
        console.print(messages.hint_see_what_fails(result))
    return options.EXIT_OK


if __name__ == "__main__":
    options.leave(options.run(main, "hint"))
