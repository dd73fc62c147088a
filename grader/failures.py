"""The two ways a check can fail: the learner's answer is wrong, or the learner's code did not run."""

from __future__ import annotations


class CheckFailed(Exception):
    """The answer is wrong. Says where, what was expected, what was found, and why it matters."""

    def __init__(self, where: str, explanation: str, *, expected: str | None = None, found: str | None = None):
        super().__init__(explanation)
        self.where = where
        self.explanation = explanation
        self.expected = expected
        self.found = found

    @property
    def text(self) -> str:
        lines = [f"In {self.where}:"]
        if self.expected is not None:
            lines.append(f"  expected: {self.expected}")
        if self.found is not None:
            lines.append(f"  found:    {self.found}")
        lines.append(self.explanation)
        return "\n".join(lines)


class RunProblem(Exception):
    """The learner's code could not be graded: it crashed, exited, timed out, or could not be read."""

    def __init__(self, status: str, text: str):
        super().__init__(text)
        self.status = status  # Status.ERROR or Status.TIMEOUT
        self.text = text
