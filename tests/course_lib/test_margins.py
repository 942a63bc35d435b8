import ast
import json
import linecache

import numpy as np
import pytest

from course_lib import margins


def _run_cell(source: str, namespace: dict, log, monkeypatch) -> list[dict]:
    """Run `source` as a notebook cell does: compiled from a file name that linecache knows."""
    filename = f"<cell-{abs(hash(source))}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    monkeypatch.setenv(margins.LOG_VARIABLE, str(log))
    try:
        exec(compile(source, filename, "exec"), namespace)
    finally:
        linecache.cache.pop(filename, None)
    return [json.loads(line) for line in log.read_text().splitlines()]


def _margins(test: str, **values) -> list[float | None]:
    expression = ast.parse(test).body[0].value
    return [
        margins.margin_of(atom, values) * margins._sign(expression, atom)
        if margins.margin_of(atom, values) is not None
        else None
        for atom in margins.comparisons(expression)
    ]


def test_each_comparison_gets_its_distance_from_the_threshold():
    assert _margins("a > 0.9", a=0.95) == pytest.approx([0.05])
    assert _margins("a < 0.5 and b >= 2", a=0.2, b=3) == pytest.approx([0.3, 1.0])
    assert _margins("0.85 < c < 0.95", c=0.9) == pytest.approx([0.05])
    assert _margins("not a < 1", a=3) == pytest.approx([2.0])


def test_generators_and_arrays_count_their_closest_element():
    assert _margins("all(x > 0.9 for x in xs)", xs=[0.95, 0.99]) == pytest.approx([0.05])
    assert _margins("any(x > 0.9 for x in xs)", xs=[0.5, 0.99]) == pytest.approx([0.09])
    assert _margins("bool(np.all(np.diff(v) > 0))", v=np.array([1.0, 3.0, 3.5]), np=np) == (
        pytest.approx([0.5])
    )


def test_exact_tests_have_no_margin():
    assert _margins("a == 1 and b in (1, 2)", a=1, b=2) == [None, None]
    assert _margins("np.allclose(a, b)", a=1.0, b=1.0, np=np) == [None]


def test_claim_logs_its_margins_only_when_asked(tmp_path, monkeypatch, capsys):
    from course_lib import claim

    log = tmp_path / "margins.jsonl"
    claim("no log without the variable", 2 > 1)
    assert not log.exists()
    source = 'accuracy = 0.93\nclaim("BN passes 0.9",\n      accuracy > 0.9 and seeds == 3)\n'
    rows = _run_cell(source, {"claim": claim, "seeds": 3}, log, monkeypatch)
    assert [(row["test"], row["holds"]) for row in rows] == [
        ("accuracy > 0.9", True),
        ("seeds == 3", True),
    ]
    assert rows[0]["margin"] == pytest.approx(0.03) and rows[1]["margin"] is None
    assert "holds: BN passes 0.9" in capsys.readouterr().out


def test_a_failing_claim_is_logged_with_its_negative_margin(tmp_path, monkeypatch):
    from course_lib import claim

    log = tmp_path / "margins.jsonl"
    with pytest.raises(AssertionError):
        _run_cell('claim("a passes 1", a > 1)\n', {"claim": claim, "a": 0.5}, log, monkeypatch)
    (row,) = [json.loads(line) for line in log.read_text().splitlines()]
    assert row["margin"] == pytest.approx(-0.5) and row["holds"] is False
