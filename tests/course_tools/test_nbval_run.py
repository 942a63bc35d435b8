"""nbval's run of a notebook is the seed-offset check: offset 1, oneDNN on, measured cells move."""

import nbformat
import pytest

from course_tools import notebooks


def _cell(source, recorded, tags=()):
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": list(tags)} if tags else {})
    cell.execution_count = 1
    cell.outputs = [nbformat.v4.new_output("stream", text=recorded)]
    return cell


def _run(pytester, cells):
    notebook = nbformat.v4.new_notebook(cells=cells)
    nbformat.write(notebook, pytester.path / "chapter.ipynb")
    return pytester.runpytest_subprocess(
        "--nbval", "--nbval-current-env", "-p", "course_tools.nbval_run", "-p", "no:randomly"
    )


ENV = "import os\nprint(os.environ['COURSE_SEED'], os.environ['TF_ENABLE_ONEDNN_OPTS'])"


@pytest.mark.slow
def test_the_kernel_runs_under_offset_1_with_onednn_and_measured_cells_must_move(pytester):
    result = _run(
        pytester,
        [
            _cell(ENV, "1 1\n"),
            _cell("print(os.environ['COURSE_SEED'])", "0\n", tags=[notebooks.MEASURED_TAG]),
        ],
    )
    result.assert_outcomes(passed=2)


@pytest.mark.slow
def test_a_measured_cell_that_prints_its_recording_fails(pytester):
    result = _run(pytester, [_cell("print('same')", "same\n", tags=[notebooks.MEASURED_TAG])])
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*tagged 'measured' but printed exactly what was recorded*"])
