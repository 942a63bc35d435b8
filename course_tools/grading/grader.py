"""Grade one submission: run its answers on hidden probes, compare outside.

The student's kernel only calls the student's functions on probe inputs and
writes the raw results to a file. Expected values come from running the
solution notebook's own answer cells through the same machinery, and the
comparison happens here, in the grader process. Patching NumPy, IPython,
`check` or anything else inside the kernel therefore buys nothing.

Each assignment's probes, tolerances and points are in one file beside its
solution, `solutions/NN_slug_grading.py` (for an instructor's own assignment,
`PATH/grading.py`: `course_tools.assignments`):

    PROBES = {"exercise_id": [(arg1, arg2, ...), ...], ...}   # inputs only
    POINTS = {"exercise_id": 2, ...}                         # every exercise
    TOLERANCE = {"exercise_id": (rtol, atol), ...}           # optional
    HARNESS = {"ClassName": "module:function"}               # Keras-object answers
    BAND = {"exercise_id": {"seeds": (0, 1, 2), "margin": 0.05}}  # experiments
    REVEAL = {"exercise_id", ...}  # optional: feedback may quote hidden cases
    EQUIVALENT = {"exercise_id": {"mutant id": "why"}}  # optional: `course mutants`

An exercise with a `HARNESS` entry is answered by a Keras object, which the
harness uses in a small model (`course_tools.grading.kernel_side`). An
exercise with a `BAND` entry is an experiment whose last argument is a
seed: the reference runs every probe once per seed in `seeds`, and a
student's result on the probe's own seed passes when it lies within the
band those runs span, widened by `margin`
(`course_lib.checks.values.within_band`). Feedback for students shows the
grader's message (which may quote a hidden input and the expected value) only
for the exercises in `REVEAL`. The file is checked before any kernel starts
(`course_tools.grading.grading_file`).

Instructor cells (set-up, data, helpers) run under their own time limit,
`Limits.setup_timeout`. One that fails or times out is named in what it
causes: in the reference run it stops the batch (`GraderError`); in a
student's run, the exercises below it that then could not run (error,
timeout or a dead kernel) say which cell failed and why
(`blame_instructor_cell`). Answers that still run keep their points, also when
the failing cell is a plot or demo that calls one of the student's broken
answers: that answer is graded on its own probes, and nothing else is wiped.

Every outcome is a `course_lib.checks.status.Status`.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import nbformat

from course_lib.checks.forbid import FORBIDDEN
from course_lib.checks.status import Status
from course_lib.checks.values import compare, decode, encode, within_band
from course_tools import notebooks
from course_tools.assignments import AssignmentFolder, build_assignment, is_assignment_folder
from course_tools.chapters import find_chapter
from course_tools.exercises import exercise_ids
from course_tools.grading.grading_file import Band, GradingFileError, read_tables
from course_tools.grading.kernel import CellResult, GradingKernel, Limits, Sandbox
from course_tools.grading.submission import (
    GradingPlan,
    MalformedSubmission,
    PlannedCell,
    plan,
    read_submission,
)

MAX_RESTARTS = 3
MAX_RESULTS_BYTES = 32 * 2**20
#: Wall-clock limit of the reference run (the solution's answers on every probe).
REFERENCE_WALL_SECONDS = 600.0
NOT_IMPLEMENTED = NotImplementedError.__name__


class GraderError(RuntimeError):
    """The assignment itself is broken (not the submission)."""


@dataclass(frozen=True)
class Assignment:
    """A released exercise notebook with its hidden probes and points."""

    number: str
    name: str
    release: nbformat.NotebookNode
    solution: nbformat.NotebookNode
    exercises: tuple[str, ...]
    points: dict[str, int]
    probes: dict[str, list[tuple]]
    tolerance: dict[str, tuple[float, float]]
    root: Path
    harness: dict[str, str] = field(default_factory=dict)
    bands: dict[str, Band] = field(default_factory=dict)
    #: Files put beside every submission in its kernel's folder (an own assignment's release).
    support_files: tuple[Path, ...] = ()
    #: Exercises whose feedback may quote the grader's message in full.
    reveal: frozenset[str] = frozenset()
    #: Mutants marked as behaving like the answer (`course_tools.grading.strength`).
    equivalent: dict[str, dict[str, str]] = field(default_factory=dict)
    #: Built-ins each exercise's answer must not use (`course_lib.checks.forbid`).
    forbid: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: SHA-256 of what grades depend on besides the submission: release, solution, grading
    #: file and support files (`course_tools.grading.record` reuses a grade only if unchanged).
    fingerprint: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ExerciseGrade:
    exercise: str
    points: float
    max_points: int
    status: Status
    message: str
    probes_passed: int = 0
    probes_total: int = 0
    #: What the exercise's check cell printed on the public cases; None when it did not run.
    public_output: str | None = None

    def __post_init__(self):
        object.__setattr__(self, "status", Status(self.status))


def grading_path(root: Path, chapter_name: str) -> Path:
    """An assignment's probes, tolerances and points, beside its solution."""
    return root / "solutions" / f"{chapter_name}_grading.py"


