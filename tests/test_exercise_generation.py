import nbformat
import pytest

from course_lib import build, exercises, notebooks
from tests.helpers import ROOT, copy_course, tiny_notebook

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


def test_committed_generated_files_are_in_sync():
    assert build.build(ROOT, check=True) == []


def test_build_check_fails_when_a_solution_changes_without_regenerating(tmp_path):
    course = copy_course(tmp_path)
    solution_path = course / "solutions" / "00_training_loop.ipynb"
    solution = notebooks.read(solution_path)
    tagged = next(c for c in solution.cells if exercises.exercise_id(c))
    tagged.source += "\n# a new comment students should see\n"
    notebooks.write(solution, solution_path)

    drifted = build.build(course, check=True)
    assert course / "exercises" / "00_training_loop.ipynb" in drifted

    build.build(course)
    assert build.build(course, check=True) == []
    regenerated = notebooks.read(course / "exercises" / "00_training_loop.ipynb")
    assert any("a new comment students should see" in c.source for c in regenerated.cells)


def test_build_removes_an_exercise_whose_solution_is_gone(tmp_path):
    course = copy_course(tmp_path)
    orphan = course / "exercises" / "98_orphan.ipynb"
    orphan.write_text((course / "exercises" / "00_training_loop.ipynb").read_text())
    assert orphan in build.build(course, check=True)
    build.build(course)
    assert not orphan.exists()


def test_normalise_is_idempotent_and_drops_volatile_metadata():
    nb = notebooks.read(ROOT / "notebooks" / "00_training_loop.ipynb")
    nb.metadata["widgets"] = {"state": {}}
    nb.cells[1].metadata["execution"] = {"iopub.execute_input": "2026-11-22T00:00:00Z"}
    once = notebooks.normalise(nb)
    assert "widgets" not in once.metadata and once.cells[1].metadata == {}
    assert notebooks.dumps(notebooks.normalise(once)) == notebooks.dumps(once)


def test_normalise_joins_the_chunks_a_kernel_split_a_printed_line_into():
    nb = notebooks.read(ROOT / "solutions" / "00_training_loop.ipynb")
    index = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.outputs)
    text = nb.cells[index].outputs[0].text
    nb.cells[index].outputs = [
        nbformat.v4.new_output("stream", name="stdout", text=text[:5]),
        nbformat.v4.new_output("stream", name="stdout", text=text[5:]),
    ]
    assert [o.text for o in notebooks.normalise(nb).cells[index].outputs] == [text]
