"""Rebuild a submission from the released exercise: only answers come from students.

The released notebook (`exercises/NN_topic.ipynb`) supplies every instructor
cell; from the student's notebook only the answer cells are taken, found
by their `exercise:<id>` tag, then by the released cell's id, then by the
names the released answer cell defines (a notebook whose metadata an editor
stripped or rewrote is still graded). Helper cells a student added are not
run: an answer must live in its answer cell. Check cells (`check("<id>", ...)`)
are run, from the release, only when the student gets feedback on them.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from course_tools.exercises import exercise_id

MAX_NOTEBOOK_BYTES = 20 * 2**20
_CHECKED = re.compile(r"""check\(\s*["']([A-Za-z][A-Za-z0-9_]*)["']""")


class MalformedSubmission(ValueError):
    """The file is not a readable notebook."""


@dataclass(frozen=True)
class PlannedCell:
    """One cell to run: an instructor cell unless `exercise` or `checks` is set."""

    source: str
    exercise: str | None = None  # set for answer cells
    checks: str | None = None  # set for check cells: the exercise whose public cases they run
    position: int = 0  # among the release's code cells, from 1

    @property
    def is_instructor_cell(self) -> bool:
        """Set-up, data or helpers, from the release: neither an answer nor a check."""
        return self.exercise is None and self.checks is None


@dataclass
class GradingPlan:
    cells: list[PlannedCell] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def defined_names(source: str) -> set[str]:
    """Top-level functions, classes and assigned names of a cell.

    Example:
        >>> sorted(defined_names("import numpy as np\\ndef f(x):\\n    pass\\nY = 1"))
        ['Y', 'f']
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    names = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def read_submission(path: Path) -> nbformat.NotebookNode:
    """Parse a student's file, or raise MalformedSubmission saying why."""
    try:
        if path.stat().st_size > MAX_NOTEBOOK_BYTES:
            raise MalformedSubmission(f"larger than {MAX_NOTEBOOK_BYTES // 2**20} MiB")
        raw = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(raw, dict) or not isinstance(raw.get("cells"), list):
            raise MalformedSubmission("not a Jupyter notebook (no list of cells)")
        notebook = nbformat.reads(json.dumps(raw), as_version=4)
    except MalformedSubmission:
        raise
    except (OSError, UnicodeDecodeError, ValueError, TypeError, KeyError) as error:
        raise MalformedSubmission(f"cannot be read as a notebook: {error}") from error
    for cell in notebook.cells:
        if not isinstance(cell.get("source", ""), str):
            raise MalformedSubmission("a cell's source is not text")
    return notebook


def _is_check_cell(source: str) -> bool:
    return source.lstrip().startswith("check(")


def _find_answer(release_cell, exercise: str, student_cells) -> str | None:
    code_cells = [c for c in student_cells if c.get("cell_type") == "code"]
    for cell in code_cells:
        if exercise_id(cell) == exercise:
            return cell.source
    for cell in code_cells:
        if cell.get("id") and cell.get("id") == release_cell.get("id"):
            return cell.source
    wanted = defined_names(release_cell.source)
    by_name = [cell for cell in code_cells if wanted & defined_names(cell.source)]
    if by_name:
        return by_name[-1].source
    return None


def plan(
    release: nbformat.NotebookNode, student: nbformat.NotebookNode, checks: bool = False
) -> GradingPlan:
    """The cells to run for one submission, in the released order.

    Check cells are the student's feedback, not the grade: they are left out
    unless `checks` is true, and then they run where the release has them,
    before any hidden probe exists in the kernel's folder.
    """
    result = GradingPlan()
    code_cells = [cell for cell in release.cells if cell.cell_type == "code"]
    for position, cell in enumerate(code_cells, start=1):
        if _is_check_cell(cell.source):
            checked = _CHECKED.match(cell.source.lstrip())
            if checks and checked:
                result.cells.append(
                    PlannedCell(cell.source, checks=checked.group(1), position=position)
                )
            continue
        exercise = exercise_id(cell)
        if exercise is None:
            result.cells.append(PlannedCell(cell.source, position=position))
            continue
        source = _find_answer(cell, exercise, student.cells)
        if source is None:
            result.missing.append(exercise)
            continue
        result.cells.append(PlannedCell(source, exercise, position=position))
    return result
