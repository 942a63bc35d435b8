"""Generating exercises from solutions: answer markers and exercise tags."""

import nbformat
import pytest

from course_tools import exercises, notebooks
from course_tools.chapters import chapters
from tests.helpers import ROOT, tiny_notebook

ANSWER = "def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION\n"


def test_strip_solutions_keeps_indentation_and_surroundings():
    source = "import math\n\n" + ANSWER + "\nprint(double(2))\n"
    assert exercises.strip_solutions(source) == (
        "import math\n\ndef double(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n"
        "\nprint(double(2))\n"
    )


@pytest.mark.parametrize(
    "source",
    [
        "### BEGIN SOLUTION\nx = 1\n",
        "x = 1\n### END SOLUTION\n",
        "### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION\n",
    ],
)
def test_unbalanced_markers_are_rejected(source):
    with pytest.raises(ValueError):
        exercises.strip_solutions(source)


def test_make_exercise_clears_outputs_and_repoints_the_badge():
    solution = tiny_notebook(
        "solutions/99_tiny.ipynb", [("code", ANSWER, ["exercise:double"]), ("code", "1 + 1", [])]
    )
    solution.cells[2].outputs = [nbformat.v4.new_output("stream", text="2\n")]
    solution.cells[2].execution_count = 1
    exercise = exercises.make_exercise(solution, "exercises/99_tiny.ipynb")
    assert "exercises/99_tiny.ipynb" in exercise.cells[0].source
    assert "solutions/" not in exercise.cells[0].source
    assert "return 2 * x" not in exercise.cells[1].source
    assert exercise.cells[2].outputs == [] and exercise.cells[2].execution_count is None
    assert exercises.exercise_ids(exercise) == ["double"]
    assert [c.id for c in exercise.cells] == [c.id for c in solution.cells]


@pytest.mark.parametrize(
    "cells",
    [
        [("code", ANSWER, [])],  # answer without a tag
        [("code", "x = 1", ["exercise:double"])],  # tag without an answer
        [("code", ANSWER, ["exercise:double"]), ("code", ANSWER, ["exercise:double"])],
        [("code", ANSWER, ["exercise:Bad-Id"])],
    ],
)
def test_solution_notebooks_are_validated(cells):
    with pytest.raises(ValueError):
        exercises.make_exercise(tiny_notebook("solutions/99_tiny.ipynb", cells), "x.ipynb")


@pytest.mark.parametrize("chapter", [c for c in chapters(ROOT) if c.exercise], ids=str)
def test_every_shipped_answer_cell_raises_and_holds_none_of_the_answer(chapter):
    """What makes a release earn nothing from the grader (chapter 00's is graded too)."""
    released = {exercises.exercise_id(c): c for c in notebooks.read(chapter.exercise).cells}
    for cell in notebooks.read(chapter.solution).cells:
        exercise = exercises.exercise_id(cell)
        if exercise is None:
            continue
        shipped = released[exercise].source
        assert "raise NotImplementedError()" in shipped, exercise
        answer = cell.source.split(exercises.BEGIN_MARKER)[1].split(exercises.END_MARKER)[0]
        kept = [line for line in answer.splitlines() if line.strip() and line in shipped]
        assert not kept, (exercise, kept)
