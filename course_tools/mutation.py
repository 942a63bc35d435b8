"""Small, plausible mistakes made in an answer's code: the mutants of `course mutants`.

Each mutant changes one spot between an answer cell's `### BEGIN SOLUTION`
and `### END SOLUTION` markers, the way a student's slip would: an
arithmetic operator swapped, a term or a sign dropped, a comparison loosened
or tightened, a constant changed (an `axis`, a count of epochs), `mean` and
`sum` (or `max`/`min`, `argmax`/`argmin`) swapped, an off-by-one in a `range`
or a slice, a flag flipped (`training=True`), a keyword argument left out
(`keepdims=`, `global_batch_size=`, `seed=`), the validation split scored as
the training split (or the other way round), a seed argument not used.

Only the changed expression's text is replaced, so comments, markers and
layout stay as they were, and the same source always gives the same mutants
in the same order.

Example:
    >>> source = "def f(x):\\n    ### BEGIN SOLUTION\\n    return x.mean() + 1\\n"
    >>> source += "    ### END SOLUTION\\n"
    >>> [m.mutant_id for m in mutants(source)][:3]
    ['L3:11-23 drop right term', 'L3:11-23 drop left term', 'L3:11-23 Add->Sub']
    >>> mutants(source)[2].source.splitlines()[2]
    '    return (x.mean() - 1)'
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Iterator
from dataclasses import dataclass

from course_tools.exercises import BEGIN_MARKER, END_MARKER

_OPERATORS = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Div,
    ast.Div: ast.Mult,
    ast.FloorDiv: ast.Div,
    ast.Pow: ast.Mult,
    ast.MatMult: ast.Mult,
}
_COMPARISONS = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
}
_FUNCTIONS = {
    "mean": "sum",
    "sum": "mean",
    "max": "min",
    "min": "max",
    "argmax": "argmin",
    "argmin": "argmax",
    "amax": "amin",
    "amin": "amax",
    "maximum": "minimum",
    "minimum": "maximum",
}
_SPLITS = {"val": "train", "train": "val"}


@dataclass(frozen=True)
class Mutant:
    """One changed spot of an answer cell."""

    #: Stable while the answer is unchanged, e.g. "L5:11 Add->Sub" (line within the cell).
    mutant_id: str
    #: The whole cell's source with the change made.
    source: str
    #: The expression before and after, e.g. ("a + b", "(a - b)").
    before: str
    after: str


def mutants(source: str) -> list[Mutant]:
    """Every mutant of the answer region(s) of a cell's `source`, in source order."""
    tree = ast.parse(source)
    regions = _answer_lines(source)
    lines = source.splitlines(keepends=True)
    found = []
    nodes = [
        node
        for node in ast.walk(tree)
        if hasattr(node, "lineno") and any(lo < node.lineno < hi for lo, hi in regions)
    ]
    nodes.sort(key=lambda node: (node.lineno, node.col_offset, -node.end_col_offset))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    for node in nodes:
        for description, replacement in _replacements(node, parents.get(node)):
            before = ast.get_source_segment(source, node)
            after = f"({ast.unparse(replacement)})"
            found.append(
                Mutant(
                    f"L{node.lineno}:{node.col_offset}-{node.end_col_offset} {description}",
                    _replace(lines, node, after),
                    before,
                    after,
                )
            )
    return found


def _answer_lines(source: str) -> list[tuple[int, int]]:
    """(begin, end) line numbers, from 1, of each marked answer region."""
    regions, begin = [], None
    for number, line in enumerate(source.splitlines(), start=1):
        if line.strip() == BEGIN_MARKER:
            begin = number
        elif line.strip() == END_MARKER and begin is not None:
            regions.append((begin, number))
            begin = None
    return regions


def _replace(lines: list[str], node: ast.AST, text: str) -> str:
    """The source with `node`'s exact span replaced by `text`."""
    start, end = node.lineno - 1, node.end_lineno - 1
    head = lines[start].encode()[: node.col_offset].decode()
    tail = lines[end].encode()[node.end_col_offset :].decode()
    return "".join([*lines[:start], head + text + tail, *lines[end + 1 :]])


