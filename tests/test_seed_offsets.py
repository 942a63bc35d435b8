"""Every chapter and solution under another seed offset: claims hold, compared outputs stay."""

from pathlib import Path

import pytest

from course_tools.verify import verify_notebook
from tests.helpers import CHAPTER_NOTEBOOKS, SOLUTIONS


class SeedOffsetRun:
    """A chapter or solution run under seed offset 1 with oneDNN's kernels on: other
    seeds and another summation order, standing in for the CPUs the recording was
    not made on."""

    path: Path

    @pytest.mark.slow
    def test_every_claim_holds_and_every_compared_output_stays(self):
        report = verify_notebook(self.path, offset=1, onednn=True)
        assert report.ok, "\n".join([report.summary(), *report.problems])


# One class per notebook: `--dist loadscope` gives each class to one worker, so
# the runs (a minute or two each) spread over the workers instead of queueing
# on one.
for _path in CHAPTER_NOTEBOOKS + SOLUTIONS:
    _name = f"TestSeedOffset_{_path.parent.name}_{_path.stem}"
    globals()[_name] = type(_name, (SeedOffsetRun,), {"path": _path})