def load_assignment(query: str, root: Path | None = None) -> Assignment:
    """The assignment `query`: a chapter (`00`, `0` or a name fragment) or an assignment folder.

    Raises:
        GraderError: the grading file is faulty (`course_tools.grading.grading_file`), or a
            folder's release is out of date.
    """
    if is_assignment_folder(Path(query)):
        return _load_folder(AssignmentFolder(Path(query)))
    chapter = find_chapter(query, root)
    if chapter.exercise is None or chapter.solution is None:
        raise GraderError(f"chapter {chapter.number} has no exercise and solution notebooks")
    root = chapter.notebook.parents[1]
    return _assignment(
        chapter.number,
        chapter.name,
        notebooks.read(chapter.exercise),
        notebooks.read(chapter.solution),
        grading_path(root, chapter.name),
        root,
    )


def _load_folder(folder: AssignmentFolder) -> Assignment:
    if build_assignment(folder.path, check=True):
        raise GraderError(
            f"{folder.release} is missing or older than {folder.solution}: "
            f"run `course build {folder.path}` (and hand out the new release)"
        )
    return _assignment(
        folder.name,
        folder.name,
        notebooks.read(folder.release),
        notebooks.read(folder.solution),
        folder.grading,
        folder.path.resolve(),
        folder.support_files(),
    )


def _assignment(
    number: str,
    name: str,
    release: nbformat.NotebookNode,
    solution: nbformat.NotebookNode,
    grading_file: Path,
    root: Path,
    support_files: tuple[Path, ...] = (),
) -> Assignment:
    ids = tuple(exercise_ids(release))
    try:
        tables = read_tables(grading_file, ids, support_files)
    except GradingFileError as error:
        raise GraderError(str(error)) from error
    return Assignment(
        number=number,
        name=name,
        release=release,
        solution=solution,
        exercises=ids,
        points=tables.points,
        probes=tables.probes,
        tolerance=tables.tolerance,
        root=root,
        harness=tables.harness,
        bands=tables.bands,
        support_files=support_files,
        reveal=tables.reveal,
        equivalent=tables.equivalent,
        forbid=tables.forbid,
        fingerprint={
            "release": _digest(notebooks.dumps(release).encode()),
            "solution": _digest(notebooks.dumps(solution).encode()),
            "grading": _digest(grading_file.read_bytes()),
            "support": _digest(b"".join(path.read_bytes() for path in support_files)),
        },
    )


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class InstructorFailure:
    """An instructor cell (set-up, data, helpers) that did not run to its end."""

    position: int  # among the release's code cells, from 1
    first_line: str
    status: Status  # ERROR, TIMEOUT or KERNEL_DIED
    reason: str  # e.g. "timed out after 120 s"

    @classmethod
    def of(cls, cell: PlannedCell, result: CellResult, seconds: float) -> InstructorFailure:
        """The failure of `cell`, which ended as `result` under a limit of `seconds`."""
        if result.status == Status.TIMEOUT:
            reason = f"timed out after {round(seconds, 1):g} s"
        elif result.status == Status.ERROR:
            reason = f"raised {result.ename}: {result.message}"[:300]
        else:
            reason = "killed the kernel"
        lines = [line.strip() for line in cell.source.splitlines() if line.strip()]
        first = lines[0] if lines else ""
        first = first if len(first) <= 60 else first[:57] + "..."
        return cls(cell.position, first, result.status, reason)

    def describe(self) -> str:
        """Which cell and why, e.g. "the release's cell 2 ('import keras') timed out after 120 s".

        Example:
            >>> InstructorFailure(2, "import keras", Status.ERROR, "raised OSError: x").describe()
            "the release's cell 2 ('import keras') raised OSError: x"
        """
        return f"the release's cell {self.position} ({self.first_line!r}) {self.reason}"


