"""A submission's saved grade, and when it may be reused.

`course grade` writes one record per submission to `OUT/submissions/NAME.json`
as soon as it is graded, so that a batch that is interrupted and run again
skips what is done. A record may stand in for grading again only if nothing
it depends on has changed: the assignment, the submission's bytes, and the
release, solution, grading file and support files it was graded with (their
SHA-256 digests are kept in the record, under `graded_with`). Anything else is
graded again. An `--out` folder holds one assignment's results: a batch of
another assignment is refused there (`foreign_assignment`).

Example:
    >>> from pathlib import Path
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> write_atomically(folder / "a.json", "{}")
    >>> (folder / "a.json").read_text()
    '{}'
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

#: Bumped when a record's fields change meaning; older records are graded again.
RECORD_VERSION = 2


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` so that a reader sees the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(text)
    os.replace(temporary, path)


def graded_with(assignment_fingerprint: dict[str, str], submission: Path) -> dict[str, str]:
    """The digests a grade of `submission` depends on: the assignment's and the file's."""
    digest = hashlib.sha256(submission.read_bytes()).hexdigest()
    return {**assignment_fingerprint, "submission": digest}


def load_reusable(
    path: Path, assignment: str, fingerprint: dict[str, str], public_cases: bool
) -> dict[str, Any] | None:
    """The record at `path` if it is a finished grade of exactly this: the same assignment,
    digests (`graded_with`) and record version, with its public cases run when feedback is
    wanted. None means grade again."""
    try:
        record = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or not record.get("complete"):
        return None
    if (
        record.get("version") != RECORD_VERSION
        or record.get("assignment") != assignment
        or record.get("graded_with") != fingerprint
    ):
        return None
    return None if public_cases and not record.get("public_cases") else record


def foreign_assignment(results_dir: Path, assignment: str) -> str | None:
    """The assignment whose results `results_dir` already holds, if it is not `assignment`."""
    for path in sorted(results_dir.glob("*.json")):
        try:
            found = json.loads(path.read_text()).get("assignment")
        except (OSError, ValueError, AttributeError):
            continue
        if found is not None and found != assignment:
            return str(found)
    return None
