"""Grade many submissions: parallel, resumable, one bad notebook never stops it.

Each submission's result is written atomically to
`OUT/submissions/<name>.json` as soon as it is graded; a batch that is
interrupted and run again skips what is done and unchanged
(`course_tools.grading.record`: a changed submission, release, solution or
grading file is graded again, and a folder of another assignment's grades is
refused). `OUT/grades.csv` holds one row
per submission and exercise, for the instructor; `OUT/gradebook.csv` and
`OUT/gradescope/` hold the same grades for an LMS and for students
(`course_tools.grading.exports`); `OUT/report.html` sums the batch up
(`course_tools.grading.report`); with `feedback`, `OUT/feedback/` holds a page
per student (`course_tools.grading.feedback`).

Example:
    >>> from course_tools.grading.batch import BatchOptions, grade_batch
    >>> options = BatchOptions(out_dir=Path("graded"), workers=2)
    >>> records = grade_batch("00", [Path("hand-ins")], options)  # doctest: +SKIP
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TextIO

import course_lib
import course_tools
from course_tools.chapters import is_course_root
from course_tools.grading.exports import write_exports
from course_tools.grading.feedback import write_feedback
from course_tools.grading.grader import (
    Assignment,
    ExerciseGrade,
    GraderError,
    grade_submission,
    load_assignment,
    reference_results,
)
from course_tools.grading.kernel import (
    CELL_TIMEOUT_SECONDS,
    MEMORY_MB,
    SETUP_TIMEOUT_SECONDS,
    SUBMISSION_TIMEOUT_SECONDS,
    WORKERS,
    Limits,
    Sandbox,
    kernel_package_dirs,
)
from course_tools.grading.record import (
    RECORD_VERSION,
    foreign_assignment,
    graded_with,
    load_reusable,
    write_atomically,
)
from course_tools.grading.report import class_report_html

CSV_COLUMNS = ("submission", "exercise", "points", "max_points", "status", "message")
#: What grading without a sandbox gives up; said by `course grade` and `course doctor`.
NO_SANDBOX_RISK = (
    "without a sandbox, student code runs as you: it can read every file you can "
    "(solutions, hidden probes, other submissions) and use the network; only the time and "
    "memory limits still apply"
)
INSTALL_BUBBLEWRAP = (
    "install bubblewrap (Debian/Ubuntu: sudo apt-get install bubblewrap; "
    "Fedora: sudo dnf install bubblewrap)"
)
NO_SANDBOX_REFUSAL = (
    f"bubblewrap (bwrap) is not installed, so student code cannot be sandboxed: "
    f"{INSTALL_BUBBLEWRAP}, or pass --no-sandbox to grade anyway ({NO_SANDBOX_RISK})"
)
NO_SANDBOX_WARNING = f"warning: grading with --no-sandbox: {NO_SANDBOX_RISK}"


class SandboxUnavailable(GraderError):
    """A sandbox was asked for (the default) and bubblewrap is not installed."""


@dataclass(frozen=True)
class BatchOptions:
    """How a batch runs; the time limits are those of `course_tools.grading.kernel.Limits`."""

    out_dir: Path
    workers: int = WORKERS
    #: Seconds per cell of student code (answer, check, one probe).
    cell_timeout: float = CELL_TIMEOUT_SECONDS
    #: Seconds per instructor cell (set-up, data, helpers).
    setup_timeout: float = SETUP_TIMEOUT_SECONDS
    submission_timeout: float = SUBMISSION_TIMEOUT_SECONDS
    memory_mb: int = MEMORY_MB
    force: bool = False
    #: Run student code in a bubblewrap sandbox; off only when the instructor says so.
    sandbox: bool = True
    #: Run the public cases too and write a feedback page per submission.
    feedback: bool = False


def collect_submissions(paths: list[Path]) -> list[Path]:
    """Notebook files from files and folders (folders searched recursively)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(p for p in path.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
            )
        else:
            found.append(path)
    return found