@dataclass
class RawOutcome:
    """What the kernel reported for one exercise, before comparison."""

    status: Status  # OK: the probes ran and `results` holds what they returned
    message: str = ""
    results: list[dict] | None = None
    public_output: str | None = None
    #: The first instructor cell above the answer cell that failed; None when all ran.
    after_failure: InstructorFailure | None = None


@dataclass
class PlanRun:
    """A plan's raw outcome per exercise, and the instructor cells that failed on the way."""

    outcomes: dict[str, RawOutcome]
    failures: list[InstructorFailure] = field(default_factory=list)


def _probe_code(
    exercise: str, inputs: Path, results: Path, harness: str | None, forbid: tuple[str, ...]
) -> str:
    return (
        "from course_tools.grading.kernel_side import run_probes as _course_run_probes\n"
        f"_course_run_probes(globals(), {exercise!r}, {str(inputs)!r}, {str(results)!r}, "
        f"{harness!r}, {forbid!r})"
    )


def _answer_outcome(result: CellResult) -> RawOutcome | None:
    if result.status == Status.OK:
        return None
    if result.status == Status.ERROR:
        if result.ename == NOT_IMPLEMENTED:
            return RawOutcome(Status.NOT_ATTEMPTED, "the answer still raises NotImplementedError")
        return RawOutcome(Status.ERROR, f"the answer cell raised {result.ename}: {result.message}")
    if result.status == Status.TIMEOUT:
        return RawOutcome(Status.TIMEOUT, f"the answer cell {result.message}")
    return RawOutcome(Status.KERNEL_DIED, "the kernel died while running the answer cell")


_PUBLIC_NOTES = {
    Status.TIMEOUT: "[the public cases ran past the time limit]",
    Status.KERNEL_DIED: "[the kernel died while the public cases ran]",
}


def _public_output(result: CellResult) -> str:
    """A check cell's printout, with a note when the cell did not end normally."""
    note = _PUBLIC_NOTES.get(result.status, "")
    if result.status == Status.ERROR:
        note = f"[the check cell raised {result.ename}]"
    return result.output + (f"\n{note}" if note else "")


def _read_results(path: Path) -> list[dict] | None:
    if not path.is_file() or path.stat().st_size > MAX_RESULTS_BYTES:
        return None
    try:
        results = json.loads(path.read_text())
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(results, list) or not all(isinstance(item, dict) for item in results):
        return None
    return results


class _Session:
    """One submission's kernel, restarted and replayed after a crash."""

    def __init__(self, work_dir: Path, limits: Limits, sandbox: Sandbox | None, stop_at: float):
        self.work_dir, self.limits, self.sandbox, self.stop_at = work_dir, limits, sandbox, stop_at
        self.replay: list[tuple[str, float | None]] = []  # (source, timeout)
        self.restarts = 0
        self.kernel: GradingKernel | None = None

    def __enter__(self) -> _Session:
        self.kernel = GradingKernel(self.work_dir, self.limits, self.sandbox, self.stop_at)
        self.kernel.start()
        return self

    def __exit__(self, *exc_info) -> None:
        if self.kernel is not None:
            self.kernel.kill()

    def out_of_time(self) -> bool:
        return time.monotonic() >= self.stop_at

    def run(self, source: str, keep: bool = True, timeout: float | None = None) -> CellResult:
        """Run a cell (`timeout` defaults to the cell limit); `keep` it for a replay if it ran."""
        result = self.kernel.run(source, timeout)
        if result.status == Status.OK and keep:
            self.replay.append((source, timeout))
        if not self.kernel.alive():
            self._restart()
        return result

    def _restart(self) -> None:
        self.kernel.kill()
        self.kernel = None
        if self.restarts >= MAX_RESTARTS or self.out_of_time():
            return
        self.restarts += 1
        kernel = GradingKernel(self.work_dir, self.limits, self.sandbox, self.stop_at)
        kernel.start()
        for source, timeout in self.replay:
            kernel.run(source, timeout)
        self.kernel = kernel if kernel.alive() else None

    @property
    def usable(self) -> bool:
        return self.kernel is not None and not self.out_of_time()


