"""Where the course's notebooks live and how chapters are named.

A chapter is `notebooks/NN_slug.ipynb`; its assignment is
`solutions/NN_slug.ipynb` (the source) and `exercises/NN_slug.ipynb`
(generated). Used by the `course` command line.

Example:
    >>> from course_tools.chapters import colab_url
    >>> colab_url("notebooks/00_training_loop.ipynb").split("/blob/")[1]
    'main/notebooks/00_training_loop.ipynb'
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

#: GitHub repository the Colab badges open.
REPOSITORY = "keras-training-course/keras-training-course"
BRANCH = "main"
BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"
BADGE_PATTERN = re.compile(
    r"\[!\[Open In Colab\]\(" + re.escape(BADGE_IMAGE) + r"\)\]\((?P<url>[^)]+)\)"
)
_TITLE_PREFIX = re.compile(r"^#\s*(chapter\s+)?\d+\s*[:·.\-–—]\s*", re.IGNORECASE)


class ChapterNotFound(LookupError):
    """No chapter matches what was asked for."""


@dataclass(frozen=True)
class Chapter:
    number: str
    slug: str
    title: str
    notebook: Path
    solution: Path | None
    exercise: Path | None

    @property
    def name(self) -> str:
        return f"{self.number}_{self.slug}"


def colab_url(relative_path: str) -> str:
    """The Colab address that opens `relative_path` of this repository."""
    return f"https://colab.research.google.com/github/{REPOSITORY}/blob/{BRANCH}/{relative_path}"


def colab_badge(relative_path: str) -> str:
    """Markdown for an "Open in Colab" badge pointing at `relative_path`."""
    return f"[![Open In Colab]({BADGE_IMAGE})]({colab_url(relative_path)})"


def is_course_root(path: Path) -> bool:
    """Whether `path` holds a course: its `notebooks/` and `solutions/` folders."""
    return (path / "notebooks").is_dir() and (path / "solutions").is_dir()


def course_root() -> Path:
    """The folder holding `notebooks/`, `solutions/` and `exercises/`.

    Looked for in `$COURSE_ROOT`, next to this package (a source checkout or
    editable install), then in the working directory and its parents.
    """
    if "COURSE_ROOT" in os.environ:
        return Path(os.environ["COURSE_ROOT"]).resolve()
    beside_package = Path(__file__).resolve().parents[1]
    if is_course_root(beside_package):
        return beside_package
    for folder in [Path.cwd(), *Path.cwd().parents]:
        if is_course_root(folder):
            return folder
    raise FileNotFoundError(
        "Cannot find the course folder (with notebooks/ and solutions/). "
        "Run from a clone of the repository or set COURSE_ROOT."
    )


def notebook_title(path: Path) -> str:
    """The chapter title from the first heading of the first cell."""
    notebook = nbformat.read(path, as_version=4)
    first_line = notebook.cells[0].source.splitlines()[0] if notebook.cells else path.stem
    return _TITLE_PREFIX.sub("", first_line).lstrip("# ").strip()


def chapters(root: Path | None = None) -> list[Chapter]:
    """All chapters, in order, with their assignment files where they exist."""
    root = root or course_root()
    found = []
    for notebook in sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        number, slug = notebook.stem.split("_", 1)
        solution = root / "solutions" / notebook.name
        exercise = root / "exercises" / notebook.name
        found.append(
            Chapter(
                number=number,
                slug=slug,
                title=notebook_title(notebook),
                notebook=notebook,
                solution=solution if solution.exists() else None,
                exercise=exercise if exercise.exists() else None,
            )
        )
    return found


def find_chapter(query: str, root: Path | None = None) -> Chapter:
    """Resolve `00`, `0` or a fragment of the name (`loop`) to one chapter.

    Raises:
        ChapterNotFound: with the list of valid chapters.
    """
    available = chapters(root)
    query = query.strip().lower()
    if query.isdigit():
        matches = [c for c in available if int(c.number) == int(query)]
    else:
        fragment = query.replace(" ", "_").replace("-", "_")
        matches = [c for c in available if fragment in c.slug or query in c.title.lower()]
    if len(matches) == 1:
        return matches[0]
    listing = "\n".join(f"  {c.number}  {c.title}" for c in available)
    if not matches:
        raise ChapterNotFound(f"No chapter matches {query!r}. Valid chapters:\n{listing}")
    names = ", ".join(c.name for c in matches)
    raise ChapterNotFound(
        f"{query!r} matches several chapters ({names}). Valid chapters:\n{listing}"
    )
