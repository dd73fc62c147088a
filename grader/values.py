"""Comparing and showing the values that came back from a learner's process."""

from __future__ import annotations

import decimal

from .sandbox.wire import FunctionInfo, Opaque


class Missing:
    """What a dict lookup finds when the learner's dict has no such key. A real object, not a string, so that
    a learner's own value "(missing)" is never taken for a missing one."""

    def __repr__(self) -> str:
        return "nothing"


MISSING = Missing()


def same(a, b) -> bool:
    """Equal *and* of exactly the same types all the way down (so 50 is not True, 50.0 or Decimal(50))."""
    if type(a) is not type(b):
        return False
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[key], b[key]) for key in a)
    return a == b


def kind_of(value) -> str:
    """A beginner's name for the type of ``value``: 'a str', 'an int', 'a Decimal', 'an Answer (made from tuple,
    not a plain tuple)'."""
    if isinstance(value, Opaque):
        name = f"{article(value.type_name)} {value.type_name}"
        if value.builtin_base and value.type_name != value.builtin_base:
            return f"{name} (made from {value.builtin_base}, not a plain {value.builtin_base})"
        return name
    if isinstance(value, FunctionInfo):
        return "a function"
    if value is None:
        return "None"
    if isinstance(value, decimal.Decimal):
        return "a Decimal"
    name = type(value).__name__
    return f"{article(name)} {name}"


def describe(value) -> str:
    """'a str: 'P123'' — the kind of a value, then the value; just 'None' for None."""
    return "None" if value is None else f"{kind_of(value)}: {show(value)}"


def article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def show(value, limit: int = 160) -> str:
    """``value`` as Python source, shortened to ``limit`` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def first_difference(found: str, expected: str) -> int:
    """Index of the first character where two strings differ."""
    for index, (a, b) in enumerate(zip(found, expected)):
        if a != b:
            return index
    return min(len(found), len(expected))
