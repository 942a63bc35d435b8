"""Notebook files stay canonical: normalising is idempotent and timing-proof."""

import nbformat

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
