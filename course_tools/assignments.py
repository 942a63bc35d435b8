"""An instructor's own assignment, in a private folder outside the course repository.

`course new PATH` scaffolds one from `course_tools/scaffold/`: a solution
notebook with one example exercise of each kind, its grading file, the public
cases students get, and a README. `course build PATH` generates what students
get into `PATH/release/`; `course grade --assignment PATH` grades against it
(`course_tools.grading.grader.load_assignment`).

    PATH/solution.ipynb        the single source, answers between markers (private)
    PATH/grading.py            PROBES, POINTS, TOLERANCE, HARNESS, BAND, REVEAL (private)
    PATH/public_cases.py       hints, public cases and harnesses for `check`
    PATH/release/NAME.ipynb    generated: the student notebook (NAME is the folder's name)
    PATH/release/public_cases.py   generated: a copy, beside the notebook

Everything in `release/` is what students get; the grader puts every file of
it except the notebook beside each submission it runs.

Example:
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp()) / "hw1"
    >>> sorted(path.name for path in new_assignment(folder))
    ['README.md', 'grading.py', 'public_cases.py', 'solution.ipynb']
    >>> [path.name for path in build_assignment(folder)]
    ['hw1.ipynb', 'public_cases.py']
    >>> build_assignment(folder, check=True)
    []
"""

from __future__ import annotations

import shutil
import string
from dataclasses import dataclass
from pathlib import Path

from course_tools import notebooks
from course_tools.build import sync
from course_tools.exercises import make_exercise

SCAFFOLD = Path(__file__).parent / "scaffold"
SOLUTION = "solution.ipynb"
GRADING = "grading.py"
PUBLIC_CASES = "public_cases.py"
RELEASE = "release"


@dataclass(frozen=True)
class AssignmentFolder:
    """The files of one assignment folder."""

    path: Path

    @property
    def name(self) -> str:
        return self.path.resolve().name

    @property
    def solution(self) -> Path:
        return self.path / SOLUTION

    @property
    def grading(self) -> Path:
        return self.path / GRADING

    @property
    def release(self) -> Path:
        """The student notebook `course build` writes."""
        return self.path / RELEASE / f"{self.name}.ipynb"

    def support_files(self) -> tuple[Path, ...]:
        """Every file of `release/` but the notebook: students get them, so does each kernel."""
        folder = self.path / RELEASE
        found = folder.iterdir() if folder.is_dir() else ()
        return tuple(sorted(p for p in found if p.is_file() and p != self.release))


def is_assignment_folder(path: Path) -> bool:
    """Whether `path` is a folder with a solution notebook and a grading file."""
    folder = AssignmentFolder(path)
    return path.is_dir() and folder.solution.is_file() and folder.grading.is_file()


def new_assignment(path: Path) -> list[Path]:
    """Scaffold an assignment in `path` (created; must not hold anything yet).

    Raises:
        FileExistsError: `path` exists and is not an empty folder.
    """
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise FileExistsError(f"{path} already exists and is not empty: choose a new folder")
    path.mkdir(parents=True, exist_ok=True)
    written = []
    for source in sorted(SCAFFOLD.iterdir()):
        if not source.is_file():
            continue
        target = path / source.name
        if source.name == "README.md":
            text = string.Template(source.read_text(encoding="utf-8"))
            target.write_text(text.substitute(name=path.resolve().name), encoding="utf-8")
        else:
            shutil.copyfile(source, target)
        written.append(target)
    return written


def expected_release(folder: AssignmentFolder) -> dict[Path, str]:
    """Every file `build_assignment` owns, with the text it should have."""
    relative = f"{RELEASE}/{folder.release.name}"
    student = make_exercise(notebooks.normalise(notebooks.read(folder.solution)), relative)
    expected = {folder.release: notebooks.dumps(student)}
    cases = folder.path / PUBLIC_CASES
    if cases.is_file():
        expected[folder.path / RELEASE / PUBLIC_CASES] = cases.read_text(encoding="utf-8")
    return expected


def build_assignment(path: Path, check: bool = False) -> list[Path]:
    """Generate `release/` from the solution; return the files that drifted.

    With `check=True` nothing is written.

    Raises:
        FileNotFoundError: `path` is not an assignment folder.
        ValueError: the solution's markers and tags disagree.
    """
    if not is_assignment_folder(path):
        raise FileNotFoundError(f"{path} has no {SOLUTION} and {GRADING}: see `course new`")
    return sync(expected_release(AssignmentFolder(path)), check)
