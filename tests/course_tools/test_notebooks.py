"""Notebook files stay canonical: normalising is idempotent and timing-proof; optional cells
are not run."""

import nbformat
import pytest

from course_tools import notebooks
from tests.helpers import ROOT


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


@pytest.mark.slow
def test_execute_leaves_optional_cells_unrun(tmp_path):
    optional = nbformat.v4.new_code_cell(
        "# Optional: needs a GPU.\nraise SystemExit", metadata={"tags": [notebooks.OPTIONAL_TAG]}
    )
    notebook = nbformat.v4.new_notebook(cells=[optional, nbformat.v4.new_code_cell("print(2)")])
    ran = notebooks.execute(notebook, tmp_path)
    assert ran.cells[0].execution_count is None and ran.cells[0].outputs == []
    assert ran.cells[1].outputs[0].text == "2\n"