def run_plan(
    grading_plan: GradingPlan,
    assignment: Assignment,
    limits: Limits,
    sandbox: Sandbox | None,
    wall_seconds: float,
    probes: dict[str, list[tuple]] | None = None,
    forbid: dict[str, tuple[str, ...]] | None = None,
) -> PlanRun:
    """Run the planned cells, then every exercise's probes; report raw outcomes.

    `probes` and `forbid` default to the assignment's; the reference passes its
    own probes and forbids nothing (the solution may use what it likes). The
    output of planned check cells becomes each outcome's `public_output`.
    Instructor cells run under `limits.setup_timeout`; those that fail are
    listed, and each outcome notes the first one above its answer cell.
    """
    probes = assignment.probes if probes is None else probes
    forbid = assignment.forbid if forbid is None else forbid
    public: dict[str, str] = {}
    failures: list[InstructorFailure] = []
    above: dict[str, InstructorFailure] = {}
    outcomes = {
        exercise: RawOutcome(Status.MISSING_ANSWER, "no answer cell found in the submission")
        for exercise in grading_plan.missing
    }
    work_dir = Path(tempfile.mkdtemp(prefix="course-grade-"))
    for support in assignment.support_files:
        shutil.copyfile(support, work_dir / support.name)
    stop_at = time.monotonic() + wall_seconds
    try:
        with _Session(work_dir, limits, sandbox, stop_at) as session:
            for cell in grading_plan.cells:
                if not session.usable:
                    break
                if cell.is_instructor_cell:
                    failure = _run_instructor_cell(session, cell, limits.setup_timeout)
                    failures += [failure] if failure else []
                    continue
                result = session.run(cell.source, keep=cell.checks is None)
                if cell.checks:
                    public[cell.checks] = _public_output(result)
                if cell.exercise and failures:
                    above[cell.exercise] = failures[0]
                if cell.exercise:
                    outcome = _answer_outcome(result)
                    if outcome is not None:
                        outcomes[cell.exercise] = outcome
            for exercise in assignment.exercises:
                if exercise in outcomes:
                    continue
                if not session.usable:
                    break
                outcomes[exercise] = _run_probes(
                    session,
                    exercise,
                    probes[exercise],
                    assignment.harness.get(exercise),
                    forbid.get(exercise, ()),
                    work_dir,
                )
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
    unfinished = [exercise for exercise in assignment.exercises if exercise not in outcomes]
    if unfinished:
        ended = unfinished_outcome(stop_at)
        for exercise in unfinished:
            outcomes[exercise] = replace(ended)
    for exercise, printed in public.items():
        if exercise in outcomes:
            outcomes[exercise].public_output = printed
    for exercise, failure in above.items():
        outcomes[exercise].after_failure = failure
    return PlanRun(outcomes, failures)


def unfinished_outcome(stop_at: float) -> RawOutcome:
    """Why an exercise got no outcome: out of time, or a kernel that kept dying. One
    reading of the clock decides both the status and its message."""
    if time.monotonic() >= stop_at:
        return RawOutcome(Status.TIMEOUT, "the submission ran past its wall-clock limit")
    return RawOutcome(Status.KERNEL_DIED, "the kernel kept dying")


def _run_instructor_cell(
    session: _Session, cell: PlannedCell, timeout: float
) -> InstructorFailure | None:
    """Run a set-up, data or helper cell under its own limit; its failure, if it failed."""
    started = time.monotonic()
    result = session.run(cell.source, timeout=timeout)
    if result.status == Status.OK:
        return None
    return InstructorFailure.of(cell, result, min(timeout, session.stop_at - started))


