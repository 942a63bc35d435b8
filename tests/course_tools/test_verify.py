"""`course verify`: claims hold and compared outputs stay put under other seed offsets."""

from pathlib import Path

import nbformat
import pytest

from course_tools import build, notebooks
from course_tools.verify import Report, compare_runs, verify_notebook
from tests.helpers import tiny_notebook

SETUP_LINE = "course_lib 0.1.0 | TensorFlow 2.21.0 | Keras 3.15.1 (tensorflow backend) | "


def _run(cells):
    """A recorded notebook: (source, tags, printed text) per code cell."""
    notebook = tiny_notebook("notebooks/99_tiny.ipynb", [("code", s, t) for s, t, _ in cells])
    for cell, (_, _, printed) in zip(notebook.cells[1:], cells, strict=True):
        if printed is not None:
            cell.outputs = [nbformat.v4.new_output("stream", text=printed)]
    return notebook


def _compare(recorded, rerun):
    return compare_runs(_run(recorded), _run(rerun), Report(Path("99_tiny.ipynb"), 1, False))


def test_identical_compared_and_moved_measured_outputs_pass():
    report = _compare(
        [("x = 1", [], None), ("print(acc)", ["measured"], "0.93\n"), ("print(2)", [], "2\n")],
        [("x = 1", [], None), ("print(acc)", ["measured"], "0.91\n"), ("print(2)", [], "2\n")],
    )
    assert report.ok and (report.code_cells, report.compared_cells) == (3, 2)
    assert "ok; 2 of 3 code cells compared (67%)" in report.summary()


def test_a_compared_output_that_moves_with_the_seed_is_a_problem():
    report = _compare([("print(acc)", [], "0.93\n")], [("print(acc)", [], "0.91\n")])
    assert len(report.problems) == 1
    assert "depends on the seed" in report.problems[0] and "'measured'" in report.problems[0]


def test_a_measured_output_that_does_not_move_should_be_compared():
    report = _compare(
        [("print(n)", ["measured"], "1257\n")], [("print(n)", ["measured"], "1257\n")]
    )
    assert len(report.problems) == 1 and "drop the tag" in report.problems[0]


def test_a_failing_cell_is_a_problem_unless_it_is_meant_to_raise():
    def run(claim_fails):
        notebook = _run([("claim(...)", [], None), ("1 / 0", ["raises-exception"], None)])
        errors = [("AssertionError", claim_fails), ("ZeroDivisionError", True)]
        for cell, (ename, raised) in zip(notebook.cells[1:], errors, strict=True):
            if raised:
                cell.outputs = [nbformat.v4.new_output("error", ename=ename, evalue="no")]
        return notebook

    report = compare_runs(run(False), run(True), Report(Path("x.ipynb"), 1, False))
    assert len(report.problems) == 1 and "AssertionError: no" in report.problems[0]


def test_timings_are_neither_compared_nor_required_to_move():
    cells = [("time.perf_counter()", ["nbval-ignore-output"], None)]
    assert _compare(cells, cells).ok


def test_the_setup_report_compares_equal_under_an_offset_and_on_a_gpu():
    recorded = SETUP_LINE + "device: CPU | not Colab | seed 42, deterministic ops\n"
    moved = SETUP_LINE + (
        "device: GPU x1, TF32 off | not Colab | seed 42 (offset 3), deterministic ops"
        " | oneDNN on: last digits differ from the recorded outputs\n"
    )
    assert _compare([("setup()", [], recorded)], [("setup()", [], moved)]).ok


@pytest.mark.slow
def test_a_real_run_under_an_offset_flags_exactly_the_seed_dependent_compared_cell(tmp_path):
    draw = "import numpy as np\nprint(round(np.random.default_rng(course_lib.seed(0)).random(), 6))"
    notebook = tiny_notebook(
        "notebooks/99_tiny.ipynb",
        [
            ("code", "import course_lib\nenv = course_lib.setup(seed=1)", []),
            ("code", draw, ["measured"]),
            ("code", "course_lib.claim('a draw lies in [0, 1)', 0 <= np.random.rand() < 1)", []),
            ("code", draw, []),
        ],
    )
    path = tmp_path / "99_tiny.ipynb"
    notebooks.write(notebook, path)
    build.record(path)
    report = verify_notebook(path, offset=1)
    assert len(report.problems) == 1, report.problems
    assert (
        report.problems[0].startswith("code cell 3 ")
        and "depends on the seed" in report.problems[0]
    )