def _replacements(node: ast.AST, parent: ast.AST | None) -> Iterator[tuple[str, ast.AST]]:
    if isinstance(node, ast.BinOp):
        if isinstance(node.op, ast.Add | ast.Sub):
            yield "drop right term", node.left
            yield "drop left term", node.right
        swapped = _OPERATORS.get(type(node.op))
        if swapped is not None:
            yield f"{type(node.op).__name__}->{swapped.__name__}", _with(node, op=swapped())
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        yield "drop sign", node.operand
    elif isinstance(node, ast.Compare) and len(node.ops) == 1:
        swapped = _COMPARISONS.get(type(node.ops[0]))
        if swapped is not None:
            name = f"{type(node.ops[0]).__name__}->{swapped.__name__}"
            yield name, _with(node, ops=[swapped()])
    elif isinstance(node, ast.Constant) and isinstance(node.value, bool):
        yield f"{node.value}->{not node.value}", ast.Constant(not node.value)
    elif isinstance(node, ast.Constant) and _is_number(node.value):
        changed = node.value + 1 if isinstance(node.value, int) else (node.value * 2 or 1.0)
        kind = "axis" if isinstance(parent, ast.keyword) and parent.arg == "axis" else "constant"
        yield f"{kind} {node.value!r}->{changed!r}", ast.Constant(changed)
    elif isinstance(node, ast.Name | ast.Attribute):
        yield from _renamed(node, parent)
    elif isinstance(node, ast.Call) and node.keywords:
        for index, keyword in enumerate(node.keywords):
            if keyword.arg is not None:
                kept = node.keywords[:index] + node.keywords[index + 1 :]
                yield f"drop {keyword.arg}=", _with(node, keywords=kept)
    if isinstance(node, ast.Call) and _called(node) == "range" and node.args:
        stop = node.args[0] if len(node.args) == 1 else node.args[1]
        shorter = ast.BinOp(stop, ast.Sub(), ast.Constant(1))
        args = [shorter] if len(node.args) == 1 else [node.args[0], shorter, *node.args[2:]]
        yield "range stop -1", _with(node, args=args)
    elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
        for bound, step in (("lower", ast.Add()), ("upper", ast.Sub())):
            value = getattr(node.slice, bound)
            if value is not None:
                moved = ast.BinOp(value, step, ast.Constant(1))
                sliced = _with(node.slice, **{bound: moved})
                yield (
                    f"slice {bound} {'+' if bound == 'lower' else '-'}1",
                    _with(node, slice=sliced),
                )


def _renamed(
    node: ast.Name | ast.Attribute, parent: ast.AST | None
) -> Iterator[tuple[str, ast.AST]]:
    name = node.id if isinstance(node, ast.Name) else node.attr
    if not isinstance(node.ctx, ast.Load):
        return
    called = isinstance(parent, ast.Call) and parent.func is node
    new = _FUNCTIONS.get(name) if called else _other_split(name)
    if new is not None:
        renamed = ast.Name(new, ast.Load()) if isinstance(node, ast.Name) else _with(node, attr=new)
        yield f"{name}->{new}", renamed
    if isinstance(node, ast.Name) and name == "seed" and _is_argument(node, parent):
        yield "seed->0", ast.Constant(0)


def _other_split(name: str) -> str | None:
    """`x_val` -> `x_train`, `train` -> `val`: whole words between underscores only."""
    words = name.split("_")
    swapped = [_SPLITS.get(word, word) for word in words]
    return "_".join(swapped) if swapped != words else None


def _is_argument(node: ast.AST, parent: ast.AST | None) -> bool:
    return isinstance(parent, ast.keyword) or (
        isinstance(parent, ast.Call) and any(arg is node for arg in parent.args)
    )


def _called(call: ast.Call) -> str | None:
    return call.func.id if isinstance(call.func, ast.Name) else None


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _with(node: ast.AST, **fields) -> ast.AST:
    changed = copy.copy(node)
    for name, value in fields.items():
        setattr(changed, name, value)
    return changed
