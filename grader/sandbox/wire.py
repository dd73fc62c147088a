"""How values cross between the learner's process and the grader: JSON with every type spelled out.

The child encodes what the learner's code produced; the grader decodes it into plain built-in values
of exactly the same type. Anything that is not one of those exact types (a tuple subclass, an object
with a clever ``__eq__``, a ``str`` subclass, ...) arrives as an ``Opaque`` that equals nothing, so no
learner object ever takes part in a comparison inside the grader.

This module is imported by the child (with only the standard library available), so it must not
import anything from the grader or from third-party packages.
"""

from __future__ import annotations

import sys
import types

# decimal, datetime, base64 and inspect are imported only when a value needs them: every learner process
# imports this module, and those imports would cost it more than its own code does.

MAX_DEPTH = 30
MAX_NODES = 20_000
MAX_TEXT = 100_000
MAX_REPR = 300


class Opaque:
    """A value of a type the grader does not rebuild; it equals only itself."""

    __slots__ = ("type_name", "text", "builtin_base")

    def __init__(self, type_name: str, text: str, builtin_base: str | None = None):
        self.type_name = type_name
        self.text = text
        self.builtin_base = builtin_base

    def __repr__(self) -> str:
        return self.text

    def __eq__(self, other):
        return self is other

    __hash__ = object.__hash__


class FunctionInfo:
    """A learner's function as the grader sees it: its name and its parameters."""

    __slots__ = ("name", "params")

    def __init__(self, name: str, params: list[dict]):
        self.name = name
        self.params = params  # each {"name": str, "kind": str, "has_default": bool}

    def __repr__(self) -> str:
        return f"<function {self.name}({', '.join(p['name'] for p in self.params)})>"


def _safe_repr(value) -> str:
    try:
        text = repr(value)
    except BaseException as error:  # noqa: BLE001 - a learner's __repr__ may raise anything
        text = f"<{type(value).__name__} whose repr() failed: {type(error).__name__}>"
    if not isinstance(text, str):
        text = f"<{type(value).__name__}>"
    return text if len(text) <= MAX_REPR else text[:MAX_REPR] + "..."


_BUILTIN_BASES = (bool, int, float, str, bytes, tuple, list, dict, set, frozenset)


def _loaded_type(module: str, name: str):
    """A type from ``module`` if that module was imported; if it was not, no value can be of that type."""
    return getattr(sys.modules.get(module), name, None)


def _function_params(function) -> list[dict]:
    import inspect

    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return []
    return [
        {
            "name": parameter.name,
            "kind": parameter.kind.name,
            "has_default": parameter.default is not inspect.Parameter.empty,
        }
        for parameter in signature.parameters.values()
    ]


def encode(value, _state=None, _depth=0):
    """Describe ``value`` as JSON-ready data; only exact built-in types keep their identity."""
    state = _state if _state is not None else {"nodes": 0, "active": set()}
    state["nodes"] += 1
    kind = type(value)
    if state["nodes"] > MAX_NODES or _depth > MAX_DEPTH:
        return {"opaque": [kind.__name__, "<too large or too deeply nested to show>", None]}
    if value is None:
        return {"none": None}
    if kind is bool:
        return {"bool": value}
    if kind is int:
        if value.bit_length() > 4000:
            return {"opaque": ["int", "<an int with more than a thousand digits>", "int"]}
        return {"int": str(value)}
    if kind is float:
        return {"float": repr(value)}
    if kind is str:
        if len(value) > MAX_TEXT:
            return {"opaque": ["str", repr(value[:MAX_REPR]) + "...", "str"]}
        return {"str": value}
    if kind is _loaded_type("decimal", "Decimal"):
        return {"decimal": str(value)}
    if kind is bytes:
        import base64

        return {"bytes": base64.b64encode(value[:MAX_TEXT]).decode("ascii")}
    if kind is _loaded_type("datetime", "datetime"):
        return {"datetime": value.isoformat()}
    if kind in (list, tuple, dict, set, frozenset):
        if id(value) in state["active"]:
            return {"opaque": [kind.__name__, "<a container that contains itself>", kind.__name__]}
        state["active"].add(id(value))
        try:
            if kind is dict:
                items = [[encode(k, state, _depth + 1), encode(v, state, _depth + 1)] for k, v in list(value.items())]
                return {"dict": items}
            return {kind.__name__: [encode(item, state, _depth + 1) for item in list(value)]}
        finally:
            state["active"].discard(id(value))
    if _is_plain_named_tuple(kind):  # a tuple with names for its items: compared as the tuple it is
        return encode(tuple(value), state, _depth)
    if kind in (types.FunctionType, types.BuiltinFunctionType, types.MethodType):
        return {"function": [getattr(value, "__name__", "?"), _function_params(value)]}
    bases = _BUILTIN_BASES + tuple(t for t in [_loaded_type("decimal", "Decimal")] if t)
    base = next((b.__name__ for b in bases if isinstance(value, b)), None)
    return {"opaque": [_type_name(kind), _safe_repr(value), base]}


