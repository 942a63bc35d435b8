"""Mutants: one plausible slip each, only inside the answer markers, always the same."""

from __future__ import annotations

import pytest

from course_tools import notebooks
from course_tools.exercises import exercise_id
from course_tools.mutation import mutants
from tests.helpers import ROOT

CELL = '''def answer(x_train, x_val, seed):
    """Outside the markers nothing changes: 1 + 2."""
    ### BEGIN SOLUTION
    total = x_train.mean(axis=0) - -x_val[1:5].sum()
    for k in range(3):
        total = total * k if k > 0 else total
    return fit(total, seed=seed)
    ### END SOLUTION
'''


def _after(kind):
    return [m.after for m in mutants(CELL) if m.mutant_id.endswith(kind)]


def test_each_kind_of_slip_is_made():
    assert _after("Sub->Add") == ["(x_train.mean(axis=0) + -x_val[1:5].sum())"]
    assert "(x_train.mean(axis=0))" in _after("drop right term")
    assert _after("drop sign") == ["(x_val[1:5].sum())"]
    assert _after("mean->sum") == ["(x_train.sum)"] and _after("sum->mean") == ["(x_val[1:5].mean)"]
    assert _after("axis 0->1") == ["(1)"]
    assert _after("slice lower +1") == ["(x_val[1 + 1:5])"]
    assert _after("slice upper -1") == ["(x_val[1:5 - 1])"]
    assert _after("range stop -1") == ["(range(3 - 1))"]
    assert _after("Gt->GtE") == ["(k >= 0)"] and _after("Mult->Div") == ["(total / k)"]
    assert _after("x_train->x_val") == ["(x_val)"] and _after("x_val->x_train") == ["(x_train)"]
    assert _after("seed->0") == ["(0)"] and _after("drop seed=") == ["(fit(total))"]
    assert _after("drop axis=") == ["(x_train.mean())"]


def test_only_the_answer_region_changes_and_every_mutant_compiles():
    found = mutants(CELL)
    assert len({m.mutant_id for m in found}) == len(found) > 10
    for mutant in found:
        compile(mutant.source, "mutant", "exec")
        changed = [
            number
            for number, (a, b) in enumerate(
                zip(CELL.splitlines(), mutant.source.splitlines(), strict=True)
            )
            if a != b
        ]
        assert len(changed) == 1 and 3 <= changed[0] <= 6, mutant.mutant_id
    assert mutants(CELL) == found


def test_names_that_only_contain_train_are_left_alone():
    cell = "def f(m):\n    ### BEGIN SOLUTION\n    return m.trainable_variables\n"
    cell += "    ### END SOLUTION\n"
    assert mutants(cell) == []


@pytest.mark.parametrize("solution", sorted((ROOT / "solutions").glob("*.ipynb")), ids=str)
def test_every_answer_in_the_course_has_mutants_that_compile(solution):
    for cell in notebooks.read(solution).cells:
        if exercise_id(cell):
            found = mutants(cell.source)
            assert found, exercise_id(cell)
            for mutant in found:
                compile(mutant.source, exercise_id(cell), "exec")
