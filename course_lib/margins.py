"""How far each claim is from failing: the margins behind `claim`'s holds lines.

A claim such as `claim("BN passes 0.9", accuracy > 0.9)` holds or not; how
close it came is lost in the boolean. When `$COURSE_CLAIM_LOG` names a file,
`claim` asks this module to read the claim's own source, split its test into
comparisons (`a > b`, `a < b < c`, `and`, `or`, `not`, and `all`/`any`/`min`
over a generator of comparisons) and evaluate each comparison's margin in the
caller's namespace: `a - b` for `a > b`, `b - a` for `a < b`, positive while
it holds. Exact tests (`==`, `in`, a function's boolean) have no margin. One
JSON line per comparison is appended to the file, which
`benchmarks/claim_margins.py` collects over seeds and instruction sets.

Authors' tooling: a learner's run never sets the variable, and nothing here
changes whether a claim holds.

Example:
    >>> import ast
    >>> [ast.unparse(node) for node in comparisons(ast.parse("a > 1 and not b < 2").body[0].value)]
    ['a > 1', 'b < 2']
    >>> margin_of(ast.parse("a > 1").body[0].value, {"a": 1.25})
    0.25
"""

from __future__ import annotations

import ast
import json
import linecache
import os
from pathlib import Path
from types import FrameType
from typing import Any

#: The environment variable naming the file that claims' margins are appended to.
LOG_VARIABLE = "COURSE_CLAIM_LOG"
_ORDERED = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)
#: `all(...)` holds as long as its closest element does; `any(...)` as its farthest.
_REDUCERS = {"all": "min", "any": "max"}


def comparisons(test: ast.expr) -> list[ast.expr]:
    """The atomic tests inside a claim's test: each `and`/`or` operand, `not` removed.

    An `all(...)` or `any(...)` over a generator of comparisons counts as one
    test (its margin is the smallest, or the largest, over the generator).
    """
    if isinstance(test, ast.BoolOp):
        return [atom for value in test.values for atom in comparisons(value)]
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return comparisons(test.operand)
    if _is_call(test, "bool") and len(test.args) == 1:
        return comparisons(test.args[0])
    return [test]


def _is_call(node: ast.expr, *names: str) -> bool:
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    return name in names


def _path_to(test: ast.expr, atom: ast.expr) -> list[ast.expr]:
    """The nodes from `test` down to `atom`, both included."""
    if test is atom:
        return [test]
    for child in ast.iter_child_nodes(test):
        if any(node is atom for node in ast.walk(child)):
            return [test, *_path_to(child, atom)]
    return []


def _sign(test: ast.expr, atom: ast.expr) -> int:
    """-1 when `atom` sits under an odd number of `not`s in `test`, else 1."""
    nots = sum(
        isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not)
        for node in _path_to(test, atom)
    )
    return -1 if nots % 2 else 1


def _alternative(test: ast.expr, atom: ast.expr) -> bool:
    """Whether `atom` is one side of an `or`: it may fail while the claim holds."""
    return any(
        isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or)
        for node in _path_to(test, atom)
    )


def _margin_expression(compare: ast.Compare) -> ast.expr | None:
    """`b - a` for `a < b` (the smallest such difference for a chain); None when exact."""
    if not all(isinstance(op, _ORDERED) for op in compare.ops):
        return None
    operands = [compare.left, *compare.comparators]
    differences: list[ast.expr] = []
    for left, op, right in zip(operands, compare.ops, operands[1:], strict=False):
        high, low = (right, left) if isinstance(op, ast.Lt | ast.LtE) else (left, right)
        differences.append(ast.BinOp(left=high, op=ast.Sub(), right=low))
    if len(differences) == 1:
        return _smallest(differences[0])
    return ast.Call(
        func=ast.Name(id="min", ctx=ast.Load()),
        args=[_smallest(difference) for difference in differences],
        keywords=[],
    )


def _smallest(difference: ast.expr) -> ast.expr:
    """`float(np.min(d))`: an element-wise comparison is as close as its closest element."""
    reduced = ast.Call(
        func=ast.Attribute(value=ast.Name(id="_np", ctx=ast.Load()), attr="min", ctx=ast.Load()),
        args=[difference],
        keywords=[],
    )
    return ast.Call(func=ast.Name(id="float", ctx=ast.Load()), args=[reduced], keywords=[])


def _atom_expression(atom: ast.expr) -> ast.expr | None:
    if isinstance(atom, ast.Compare):
        return _margin_expression(atom)
    if _is_call(atom, "all", "any") and len(atom.args) == 1:
        inner = atom.args[0]
        name = atom.func.attr if isinstance(atom.func, ast.Attribute) else atom.func.id
        comprehension = isinstance(inner, ast.GeneratorExp | ast.ListComp)
        if comprehension and isinstance(inner.elt, ast.Compare):
            element = _margin_expression(inner.elt)
            if element is None:
                return None
            listed = ast.ListComp(elt=element, generators=inner.generators)
            return ast.Call(
                func=ast.Name(id=_REDUCERS[name], ctx=ast.Load()), args=[listed], keywords=[]
            )
        if isinstance(inner, ast.Compare):  # np.all(array > x): its closest element
            return _margin_expression(inner)
    return None


def margin_of(atom: ast.expr, namespace: dict[str, Any], local: dict | None = None) -> float | None:
    """How far the test `atom` is from failing, in its own units; None when it is exact."""
    import numpy as np

    expression = _atom_expression(atom)
    if expression is None:
        return None
    code = compile(ast.fix_missing_locations(ast.Expression(expression)), "<margin>", "eval")
    scope = {**namespace, **(local or {}), "_np": np}
    return float(eval(code, scope))  # the claim's own source, evaluated again


def _claim_test(frame: FrameType) -> ast.expr | None:
    """The second argument of the `claim(...)` call that `frame` is executing."""
    source = "".join(linecache.getlines(frame.f_code.co_filename))
    if not source:
        return None
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    calls = [
        node
        for node in ast.walk(tree)
        if _is_call(node, "claim")
        and len(node.args) >= 2
        and node.lineno <= frame.f_lineno <= (node.end_lineno or node.lineno)
    ]
    return calls[-1].args[1] if calls else None


def record(statement: str, holds: bool, frame: FrameType) -> None:
    """Append the margins of the claim being made in `frame` to `$COURSE_CLAIM_LOG`.

    Does nothing when the variable is unset. A test that cannot be analysed is
    logged with its error instead of a margin: a claim's verdict must not
    depend on its bookkeeping.
    """
    path = os.environ.get(LOG_VARIABLE)
    if not path:
        return
    rows = []
    try:
        test = _claim_test(frame)
        atoms = comparisons(test) if test is not None else []
        for atom in atoms:
            try:
                margin = margin_of(atom, frame.f_globals, frame.f_locals)
                margin = margin * _sign(test, atom) if margin is not None else None
            except Exception as error:  # a sub-test that cannot run alone
                rows.append({"claim": statement, "test": ast.unparse(atom), "error": repr(error)})
                continue
            row = {"claim": statement, "test": ast.unparse(atom), "margin": margin}
            rows.append({**row, "alternative": _alternative(test, atom)})
    except Exception as error:
        rows = [{"claim": statement, "error": repr(error)}]
    rows = rows or [{"claim": statement, "margin": None}]
    with Path(path).open("a", encoding="utf-8") as log:
        for row in rows:
            log.write(json.dumps({**row, "holds": bool(holds)}) + "\n")
