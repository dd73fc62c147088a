"""What the grader reads in a learner's file itself, from its syntax tree.

The file is parsed here, never imported or run: what its own process reports could be forged, what the
file says cannot.
"""

from __future__ import annotations

import ast

_TRY_BLOCKS = tuple(t for t in (ast.Try, getattr(ast, "TryStar", None)) if t)  # try/except* is Python 3.11+


def assigns_call(source: str | bytes, variable: str, function: str, argument: str) -> bool:
    """True when the file sets ``variable = function(argument)`` at module level.

    Counted: a plain ``=`` or an annotated assignment (``result: tuple = ...``), also inside the
    module's if/try/with blocks (such as ``if __name__ == "__main__":``); ``function`` called by its name
    or as an attribute (``handler.process_event(...)``); ``argument`` given as the one positional argument
    or the one keyword argument (``record=sample_record``). Not counted: tuple unpacking, assignments
    inside functions, classes or loops, and any other argument, even one holding the same value.

    A file that cannot be parsed (it changed since its run checked it) sets nothing.
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return any(_is_call(_value_assigned_to(statement, variable), function, argument)
               for statement in _module_level_statements(tree.body))


def _module_level_statements(statements: list[ast.stmt]):
    """Every statement that runs at module level: the file's own, and those in its if/try/with blocks."""
    for statement in statements:
        yield statement
        if isinstance(statement, ast.If):
            yield from _module_level_statements(statement.body + statement.orelse)
        elif isinstance(statement, ast.With):
            yield from _module_level_statements(statement.body)
        elif isinstance(statement, _TRY_BLOCKS):
            handlers = [line for handler in statement.handlers for line in handler.body]
            yield from _module_level_statements(statement.body + handlers + statement.orelse + statement.finalbody)


def _value_assigned_to(statement: ast.stmt, variable: str) -> ast.expr | None:
    """The expression ``statement`` assigns to ``variable`` by name (``x = ...`` or ``x: T = ...``), if any."""
    if isinstance(statement, ast.Assign) and any(_is_name(target, variable) for target in statement.targets):
        return statement.value
    if isinstance(statement, ast.AnnAssign) and _is_name(statement.target, variable):
        return statement.value  # None for a bare annotation, `result: tuple`
    return None


def _is_call(expression: ast.expr | None, function: str, argument: str) -> bool:
    """True for ``function(argument)``, ``something.function(argument)`` and ``function(name=argument)``."""
    if not isinstance(expression, ast.Call):
        return False
    callee = expression.func
    if not (_is_name(callee, function) or isinstance(callee, ast.Attribute) and callee.attr == function):
        return False
    positional, keywords = expression.args, expression.keywords
    if len(positional) == 1 and not keywords:
        return _is_name(positional[0], argument)
    if not positional and len(keywords) == 1:
        return keywords[0].arg is not None and _is_name(keywords[0].value, argument)  # arg None: **spread
    return False


def _is_name(expression: ast.expr, name: str) -> bool:
    return isinstance(expression, ast.Name) and expression.id == name


def function_setting(source: str | bytes, variable: str) -> str | None:
    """The name of a function whose body sets ``variable`` (so it is local to it), or None."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for inner in ast.walk(node):
                targets = inner.targets if isinstance(inner, ast.Assign) else [getattr(inner, "target", None)]
                if isinstance(inner, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and any(
                        isinstance(target, ast.Name) and target.id == variable for target in targets):
                    return node.name
    return None
