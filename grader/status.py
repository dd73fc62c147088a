"""A step's status: what a learner's file earned, in one word every report shares."""

from __future__ import annotations

from enum import Enum


class Status(str, Enum):
    """Each member is its own text ("passed", ...), so JSON, CSV and comparisons with the words keep working."""

    PASSED = "passed"
    FAILED = "failed"  # the code ran and a check found the answer wrong
    ERROR = "error"  # the code could not be graded: it crashed, broke a rule, or the grader went wrong
    TIMEOUT = "timeout"
    NOT_STARTED = "not_started"  # still the starter
    MISSING = "missing"  # no such file, or a link instead of a file

    __hash__ = str.__hash__

    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)
