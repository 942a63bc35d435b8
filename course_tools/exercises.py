"""Generate student exercises from solution notebooks (nbgrader-style markers).

A solution notebook is the single source of an assignment. In its code cells,
the lines between `### BEGIN SOLUTION` and `### END SOLUTION` are the answer;
the generated exercise replaces them with a `# YOUR CODE HERE` hint and
`raise NotImplementedError()` at the same indentation, clears every output
and points the Colab badge at the exercise. A cell that holds an answer is
tagged `exercise:<id>`, where `<id>` is the name `check` and the grader use.

Example:
    >>> source = "def f(x):\\n    ### BEGIN SOLUTION\\n    return 2 * x\\n    ### END SOLUTION\\n"
    >>> print(strip_solutions(source))
    def f(x):
        # YOUR CODE HERE
        raise NotImplementedError()
    <BLANKLINE>
"""

from __future__ import annotations

import copy
import re

import nbformat

from course_tools.chapters import BADGE_PATTERN, colab_badge

BEGIN_MARKER = "### BEGIN SOLUTION"
END_MARKER = "### END SOLUTION"
EXERCISE_TAG_PREFIX = "exercise:"
_EXERCISE_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def strip_solutions(source: str) -> str:
    """Replace every marked answer region of a code cell's source.

    Raises:
        ValueError: unbalanced or nested markers.
    """
    kept: list[str] = []
    inside = False
    for line in source.splitlines(keepends=True):
        stripped = line.strip()
        if stripped == BEGIN_MARKER:
            if inside:
                raise ValueError("nested '### BEGIN SOLUTION'")
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            kept.append(f"{indent}# YOUR CODE HERE\n{indent}raise NotImplementedError()\n")
        elif stripped == END_MARKER:
            if not inside:
                raise ValueError("'### END SOLUTION' without a BEGIN")
            inside = False
        elif not inside:
            kept.append(line)
    if inside:
        raise ValueError("'### BEGIN SOLUTION' without an END")
    return "".join(kept)


def exercise_id(cell: nbformat.NotebookNode) -> str | None:
    """The `<id>` of a cell tagged `exercise:<id>`, or None."""
    for tag in cell.get("metadata", {}).get("tags", []):
        if tag.startswith(EXERCISE_TAG_PREFIX):
            return tag[len(EXERCISE_TAG_PREFIX) :]
    return None


def exercise_ids(notebook: nbformat.NotebookNode) -> list[str]:
    """Ids of the exercises in a notebook, in cell order."""
    return [found for cell in notebook.cells if (found := exercise_id(cell))]


def validate_solution(notebook: nbformat.NotebookNode) -> None:
    """Check the markers and tags agree; raises ValueError otherwise."""
    seen = set()
    for index, cell in enumerate(notebook.cells):
        marked = cell.cell_type == "code" and BEGIN_MARKER in cell.source
        found = exercise_id(cell)
        if marked != (found is not None):
            raise ValueError(
                f"cell {index}: an answer region needs an 'exercise:<id>' tag and "
                "a tagged cell needs an answer region"
            )
        if found is None:
            continue
        if not _EXERCISE_ID.match(found) or found in seen:
            raise ValueError(f"cell {index}: exercise id {found!r} is invalid or repeated")
        seen.add(found)


def set_badge(notebook: nbformat.NotebookNode, relative_path: str) -> None:
    """Point the first cell's Colab badge at `relative_path`."""
    first = notebook.cells[0]
    first.source = BADGE_PATTERN.sub(lambda _: colab_badge(relative_path), first.source)


def make_exercise(solution: nbformat.NotebookNode, relative_path: str) -> nbformat.NotebookNode:
    """The student version of a solution notebook, to be saved at `relative_path`."""
    validate_solution(solution)
    exercise = copy.deepcopy(solution)
    for cell in exercise.cells:
        if cell.cell_type != "code":
            continue
        cell.source = strip_solutions(cell.source)
        cell.outputs = []
        cell.execution_count = None
    set_badge(exercise, relative_path)
    return exercise