def submission_names(paths: list[Path]) -> dict[Path, str]:
    """A unique, file-name-safe name per submission, from its file name."""
    names: dict[Path, str] = {}
    used: set[str] = set()
    for path in paths:
        base = re.sub(r"[^A-Za-z0-9_.-]+", "_", path.stem) or "submission"
        name, counter = base, 2
        while name in used:
            name, counter = f"{base}-{counter}", counter + 1
        used.add(name)
        names[path] = name
    return names


def sandbox_for(assignment: Assignment, out_dir: Path, submissions: list[Path]) -> Sandbox:
    """Hide the course (solutions, probes, history), the output and the hand-ins folders.

    Every course folder the packages come from is hidden, the one the grader
    imports and the one its kernels import, which differ when the grader runs
    from a second checkout. The packages themselves stay visible: student code
    imports `course_lib`, and the probe runner is `course_tools.grading.kernel_side`.
    """
    kernel_packages = set(kernel_package_dirs())
    grader_packages = {
        Path(package.__file__).resolve().parent for package in (course_lib, course_tools)
    }
    roots = {
        path.parent for path in kernel_packages | grader_packages if is_course_root(path.parent)
    }
    hidden = {assignment.root.resolve(), out_dir.resolve(), Path.home().resolve(), *roots}
    hidden.update(path.resolve().parent for path in submissions)
    visible = {*kernel_packages, Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve()}
    return Sandbox(hidden=tuple(sorted(hidden)), visible_inside_hidden=tuple(sorted(visible)))


def _record(
    name: str,
    path: Path,
    assignment: Assignment,
    grades: list[ExerciseGrade],
    seconds: float,
    sandboxed: bool,
    public_cases: bool,
    fingerprint: dict[str, str],
) -> dict[str, Any]:
    return {
        "version": RECORD_VERSION,
        "submission": name,
        "file": str(path),
        "assignment": assignment.number,
        "graded_with": fingerprint,
        "points": round(sum(g.points for g in grades), 2),
        "max_points": sum(g.max_points for g in grades),
        "exercises": [asdict(g) for g in grades],
        "sandbox": "bubblewrap" if sandboxed else "none",
        "public_cases": public_cases,
        "seconds": round(seconds, 2),
        "graded_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "complete": True,
    }


def _reusable(
    saved: Path, submission: Path, assignment: Assignment, public_cases: bool
) -> dict[str, Any] | None:
    fingerprint = graded_with(assignment.fingerprint, submission)
    return load_reusable(saved, assignment.number, fingerprint, public_cases)


class Progress:
    """A one-line progress bar on a terminal; one line per submission otherwise."""

    def __init__(self, total: int, stream: TextIO):
        self.total, self.done, self.stream = total, 0, stream
        self.live = stream.isatty()

    def step(self, name: str, record: dict[str, Any]) -> None:
        self.done += 1
        summary = f"{name}: {record['points']:g}/{record['max_points']}"
        if self.live:
            filled = int(30 * self.done / max(self.total, 1))
            bar = "#" * filled + "-" * (30 - filled)
            self.stream.write(f"\r[{bar}] {self.done}/{self.total} {summary:<40}")
            if self.done == self.total:
                self.stream.write("\n")
        else:
            self.stream.write(f"[{self.done}/{self.total}] {summary}\n")
        self.stream.flush()


