"""Cheap checks that catch most drift in committed notebooks (see shared NOTEBOOKS.md)."""

import re

import pytest

from course_lib.claims import HOLDS
from course_tools import exercises, notebooks, verify
from course_tools.chapters import BADGE_PATTERN, colab_url
from tests.helpers import CHAPTER_NOTEBOOKS, EXERCISES, ROOT, SOLUTIONS

RECORDED = CHAPTER_NOTEBOOKS + SOLUTIONS
CLOCK = re.compile(r"perf_counter|time\.time\(|timeit|monotonic|seconds")
TENSORFLOW_LOG = re.compile(
    r"(^[IWEF]\d{4} |^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: [IWEF] |oneDNN custom operations|"
    r"cuda|absl::|cpu_feature_guard|WARNING:tensorflow)",
    re.MULTILINE,
)


def _id(path):
    return str(path.relative_to(ROOT))


def _code_cells(nb):
    return [cell for cell in nb.cells if cell.cell_type == "code"]


def test_there_is_a_chapter_zero_with_its_assignment():
    names = [p.name for p in CHAPTER_NOTEBOOKS]
    assert "00_training_loop.ipynb" in names
    assert [p.name for p in SOLUTIONS] == [p.name for p in EXERCISES]


@pytest.mark.parametrize("path", CHAPTER_NOTEBOOKS + SOLUTIONS + EXERCISES, ids=_id)
def test_first_cell_has_title_and_a_badge_for_this_file(path):
    first = notebooks.read(path).cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# ")
    badges = BADGE_PATTERN.findall(first.source)
    assert badges == [colab_url(_id(path))]


@pytest.mark.parametrize("path", CHAPTER_NOTEBOOKS + SOLUTIONS + EXERCISES, ids=_id)
def test_starts_with_colab_install_then_setup(path):
    code = _code_cells(notebooks.read(path))
    install = code[0].source
    assert 'if "google.colab" in sys.modules' in install
    command = install.split('"install"', 1)[1]
    assert "keras-training-course" in command
    assert "numpy" not in command and "tensorflow" not in command and "==" not in command
    assert "course_lib.setup(" in code[1].source


@pytest.mark.parametrize("path", RECORDED, ids=_id)
def test_recorded_from_a_clean_top_to_bottom_run(path):
    cells = _code_cells(notebooks.read(path))
    counts = [c.execution_count for c in cells if notebooks.OPTIONAL_TAG not in notebooks.tags(c)]
    assert counts == list(range(1, len(counts) + 1))


@pytest.mark.parametrize("path", RECORDED, ids=_id)
def test_optional_cells_are_unrun_and_say_what_they_need(path):
    for cell in _code_cells(notebooks.read(path)):
        if notebooks.OPTIONAL_TAG in notebooks.tags(cell):
            assert cell.execution_count is None and not cell.outputs, cell.source[:80]
            assert cell.source.startswith("# Optional"), cell.source[:80]


@pytest.mark.parametrize("path", RECORDED, ids=_id)
def test_no_errors_no_stderr_no_tensorflow_logs(path):
    for cell in _code_cells(notebooks.read(path)):
        tags = cell.metadata.get("tags", [])
        for output in cell.outputs:
            if output.output_type == "error":
                assert "raises-exception" in tags, cell.source[:80]
            if output.output_type == "stream":
                assert output.name == "stdout", output.text[:200]
                assert not TENSORFLOW_LOG.search(output.text), output.text[:200]


@pytest.mark.parametrize("path", CHAPTER_NOTEBOOKS + SOLUTIONS + EXERCISES, ids=_id)
def test_no_volatile_metadata(path):
    nb = notebooks.read(path)
    assert set(nb.metadata) == {"kernelspec", "language_info"}
    for cell in nb.cells:
        assert set(cell.metadata) <= {"tags"}


@pytest.mark.parametrize("path", CHAPTER_NOTEBOOKS, ids=_id)
def test_chapters_show_what_they_measured_and_pin_it_with_claims(path):
    # Measured numbers sit in `measured` cells, recorded so a reader sees them;
    # what they show is pinned by claims, printed in compared cells. (That the
    # compared cells hold no measured number is checked by running each chapter
    # under another seed offset: nbval does, see course_tools/nbval_run.py.)
    cells = _code_cells(notebooks.read(path))
    measured = [c for c in cells if notebooks.MEASURED_TAG in notebooks.tags(c)]
    assert len(measured) >= 3 and all(c.outputs for c in measured)
    claims = [
        line
        for cell in cells
        if verify.is_compared(cell)
        for output in cell.outputs
        for line in output.get("text", "").splitlines()
        if line.startswith(HOLDS)
    ]
    assert len(claims) >= len(measured)


@pytest.mark.parametrize("path", RECORDED, ids=_id)
def test_only_timings_escape_both_comparison_and_the_file(path):
    # `nbval-ignore-output` drops a cell's output from the file and from nbval:
    # it is for what depends on the machine's speed, so the cell reads a clock or
    # prints the seconds one measured.
    for cell in _code_cells(notebooks.read(path)):
        tags = notebooks.tags(cell)
        if notebooks.IGNORED_OUTPUT_TAG in tags:
            assert notebooks.MEASURED_TAG not in tags, cell.source[:80]
            assert CLOCK.search(cell.source), cell.source[:80]


@pytest.mark.parametrize("path", RECORDED, ids=_id)
def test_most_code_cells_are_compared(path):
    cells = [c for c in _code_cells(notebooks.read(path)) if c.outputs]
    compared = [c for c in cells if verify.is_compared(c)]
    assert len(compared) >= len(cells) / 2, f"{len(compared)} of {len(cells)} compared"


@pytest.mark.parametrize("path", CHAPTER_NOTEBOOKS, ids=_id)
def test_every_plot_is_labelled(path):
    # A figure cell labels its axes or titles its figure, itself or through a
    # course_lib.plots function (which always does both).
    labelling = ("plots.", "xlabel", "ylabel", "set_title", "suptitle", "title=")
    for cell in _code_cells(notebooks.read(path)):
        if any("image/png" in o.get("data", {}) for o in cell.outputs):
            assert any(token in cell.source for token in labelling), cell.source[:80]


@pytest.mark.parametrize("path", SOLUTIONS, ids=_id)
def test_solution_check_cells_all_pass(path):
    nb = notebooks.read(path)
    ids = exercises.exercise_ids(nb)
    assert len(ids) >= 3
    checked = {}
    for cell in _code_cells(nb):
        match = re.match(r'check\("(\w+)"', cell.source)
        if match:
            checked[match.group(1)] = "".join(o.get("text", "") for o in cell.outputs)
    assert sorted(checked) == sorted(ids)
    for exercise_id, text in checked.items():
        passed, total = re.search(r"(\d+)/(\d+) public cases passed", text).groups()
        assert passed == total, f"{exercise_id}: {text}"


@pytest.mark.parametrize("path", EXERCISES, ids=_id)
def test_exercises_hold_no_answers_and_no_outputs(path):
    nb = notebooks.read(path)
    for cell in _code_cells(nb):
        assert cell.outputs == [] and cell.execution_count is None
        assert exercises.BEGIN_MARKER not in cell.source
