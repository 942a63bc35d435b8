"""Generated exercises run top to bottom and say "not implemented yet" cleanly."""

import re

import pytest

from course_tools import notebooks
from tests.helpers import EXERCISES


@pytest.mark.slow
@pytest.mark.parametrize("path", EXERCISES, ids=lambda p: p.name)
def test_exercise_runs_and_reports_not_implemented(path, tmp_path):
    executed = notebooks.execute(notebooks.read(path), tmp_path)
    reports = {}
    for cell in executed.cells:
        if cell.cell_type != "code":
            continue
        assert not [o for o in cell.outputs if o.output_type == "error"], cell.source[:80]
        match = re.match(r'check\("(\w+)"', cell.source)
        if match:
            reports[match.group(1)] = "".join(o.get("text", "") for o in cell.outputs)
    assert reports
    for exercise_id, text in reports.items():
        assert text.startswith(f"{exercise_id}: not implemented yet."), text