def grades_csv(records: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for record in sorted(records, key=lambda r: r["submission"]):
        for grade in record["exercises"]:
            writer.writerow(
                [
                    record["submission"],
                    grade["exercise"],
                    grade["points"],
                    grade["max_points"],
                    grade["status"],
                    grade["message"],
                ]
            )
    return buffer.getvalue()


def summary_table(records: list[dict[str, Any]], exercises: tuple[str, ...]) -> str:
    width = max([len("submission"), *(len(r["submission"]) for r in records)])
    widths = [max(len(e), len("missing_answer")) for e in exercises]
    header = "  ".join(f"{e:<{w}}" for e, w in zip(exercises, widths, strict=True))
    lines = [f"{'submission':<{width}}  {'points':>8}  {header}".rstrip()]
    for record in sorted(records, key=lambda r: r["submission"]):
        by_exercise = {g["exercise"]: g["status"] for g in record["exercises"]}
        statuses = "  ".join(
            f"{by_exercise.get(e, '-'):<{w}}" for e, w in zip(exercises, widths, strict=True)
        )
        points = f"{record['points']:g}/{record['max_points']}"
        lines.append(f"{record['submission']:<{width}}  {points:>8}  {statuses}".rstrip())
    return "\n".join(lines)


def _grade_and_save(
    path: Path,
    name: str,
    assignment: Assignment,
    references: dict[str, list[Any]],
    limits: Limits,
    sandbox: Sandbox | None,
    options: BatchOptions,
) -> dict[str, Any]:
    started = time.monotonic()
    fingerprint = graded_with(assignment.fingerprint, path)
    grades = grade_submission(
        path, assignment, references, limits, sandbox, options.submission_timeout, options.feedback
    )
    record = _record(
        name,
        path,
        assignment,
        grades,
        time.monotonic() - started,
        sandbox is not None,
        options.feedback,
        fingerprint,
    )
    write_atomically(options.out_dir / "submissions" / f"{name}.json", json.dumps(record, indent=1))
    return record


def grade_batch(
    assignment_query: str,
    paths: list[Path],
    options: BatchOptions,
    root: Path | None = None,
    stream: TextIO = sys.stderr,
) -> list[dict[str, Any]]:
    """Grade every submission in `paths`; return one record per submission.

    Raises:
        SandboxUnavailable: `options.sandbox` is on and bubblewrap is not installed.
        GraderError: the assignment itself is broken.
    """
    if options.sandbox and not Sandbox.available():
        raise SandboxUnavailable(NO_SANDBOX_REFUSAL)
    assignment = load_assignment(assignment_query, root)
    submissions = collect_submissions(paths)
    names = submission_names(submissions)
    results_dir = options.out_dir / "submissions"
    limits = Limits(
        cell_timeout=options.cell_timeout,
        setup_timeout=options.setup_timeout,
        memory_mb=options.memory_mb,
    )
    sandbox = sandbox_for(assignment, options.out_dir, submissions) if options.sandbox else None
    if sandbox is None:
        stream.write(NO_SANDBOX_WARNING + "\n")

    other = foreign_assignment(results_dir, assignment.number)
    if other is not None:
        raise GraderError(
            f"{options.out_dir} holds the grades of assignment {other}, not of assignment "
            f"{assignment.number}: grade {assignment.number} into another --out folder"
        )
    records: dict[Path, dict[str, Any]] = {}
    todo = []
    for path in submissions:
        saved = results_dir / f"{names[path]}.json"
        done = None if options.force else _reusable(saved, path, assignment, options.feedback)
        if done is not None:
            records[path] = done
        else:
            todo.append(path)
    stream.write(
        f"{len(records)} submission(s) already graded in {results_dir} and unchanged: reused; "
        f"{len(todo)} to grade\n"
    )

    if todo:
        references = reference_results(assignment, limits)
        progress = Progress(len(todo), stream)
        with ThreadPoolExecutor(max_workers=max(1, options.workers)) as pool:
            futures = {
                pool.submit(
                    _grade_and_save,
                    path,
                    names[path],
                    assignment,
                    references,
                    limits,
                    sandbox,
                    options,
                ): path
                for path in todo
            }
            for future in as_completed(futures):
                path = futures[future]
                try:
                    records[path] = future.result()
                except Exception as error:  # a grader fault: report it, keep going, retry later
                    stream.write(f"grader error on {path}: {error!r}; it will be retried\n")
                    continue
                progress.step(names[path], records[path])

    ordered = [records[path] for path in submissions if path in records]
    write_atomically(options.out_dir / "grades.csv", grades_csv(ordered))
    write_exports(ordered, assignment.exercises, options.out_dir)
    write_atomically(
        options.out_dir / "report.html", class_report_html(ordered, assignment.exercises)
    )
    if options.feedback:
        write_feedback(ordered, options.out_dir, assignment.reveal)
    stream.write(summary_table(ordered, assignment.exercises) + "\n")
    return ordered
