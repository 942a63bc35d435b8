"""`course mutants`: probe strength measured on a tiny assignment of one's own."""

from __future__ import annotations

import json

import pytest

from course_tools.assignments import build_assignment, new_assignment
from course_tools.cli import main
from course_tools.grading.strength import MutantResult, summarise


def _result(mutant_id, hidden_killed, equivalent=None):
    return MutantResult(
        "f", mutant_id, "a + b", "(a - b)", False, hidden_killed, "ok", equivalent=equivalent
    )


def test_a_survivor_is_a_hole_unless_the_grading_file_says_why_it_is_equivalent():
    summary = summarise(
        [_result("L1", True), _result("L2", False), _result("L3", False, "x + 0 == x - 0")]
    )
    assert summary["f"]["mutants"] == 3 and summary["f"]["killed_hidden"] == 1
    assert summary["f"]["equivalent"] == 1
    assert summary["f"]["holes"] == ["L2: `a + b` -> `(a - b)`"]


@pytest.mark.slow
def test_mutants_grades_each_mutant_against_public_and_hidden_cases(tmp_path, capsys):
    folder = tmp_path / "hw1"
    new_assignment(folder)
    build_assignment(folder)
    grading = folder / "grading.py"
    reason = "the grader hands every array to the answer as float64 already"
    marked = f'EQUIVALENT = {{"cross_entropy": {{"L4:13-44 drop dtype=": "{reason}"}}}}\n'
    grading.write_text(grading.read_text() + marked)
    out = tmp_path / "strength"
    command = ["mutants", "--assignment", str(folder), "--exercise", "cross_entropy"]
    assert main([*command, "--limit", "2", "-j", "2", "--out", str(out)]) == 0
    raw = json.loads((out / "hw1.json").read_text())
    by_id = {m["mutant_id"]: m for m in raw["mutants"]}
    assert list(by_id) == ["L4:13-44 drop dtype=", "L6:14-56 drop right term"]
    equivalent, unshifted = by_id.values()
    assert not equivalent["hidden_killed"] and equivalent["equivalent"] == reason
    # Without the shift the softmax is the same, except where exp overflows: a public case
    # and a hidden probe have logits that large.
    assert unshifted["public_killed"] and unshifted["hidden_killed"]
    assert not equivalent["public_killed"]
    assert "| cross_entropy | 2 | 1 | 1 | 1 | 0 |" in (out / "hw1.md").read_text()
    assert "2 mutant(s), 0 hole(s)" in capsys.readouterr().out