def _run_probes(
    session: _Session,
    exercise: str,
    probes: list[tuple],
    harness: str | None,
    forbid: tuple[str, ...],
    work_dir: Path,
) -> RawOutcome:
    """One cell per probe, so the cell time limit applies to each call of the function."""
    inputs, results = work_dir / f"{exercise}.inputs.json", work_dir / f"{exercise}.results.json"
    found: list[dict] = []
    for index, args in enumerate(probes):
        if index and not session.usable:
            return RawOutcome(Status.TIMEOUT, "the submission ran past its wall-clock limit")
        inputs.write_text(json.dumps([encode(args)]))
        results.unlink(missing_ok=True)
        result = session.run(_probe_code(exercise, inputs, results, harness, forbid), keep=False)
        if result.status == Status.TIMEOUT:
            return RawOutcome(Status.TIMEOUT, f"the function (probe {index + 1}) {result.message}")
        if result.status == Status.KERNEL_DIED:
            return RawOutcome(Status.KERNEL_DIED, "the kernel died while the function ran")
        items = _read_results(results)
        if result.status != Status.OK or not items:
            return RawOutcome(
                Status.ERROR,
                "the grading cell produced no results "
                f"({result.ename or 'was the kernel tampered with?'})",
            )
        found.append(items[0])
        if items[0].get("error") in (NOT_IMPLEMENTED, "NameError"):
            break
    return RawOutcome(Status.OK, results=found)


def score(
    exercise: str,
    outcome: RawOutcome,
    reference: list[Any],
    max_points: int,
    tolerance: tuple[float, float],
    band: Band | None = None,
) -> ExerciseGrade:
    """Compare raw results with the reference, probe by probe.

    For an experiment (`band` set) each reference item is the list of the
    reference's runs over seeds, and the result must lie within their band;
    it earns its points only when every probe does (a constant that happens
    to match one setting has not measured the contrast).
    """
    if outcome.status != Status.OK:
        return ExerciseGrade(
            exercise, 0.0, max_points, outcome.status, outcome.message, 0, len(reference)
        )
    results = outcome.results or []
    forbidden = next((item for item in results if item.get("error") == FORBIDDEN), None)
    if forbidden is not None:  # no credit for any probe: the exercise was not done
        message = forbidden.get("message", "")
        return ExerciseGrade(
            exercise, 0.0, max_points, Status.FORBIDDEN, message, 0, len(reference)
        )
    if any(item.get("error") == NOT_IMPLEMENTED for item in results):
        return ExerciseGrade(
            exercise,
            0.0,
            max_points,
            Status.NOT_ATTEMPTED,
            "the answer still raises NotImplementedError",
            0,
            len(reference),
        )
    passed, first_error, first_wrong = 0, "", ""
    for index, expected in enumerate(reference):
        item = results[index] if index < len(results) else {"error": "missing result"}
        if "value" in item:
            try:
                got = decode(item["value"])
                problem = (
                    compare(got, expected, *tolerance)
                    if band is None
                    else within_band(got, expected, band.margin)
                )
            except (ValueError, TypeError):
                problem = "the kernel returned a malformed value"
        elif "unencodable" in item:
            problem = f"returned something that is not numbers: {item['unencodable']}"
        else:
            first_error = first_error or (
                f"probe {index + 1} raised {item.get('error')}: {item.get('message', '')}"
            )
            continue
        if problem:
            first_wrong = first_wrong or f"probe {index + 1}: {problem}"
        else:
            passed += 1
    total = len(reference)
    # An experiment's finding is the contrast between its probes: all or nothing.
    all_or_nothing = band is not None and passed < total
    points = 0.0 if all_or_nothing or not total else round(max_points * passed / total, 2)
    if passed == total:
        return ExerciseGrade(exercise, points, max_points, Status.OK, "", passed, total)
    status, message = (Status.ERROR, first_error) if first_error else (Status.WRONG, first_wrong)
    return ExerciseGrade(exercise, points, max_points, status, message[:500], passed, total)


#: Grades that say an answer could not run, rather than judging what it returned.
_NOT_RUN = frozenset({Status.ERROR, Status.TIMEOUT, Status.KERNEL_DIED})


