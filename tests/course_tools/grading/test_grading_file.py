"""Grading files: every table checked against the release before any kernel starts."""

from __future__ import annotations

import re
import textwrap

import pytest

from course_lib.checks.cases import find_exercise
from course_lib.checks.forbid import resolve
from course_lib.checks.values import DEFAULT_TOLERANCE
from course_tools import notebooks
from course_tools.assignments import SCAFFOLD
from course_tools.chapters import chapters
from course_tools.exercises import exercise_ids
from course_tools.grading.grader import grading_path
from course_tools.grading.grading_file import (
    TABLES,
    GradingFileError,
    closest_exercise,
    read_tables,
)
from tests.helpers import ROOT

EXERCISES = ("cross_entropy", "MyDense", "final_loss")
VALID = {
    "PROBES": (
        '{"cross_entropy": [([1.0], [0])], "MyDense": [(3, 5, 11)], "final_loss": [(0.1, 1)]}'
    ),
    "POINTS": '{"cross_entropy": 1, "MyDense": 2, "final_loss": 2}',
    "TOLERANCE": '{"MyDense": (1e-4, 1e-6)}',
    "HARNESS": '{"MyDense": "public_cases:train_with_layer"}',
    "BAND": '{"final_loss": {"seeds": range(4), "margin": 0.025}}',
    "REVEAL": "set()",
    "EQUIVALENT": '{"MyDense": {"L11:31-33 drop sign": "a reason"}}',
    "FORBID": '{"MyDense": ["keras.layers.Dense"]}',
}


def _read(tmp_path, **tables):
    support = tmp_path / "public_cases.py"
    support.write_text("def train_with_layer(layer, units, steps, seed):\n    return 0.0\n")
    source = "\n".join(f"{name} = {text}" for name, text in {**VALID, **tables}.items())
    path = tmp_path / "grading.py"
    path.write_text(textwrap.dedent(source) + "\n")
    return path, lambda: read_tables(path, EXERCISES, (support,))


def test_a_valid_grading_file_is_read_with_its_defaults(tmp_path):
    _, read = _read(tmp_path)
    tables = read()
    assert tables.tolerance == {
        "cross_entropy": DEFAULT_TOLERANCE,
        "MyDense": (1e-4, 1e-6),
        "final_loss": DEFAULT_TOLERANCE,
    }
    assert tables.bands["final_loss"].seeds == (0, 1, 2, 3)
    assert tables.probes["MyDense"] == [(3, 5, 11)]


@pytest.mark.parametrize("table", TABLES)
def test_a_misspelt_exercise_in_any_table_names_file_table_key_and_the_closest_id(tmp_path, table):
    typo = {
        "PROBES": VALID["PROBES"][:-1] + ', "finl_loss": [(0.1, 1)]}',
        "POINTS": VALID["POINTS"][:-1] + ', "finl_loss": 2}',
        "TOLERANCE": '{"finl_loss": (1e-3, 1e-3)}',
        "HARNESS": '{"finl_loss": "public_cases:train_with_layer"}',
        "BAND": '{"finl_loss": {"seeds": range(4), "margin": 0.025}}',
        "REVEAL": '{"finl_loss"}',
        "EQUIVALENT": '{"finl_loss": {"L4:1-2 Add->Sub": "the same"}}',
        "FORBID": '{"finl_loss": ["keras.losses.mse"]}',
    }[table]
    path, read = _read(tmp_path, **{table: typo})
    with pytest.raises(GradingFileError) as error:
        read()
    message = str(error.value)
    assert str(path) in message and table in message and "'finl_loss'" in message
    assert "did you mean 'final_loss'?" in message


@pytest.mark.parametrize(
    ("tables", "expected"),
    [
        ({"BAND": '{"final_loss": {"seeds": range(4)}}'}, "needs both 'seeds' and 'margin'"),
        ({"BAND": '{"final_loss": {"margin": 0.1}}'}, "needs both 'seeds' and 'margin'"),
        ({"HARNESS": '{"MyDense": "public_cases:train"}'}, "'train', which public_cases does not"),
        ({"HARNESS": '{"MyDense": "no_such_module:f"}'}, "module 'no_such_module'"),
        ({"HARNESS": '{"MyDense": "course_lib.checks.harness"}'}, "must be 'module:function'"),
        ({"PROBES": VALID["PROBES"].replace("(0.1, 1)", "[0.1, 1]")}, "is a list, not a tuple"),
        ({"PROBES": '{"cross_entropy": [([1.0], [0])], "MyDense": [(3, 5, 11)]}'}, "final_loss"),
        ({"POINTS": '["cross_entropy"]'}, "POINTS must be a dict"),
        ({"EQUIVALENT": '{"MyDense": {"L1:1-2 Add->Sub": ""}}'}, "to a one-line reason"),
        ({"FORBID": '{"MyDense": "keras.layers.Dense"}'}, "must list dotted names"),
        ({"FORBID": '{"MyDense": ["Dense"]}'}, "must list dotted names"),
    ],
)
def test_a_faulty_table_is_a_clear_error(tmp_path, tables, expected):
    _, read = _read(tmp_path, **tables)
    with pytest.raises(GradingFileError, match=re.escape(expected)):
        read()


def test_a_harness_in_the_course_library_is_found_without_importing_it(tmp_path):
    _, read = _read(tmp_path, HARNESS='{"MyDense": "course_lib.checks.harness:tape_training"}')
    assert read().harness == {"MyDense": "course_lib.checks.harness:tape_training"}


def test_closest_exercise_suggests_only_a_near_miss():
    assert closest_exercise("mydense", EXERCISES) == "MyDense"
    assert closest_exercise("zzz", EXERCISES) is None


def test_the_scaffold_documents_the_default_tolerance_the_grader_uses():
    documented = re.search(r"the default is \(([^)]*)\)", (SCAFFOLD / "grading.py").read_text())
    assert tuple(float(x) for x in documented.group(1).split(",")) == DEFAULT_TOLERANCE


@pytest.mark.parametrize("chapter", [c for c in chapters(ROOT) if c.solution], ids=str)
def test_every_chapters_grading_file_is_valid(chapter):
    ids = tuple(exercise_ids(notebooks.read(chapter.exercise)))
    tables = read_tables(grading_path(ROOT, chapter.name), ids)
    assert set(tables.points) == set(ids)


@pytest.mark.parametrize("chapter", [c for c in chapters(ROOT) if c.solution], ids=str)
def test_the_grader_forbids_what_check_forbids_and_every_name_resolves(chapter):
    """The grading file's FORBID and the public checks' `forbid` are one list, twice."""
    ids = tuple(exercise_ids(notebooks.read(chapter.exercise)))
    forbid = read_tables(grading_path(ROOT, chapter.name), ids).forbid
    checks = {e: find_exercise(e).forbid for e in ids if find_exercise(e).forbid}
    assert forbid == checks
    for names in forbid.values():
        for name in names:
            resolve(name)