def _is_plain_named_tuple(kind: type) -> bool:
    """A namedtuple or typing.NamedTuple class that compares, counts and iterates as tuple does (a class that
    changes any of those stays opaque)."""
    try:
        return (tuple in kind.__mro__ and isinstance(getattr(kind, "_fields", None), tuple)
                and all(getattr(kind, name) is getattr(tuple, name)
                        for name in ("__eq__", "__ne__", "__hash__", "__iter__", "__len__", "__getitem__")))
    except BaseException:  # noqa: BLE001 - a metaclass may do anything
        return False


def _type_name(kind: type) -> str:
    try:
        name = kind.__qualname__
        module = kind.__module__
    except BaseException:  # noqa: BLE001 - a metaclass may do anything
        return "unknown type"
    if not isinstance(name, str):
        return "unknown type"
    return name if module in ("builtins", "__main__", None) or not isinstance(module, str) else f"{module}.{name}"


class WireError(ValueError):
    """Data on the channel is not a valid encoding."""


def decode(data, _depth=0):
    """Rebuild a value from ``encode``'s output using only exact built-in types (as deep as encode goes)."""
    if _depth > MAX_DEPTH + 1:
        raise WireError("nested too deeply")
    if not isinstance(data, dict) or len(data) != 1:
        raise WireError(f"not an encoded value: {type(data).__name__}")
    (tag, payload), = data.items()
    try:
        if tag == "none":
            return None
        if tag == "bool":
            return bool(payload)
        if tag == "int":
            return int(payload)
        if tag == "float":
            return float(payload)
        if tag == "str":
            return str(payload)
        if tag == "decimal":
            import decimal

            return decimal.Decimal(payload)
        if tag == "bytes":
            import base64

            return base64.b64decode(payload)
        if tag == "datetime":
            import datetime

            return datetime.datetime.fromisoformat(payload)
        deeper = _depth + 1
        if tag == "list":
            return [decode(item, deeper) for item in payload]
        if tag == "tuple":
            return tuple(decode(item, deeper) for item in payload)
        if tag == "set":
            return {decode(item, deeper) for item in payload}
        if tag == "frozenset":
            return frozenset(decode(item, deeper) for item in payload)
        if tag == "dict":
            return {decode(key, deeper): decode(value, deeper) for key, value in payload}
        if tag == "function":
            name, params = payload
            return FunctionInfo(str(name), list(params))
        if tag == "opaque":
            type_name, text, base = payload
            return Opaque(str(type_name), str(text), base)
    except (TypeError, ValueError, ArithmeticError) as error:  # decimal.InvalidOperation is an ArithmeticError
        raise WireError(f"bad {tag} value: {error}") from None
    raise WireError(f"unknown tag {tag!r}")
