"""`course build` and `course record`: keep generated and recorded files true.

`build` regenerates `exercises/` from `solutions/` and rewrites every notebook
in canonical form; with `check=True` it writes nothing and reports drift.
`record` executes notebooks top to bottom in a fresh kernel and saves them
with their outputs: the only way outputs enter the repository.

Example:
    >>> from course_lib.build import build
    >>> build(check=True)  # doctest: +SKIP
    []
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from course_lib import notebooks
from course_lib.chapters import course_root
from course_lib.environment import SEED_OFFSET_VARIABLE
from course_lib.exercises import make_exercise


def expected_files(root: Path) -> dict[Path, str]:
    """Every file `build` owns, with the text it should have."""
    expected: dict[Path, str] = {}
    for folder in ("notebooks", "solutions"):
        for path in sorted((root / folder).glob("*.ipynb")):
            expected[path] = notebooks.dumps(notebooks.normalise(notebooks.read(path)))
    for solution in sorted((root / "solutions").glob("*.ipynb")):
        relative = f"exercises/{solution.name}"
        exercise = make_exercise(notebooks.normalise(notebooks.read(solution)), relative)
        expected[root / relative] = notebooks.dumps(exercise)
    return expected


def build(root: Path | None = None, check: bool = False) -> list[Path]:
    """Regenerate exercises and normalise notebooks; return the drifted files.

    With `check=True` nothing is written. An exercise with no solution counts
    as drift (it would be deleted).
    """
    root = root or course_root()
    expected = expected_files(root)
    drifted = [
        path
        for path, text in expected.items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]
    orphans = [p for p in sorted((root / "exercises").glob("*.ipynb")) if p not in expected]
    drifted.extend(orphans)
    if not check:
        for path in drifted:
            if path in expected:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(expected[path], encoding="utf-8")
            else:
                path.unlink()
    return drifted


def record(path: Path, cell_timeout: int = 300) -> None:
    """Execute `path` in a fresh kernel, in a scratch folder, and save it.

    The recording always uses the default seeds (seed offset 0), whatever
    `$COURSE_SEED` says in the author's shell.
    """
    source = notebooks.read(path)
    with tempfile.TemporaryDirectory(prefix="course-record-") as scratch:
        executed = notebooks.execute(
            source, Path(scratch), cell_timeout=cell_timeout, env={SEED_OFFSET_VARIABLE: "0"}
        )
    notebooks.write(notebooks.normalise(executed), path)