def blame_instructor_cell(grade: ExerciseGrade, failure: InstructorFailure | None) -> ExerciseGrade:
    """The grade, naming the failed instructor cell above the answer when the answer did not run.

    A grade that judges what the answer returned (ok, wrong) or says it was
    never attempted stands as it is, points included: a set-up cell that
    failed does not cost a student the answers that ran anyway. An answer that
    could not run (error, timeout, a dead kernel) is reported with the cell
    that failed first, which is what the student or the instructor has to
    fix: status `timeout` when that cell timed out, `error` otherwise, with
    the answer's own message after it.

    Example:
        >>> failure = InstructorFailure(2, "import keras", Status.TIMEOUT, "timed out after 1 s")
        >>> grade = ExerciseGrade("f", 0.0, 2, Status.ERROR, "raised NameError")
        >>> blamed = blame_instructor_cell(grade, failure)
        >>> print(blamed.status, blamed.message)
        timeout the release's cell 2 ('import keras') timed out after 1 s, above this answer
        (then: raised NameError)
    """
    if failure is None or grade.status not in _NOT_RUN:
        return grade
    status = Status.TIMEOUT if failure.status == Status.TIMEOUT else Status.ERROR
    message = f"{failure.describe()}, above this answer (then: {grade.message})"
    return replace(grade, status=status, message=message[:500])


def reference_results(assignment: Assignment, limits: Limits) -> dict[str, list[Any]]:
    """Expected values: the solution notebook's answers run on the probes (trusted, no sandbox).

    Raises:
        GraderError: an instructor cell failed, or the solution fails its own probes.
    """
    own_plan = plan(assignment.release, assignment.solution)
    probes = {
        exercise: (
            assignment.bands[exercise].reference_probes(inputs)
            if exercise in assignment.bands
            else inputs
        )
        for exercise, inputs in assignment.probes.items()
    }
    run = run_plan(own_plan, assignment, limits, None, REFERENCE_WALL_SECONDS, probes, forbid={})
    if run.failures:
        failure = run.failures[0]
        hint = " (a slow machine may need a longer --setup-timeout)"
        raise GraderError(
            f"{failure.describe()} in the reference run"
            + (hint if failure.status == Status.TIMEOUT else "")
        )
    references = {}
    for exercise, outcome in run.outcomes.items():
        bad = [item for item in outcome.results or [] if "value" not in item]
        if outcome.status != Status.OK or bad:
            raise GraderError(
                f"the solution of {exercise!r} fails its own probes: {outcome.message or bad[:1]}"
            )
        values = [decode(item["value"]) for item in outcome.results]
        band = assignment.bands.get(exercise)
        references[exercise] = values if band is None else band.group(values)
    return references


def grade_submission(
    path: Path,
    assignment: Assignment,
    references: dict[str, list[Any]],
    limits: Limits,
    sandbox: Sandbox | None,
    wall_seconds: float,
    public_cases: bool = False,
) -> list[ExerciseGrade]:
    """Every exercise's grade for one submission file; never raises for bad submissions.

    With `public_cases`, the release's check cells run too, and each grade
    keeps what its check printed (`ExerciseGrade.public_output`).
    """
    try:
        student = read_submission(path)
    except MalformedSubmission as error:
        return [
            ExerciseGrade(
                exercise,
                0.0,
                assignment.points[exercise],
                Status.MALFORMED,
                str(error)[:500],
                0,
                len(references[exercise]),
            )
            for exercise in assignment.exercises
        ]
    grading_plan = plan(assignment.release, student, checks=public_cases)
    outcomes = run_plan(grading_plan, assignment, limits, sandbox, wall_seconds).outcomes
    return [
        replace(
            blame_instructor_cell(
                score(
                    exercise,
                    outcomes[exercise],
                    references[exercise],
                    assignment.points[exercise],
                    assignment.tolerance[exercise],
                    assignment.bands.get(exercise),
                ),
                outcomes[exercise].after_failure,
            ),
            public_output=outcomes[exercise].public_output,
        )
        for exercise in assignment.exercises
    ]
