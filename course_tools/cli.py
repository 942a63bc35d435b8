"""The `course` command: list, run, build, record and diagnose the course.

Examples (from a clone of the repository):

    course list                 chapters and which assignment files exist
    course run 00               run chapter 00 headless, print its results
    course run loop --part solution --out /tmp/runs
    course build                regenerate exercises/, normalise notebooks
    course build --check        exit 1 when any generated file drifted
    course new ~/teaching/hw1   scaffold an assignment of your own, outside the repository
    course build ~/teaching/hw1 write its student version into ~/teaching/hw1/release/
    course record 00            re-execute and save a chapter with outputs
    course verify --seeds 3     re-run every chapter and solution under seed offsets
                                1..3: claims must hold, compared outputs must not move
    course verify --isa AVX2    the same with oneDNN's kernels capped at AVX2, as a
                                CPU without AVX-512 runs them
    course doctor               what is installed, and what to fix
    course grade --assignment 00 --out graded -j 2 hand-ins/
                                grade submitted notebooks into graded/grades.csv
    course grade --assignment ~/teaching/hw1 --out graded --feedback hand-ins/
                                grade your own assignment, with a feedback page per student
    course mutants --assignment 00 -j 2
                                how many plausible wrong answers the probes catch, into
                                mutants/00.md (slow: one grading kernel per mutant)
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from course_tools import build as build_module
from course_tools import notebooks
from course_tools.assignments import RELEASE, SOLUTION, build_assignment, new_assignment
from course_tools.chapters import Chapter, ChapterNotFound, chapters, course_root, find_chapter
from course_tools.grading.kernel import (
    CELL_TIMEOUT_SECONDS,
    MEMORY_MB,
    SETUP_TIMEOUT_SECONDS,
    SUBMISSION_TIMEOUT_SECONDS,
    WORKERS,
)

PARTS = ("notebook", "solution", "exercise")


def _part_path(chapter: Chapter, part: str) -> Path:
    path = {
        "notebook": chapter.notebook,
        "solution": chapter.solution,
        "exercise": chapter.exercise,
    }[part]
    if path is None:
        raise ChapterNotFound(f"chapter {chapter.number} has no {part} notebook")
    return path


def command_list(args: argparse.Namespace) -> int:
    print(f"{'chapter':<8}{'title':<36}{'exercise':<10}solution")
    for chapter in chapters():
        exercise = "yes" if chapter.exercise else "-"
        solution = "yes" if chapter.solution else "-"
        print(f"{chapter.number:<8}{chapter.title:<36}{exercise:<10}{solution}")
    return 0


def command_run(args: argparse.Namespace) -> int:
    chapter = find_chapter(args.chapter)
    source = _part_path(chapter, args.part)
    out_dir = Path(args.out).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    print(f"running {source.relative_to(course_root())} in a fresh kernel ...", flush=True)
    started = time.perf_counter()
    executed = notebooks.execute(
        notebooks.read(source),
        out_dir,
        cell_timeout=args.timeout,
        allow_errors=args.part == "exercise",
    )
    elapsed = time.perf_counter() - started
    destination = out_dir / source.name
    notebooks.write(executed, destination)
    for line in notebooks.result_lines(executed):
        print(f"  {line}")
    print(
        f"chapter {chapter.number} ({args.part}) ran in {elapsed:.1f} s; "
        f"executed copy: {destination}"
    )
    return 0


def _build(check: bool) -> int:
    root = course_root()
    drifted = build_module.build(root, check=check)
    for path in drifted:
        print(f"{'drifted' if check else 'rewrote'}: {path.relative_to(root)}")
    if check and drifted:
        print("generated files are out of date: run `course build` and commit the result")
        return 1
    print("all generated files are up to date" if not drifted else "build done")
    return 0


def command_build(args: argparse.Namespace) -> int:
    if args.path is None:
        return _build(check=args.check)
    folder = Path(args.path)
    try:
        drifted = build_assignment(folder, check=args.check)
    except ValueError as error:  # markers and tags of the solution disagree
        print(f"course: {folder / SOLUTION}: {error}", file=sys.stderr)
        return 2
    for path in drifted:
        print(f"{'drifted' if args.check else 'wrote'}: {path}")
    if args.check and drifted:
        print(f"the release is out of date: run `course build {folder}`")
        return 1
    if not drifted:
        print(f"{folder / RELEASE} is up to date")
    elif not args.check:
        print(f"hand out the files in {folder / RELEASE}")
    return 0


def command_new(args: argparse.Namespace) -> int:
    folder = Path(args.path)
    try:
        written = new_assignment(folder)
    except FileExistsError as error:
        print(f"course: {error}", file=sys.stderr)
        return 2
    for path in written:
        print(f"wrote: {path}")
    print(f"next: read {folder / 'README.md'}, edit the solution, then `course build {folder}`")
    return 0


def command_record(args: argparse.Namespace) -> int:
    selected = chapters() if args.all else [find_chapter(q) for q in args.chapters]
    if not selected:
        print("name chapters to record, or --all")
        return 2
    for chapter in selected:
        for path in (chapter.notebook, chapter.solution):
            if path is None:
                continue
            started = time.perf_counter()
            build_module.record(path, cell_timeout=args.timeout)
            print(
                f"recorded {path.relative_to(course_root())} "
                f"in {time.perf_counter() - started:.1f} s"
            )
    return _build(check=False)


def command_verify(args: argparse.Namespace) -> int:
    from course_tools.verify import verify_notebook

    selected = [find_chapter(q) for q in args.chapters] if args.chapters else chapters()
    paths = [
        path
        for chapter in selected
        for path in (chapter.notebook, chapter.solution)
        if path is not None
    ]
    failures = 0
    for offset in range(1, args.seeds + 1):
        for path in paths:
            started = time.perf_counter()
            report = verify_notebook(
                path,
                offset,
                onednn=args.onednn or bool(args.isa),
                cell_timeout=args.timeout,
                isa=args.isa,
            )
            print(f"{report.summary()} [{time.perf_counter() - started:.0f} s]", flush=True)
            for problem in report.problems:
                print(f"    {problem}")
            failures += not report.ok
    print(f"{failures} run(s) with problems" if failures else "every claim held")
    return 1 if failures else 0


def _doctor_checks() -> list[tuple[str, str, str]]:
    """(status, what, how to fix) rows; status is ok, warn or FAIL."""
    rows = []
    python_ok = sys.version_info >= (3, 10)
    rows.append(
        (
            "ok" if python_ok else "FAIL",
            f"Python {sys.version.split()[0]}",
            "" if python_ok else "install Python 3.10 or newer",
        )
    )
    try:
        import course_lib

        env = course_lib.setup(verbose=False)
        rows.append(("ok", f"TensorFlow {env.tensorflow_version}, Keras {env.keras_version}", ""))
        device = env.accelerator if env.accelerator != "GPU" else f"GPU x{env.gpu_count}"
        rows.append(("ok", f"device: {device}", ""))
    except Exception as error:  # report, never crash the doctor
        rows.append(
            (
                "FAIL",
                f"TensorFlow/Keras: {error}",
                'pip install -e ".[test]" in a fresh virtual environment',
            )
        )
    has_kernel = importlib.util.find_spec("ipykernel") is not None
    rows.append(
        (
            "ok" if has_kernel else "FAIL",
            "Jupyter kernel (ipykernel)",
            "" if has_kernel else "pip install ipykernel",
        )
    )
    has_lab = importlib.util.find_spec("jupyterlab") is not None
    rows.append(
        (
            "ok" if has_lab else "warn",
            "JupyterLab",
            "" if has_lab else 'pip install -e ".[lab]" to open the notebooks',
        )
    )
    try:
        found = chapters()
        rows.append(("ok", f"{len(found)} chapters in {course_root()}", ""))
    except FileNotFoundError as error:
        rows.append(("warn", str(error), "clone the repository or set COURSE_ROOT"))
    from course_tools.grading.batch import INSTALL_BUBBLEWRAP
    from course_tools.grading.kernel import Sandbox

    has_bwrap = Sandbox.available()
    rows.append(
        (
            "ok" if has_bwrap else "warn",
            "bubblewrap sandbox for grading"
            + (
                ""
                if has_bwrap
                else ": missing, so `course grade` refuses to run without --no-sandbox"
            ),
            "" if has_bwrap else f"{INSTALL_BUBBLEWRAP} (graders only)",
        )
    )
    return rows


def command_doctor(args: argparse.Namespace) -> int:
    rows = _doctor_checks()
    for status, what, fix in rows:
        print(f"[{status:^4}] {what}" + (f"  -> fix: {fix}" if fix else ""))
    return 1 if any(status == "FAIL" for status, _, _ in rows) else 0


def command_grade(args: argparse.Namespace) -> int:
    from course_tools.grading.batch import BatchOptions, grade_batch
    from course_tools.grading.grader import GraderError

    options = BatchOptions(
        out_dir=Path(args.out),
        workers=args.jobs,
        cell_timeout=args.timeout,
        setup_timeout=args.setup_timeout,
        submission_timeout=args.submission_timeout,
        memory_mb=args.memory_mb,
        force=args.force,
        sandbox=not args.no_sandbox,
        feedback=args.feedback,
    )
    missing = [path for path in args.submissions if not Path(path).exists()]
    if missing:
        print(f"course: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    try:
        records = grade_batch(args.assignment, [Path(p) for p in args.submissions], options)
    except GraderError as error:
        print(f"course: {error}", file=sys.stderr)
        return 2
    out = Path(args.out)
    print(
        f"graded {len(records)} submission(s): {out / 'grades.csv'} (for you), "
        f"{out / 'gradebook.csv'} (for a gradebook import), {out / 'gradescope'} (results.json "
        f"per submission), {out / 'report.html'} (the class at a glance)"
        + (f", {out / 'feedback'} (a page per student)" if args.feedback else "")
    )
    return 0


def command_mutants(args: argparse.Namespace) -> int:
    from course_tools.grading.grader import GraderError, load_assignment
    from course_tools.grading.kernel import Limits
    from course_tools.grading.strength import measure, summarise, write_report

    try:
        assignment = load_assignment(args.assignment)
        unknown = sorted(set(args.exercise) - set(assignment.exercises))
        if unknown:
            raise GraderError(f"no exercise {', '.join(unknown)} in assignment {args.assignment}")
        results = measure(
            assignment,
            tuple(args.exercise) or None,
            args.limit,
            args.jobs,
            Limits(cell_timeout=args.timeout),
        )
    except GraderError as error:
        print(f"course: {error}", file=sys.stderr)
        return 2
    report = write_report(assignment, results, Path(args.out))
    holes = sum(len(row["holes"]) for row in summarise(results).values())
    print(f"{len(results)} mutant(s), {holes} hole(s): {report}")
    return 0


def _add_cell_timeout(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--timeout",
        type=float,
        default=CELL_TIMEOUT_SECONDS,
        help="seconds per answer cell and per call on a hidden case",
    )


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="course", description=__doc__.splitlines()[0])
    commands = top.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="list chapters").set_defaults(handler=command_list)

    run = commands.add_parser("run", help="run a chapter headless in a fresh kernel")
    run.add_argument("chapter", help="00, 0 or a fragment of the chapter's name")
    run.add_argument("--part", choices=PARTS, default="notebook")
    run.add_argument("--out", default="course-runs", help="folder for the executed copy")
    run.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    run.set_defaults(handler=command_run)

    build = commands.add_parser("build", help="regenerate exercises, normalise notebooks")
    build.add_argument(
        "path", nargs="?", help="an assignment folder of your own (default: the course)"
    )
    build.add_argument("--check", action="store_true", help="write nothing; exit 1 on drift")
    build.set_defaults(handler=command_build)

    new = commands.add_parser("new", help="scaffold an assignment of your own in a new folder")
    new.add_argument("path", help="the folder to create, outside the course repository")
    new.set_defaults(handler=command_new)

    record = commands.add_parser("record", help="re-execute chapters and save their outputs")
    record.add_argument("chapters", nargs="*")
    record.add_argument("--all", action="store_true")
    record.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    record.set_defaults(handler=command_record)

    verify = commands.add_parser(
        "verify", help="re-run chapters under other seed offsets and compare with the recording"
    )
    verify.add_argument("chapters", nargs="*", help="chapters to verify (default: all)")
    verify.add_argument("--seeds", type=int, default=1, help="verify seed offsets 1..SEEDS")
    verify.add_argument(
        "--onednn", action="store_true", help="also switch TensorFlow's oneDNN kernels on"
    )
    verify.add_argument(
        "--isa",
        metavar="ISA",
        help="cap oneDNN's kernels at this instruction set, e.g. AVX2 (implies --onednn): "
        "an AVX-512 machine then runs them as an AVX2-only CPU does",
    )
    verify.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    verify.set_defaults(handler=command_verify)

    commands.add_parser("doctor", help="check the environment").set_defaults(handler=command_doctor)

    grade = commands.add_parser("grade", help="grade submitted exercise notebooks")
    grade.add_argument(
        "--assignment",
        required=True,
        help="a chapter (00, 0 or a name fragment) or the folder of your own assignment",
    )
    grade.add_argument(
        "--out", required=True, help="folder for grades.csv, gradebook.csv and per-file JSON"
    )
    grade.add_argument("-j", "--jobs", type=int, default=WORKERS, help="submissions graded at once")
    _add_cell_timeout(grade)
    grade.add_argument(
        "--setup-timeout",
        type=float,
        default=SETUP_TIMEOUT_SECONDS,
        help="seconds per instructor cell (set-up imports, data, helpers)",
    )
    grade.add_argument(
        "--submission-timeout",
        type=float,
        default=SUBMISSION_TIMEOUT_SECONDS,
        help="wall-clock seconds per submission",
    )
    grade.add_argument("--memory-mb", type=int, default=MEMORY_MB, help="memory per kernel")
    grade.add_argument("--force", action="store_true", help="regrade finished submissions")
    grade.add_argument(
        "--feedback",
        action="store_true",
        help="also run the public cases and write feedback/NAME.html for each student",
    )
    grade.add_argument(
        "--no-sandbox",
        action="store_true",
        help="grade without bubblewrap: student code can then read your files and use the network",
    )
    grade.add_argument("submissions", nargs="+", help="notebooks or folders of notebooks")
    grade.set_defaults(handler=command_grade)

    strength = commands.add_parser(
        "mutants", help="measure how many plausible wrong answers the probes catch"
    )
    strength.add_argument("--assignment", required=True, help="chapter (00) or assignment folder")
    strength.add_argument(
        "--exercise", action="append", default=[], help="only this exercise (repeatable)"
    )
    strength.add_argument("--limit", type=int, help="only the first LIMIT mutants per exercise")
    strength.add_argument("--out", default="mutants", help="folder for NN.md and NN.json")
    strength.add_argument("-j", "--jobs", type=int, default=WORKERS, help="mutants graded at once")
    _add_cell_timeout(strength)
    strength.set_defaults(handler=command_mutants)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.handler(args)
    except (ChapterNotFound, FileNotFoundError) as error:
        print(f"course: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
