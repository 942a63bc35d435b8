"""How close each chapter's claims come to failing, over seeds and instruction sets.

    python benchmarks/claim_margins.py [CHAPTER ...] [-j 2] [--record] [--keep DIR]

Runs every chapter top to bottom once per setting in `RUNS` (seed offsets,
oneDNN on or off, oneDNN capped at AVX2 or not) with `$COURSE_CLAIM_LOG` set,
so that every `claim` logs the margin of each comparison in its test
(`course_lib.margins`). A comparison is *tight* when its smallest margin over
the runs is not larger than the spread of its margins over the runs: one more
seed or CPU could push it past its threshold. Raw margins go to
`benchmarks/results/claim_margins.json` (a chapter given on the command line
replaces only its own runs), the table to `benchmarks/results/claim_margins.md`.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from timing import RESULTS_DIR, cpu_description, write_table

from course_lib.margins import LOG_VARIABLE
from course_tools import notebooks
from course_tools.chapters import chapters, find_chapter
from course_tools.verify import measured_output_moved, run_environment

#: (seed offset, oneDNN on, oneDNN's instruction-set cap): the recording's setting,
#: the test suite's, and one more seed under the suite's kernels.
RUNS = [(0, False, None), (1, True, "AVX2"), (2, True, "AVX2")]
RAW = RESULTS_DIR / "claim_margins.json"


def run_label(offset: int, onednn: bool, isa: str | None) -> str:
    return f"offset {offset}, oneDNN " + (f"on ({isa or 'native'})" if onednn else "off")


def measure(
    notebook: Path,
    offset: int,
    onednn: bool,
    isa: str | None,
    record: bool = False,
    keep: Path | None = None,
) -> dict:
    """One top-to-bottom run of `notebook`: the logged margins, the cells that failed, and
    how many `measured` cells printed exactly their recording (all of them, on the machine
    and setting that recorded it)."""
    recorded = notebooks.read(notebook)
    with tempfile.TemporaryDirectory(prefix="course-margins-") as scratch:
        log = Path(scratch) / "margins.jsonl"
        env = {**run_environment(offset, onednn, isa), LOG_VARIABLE: str(log)}
        started = time.perf_counter()
        run = notebooks.execute(recorded, Path(scratch), allow_errors=True, env=env)
        seconds = time.perf_counter() - started
        rows = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    if record and (offset, onednn, isa) == RUNS[0]:
        _save_recording(run, notebook)
    if keep is not None:  # every run's outputs, to quote a range over the settings
        keep.mkdir(parents=True, exist_ok=True)
        notebooks.write(run, keep / f"{notebook.stem}, {run_label(offset, onednn, isa)}.ipynb")
    errors = [
        f"{output.ename}: {output.evalue}"[:200]
        for cell in run.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if output.output_type == "error"
    ]
    measured = [
        (before, after)
        for before, after in zip(recorded.cells, run.cells, strict=True)
        if notebooks.MEASURED_TAG in notebooks.tags(before)
    ]
    return {
        "chapter": notebook.stem,
        "measured_cells": len(measured),
        "measured_as_recorded": sum(
            not measured_output_moved(before.outputs, after.outputs) for before, after in measured
        ),
        "run": run_label(offset, onednn, isa),
        "seconds": round(seconds, 1),
        "errors": errors,
        "margins": rows,
    }


def _save_recording(run, notebook: Path) -> None:
    """Save a run under the recording's setting as `course record` would, if no cell failed."""
    failed = any(
        output.output_type == "error" for cell in run.cells for output in cell.get("outputs", [])
    )
    if not failed:
        partial = notebook.with_suffix(".recording")
        notebooks.write(notebooks.normalise(run), partial)
        partial.replace(notebook)


def summarise(runs: list[dict]) -> list[dict]:
    """One row per (chapter, claim, comparison): its margins over the runs and tightness."""
    grouped: dict[tuple[str, str, str], dict] = {}
    for run in runs:
        for row in run["margins"]:
            key = (run["chapter"], row["claim"], row.get("test", ""))
            entry = grouped.setdefault(
                key, {"margins": [], "alternative": row.get("alternative", False)}
            )
            entry["margins"].append(row.get("margin"))
    rows = []
    for (chapter, claim, test), entry in grouped.items():
        values = [m for m in entry["margins"] if m is not None and not math.isnan(m)]
        if not values or len(values) < len(entry["margins"]):
            continue  # an exact test (==, a function's boolean): no margin to speak of
        finite = [m for m in values if math.isfinite(m)]
        closest = min(values)
        spread = (max(finite) - min(finite)) if finite else 0.0
        rows.append(
            {
                "chapter": chapter,
                "claim": claim,
                "test": test,
                "runs": len(values),
                "closest": closest,
                "spread": spread,
                "alternative": entry["alternative"],
                "tight": not entry["alternative"] and closest <= spread,
            }
        )
    return rows


def _number(value: float) -> str:
    return f"{value:.3g}" if math.isfinite(value) else str(value)


def table(runs: list[dict]) -> list[str]:
    rows = summarise(runs)
    lines = [
        "# How close the chapters' claims come to failing",
        "",
        f"Measured {time.strftime('%Y-%m-%d')} on {cpu_description()}.",
        "",
        "Every chapter run once per setting: "
        + "; ".join(run_label(*setting) for setting in RUNS)
        + ". A comparison's *margin* is its distance from its threshold in its own units "
        "(positive: it holds); it is *tight* when its closest margin is not larger than the "
        "spread of its margins over the runs. Exact tests (`==`, agreement to a tolerance "
        "given as a function) have no margin and are left out. "
        "`python benchmarks/claim_margins.py` measures it again.",
        "",
        "| chapter | runs | comparisons | failed runs | closest comparison (margin / spread) | "
        "tight |",
        "|---|---|---|---|---|---|",
    ]
    for chapter in sorted({run["chapter"] for run in runs}):
        mine = [row for row in rows if row["chapter"] == chapter and not row["alternative"]]
        failed = [run for run in runs if run["chapter"] == chapter and run["errors"]]
        count = len([run for run in runs if run["chapter"] == chapter])
        closest = min(mine, key=lambda row: _ratio(row), default=None)
        described = (
            f"`{closest['test']}`: {_number(closest['closest'])} / {_number(closest['spread'])}"
            if closest
            else "-"
        )
        tight = sum(row["tight"] for row in mine)
        lines.append(
            f"| {chapter} | {count} | {len(mine)} | {len(failed)} | {described} | {tight} |"
        )
    tight_rows = [row for row in rows if row["tight"]]
    lines += ["", "## Tight comparisons", ""]
    lines += [
        f'- {row["chapter"]}: "{row["claim"]}": `{row["test"]}` closest '
        f"{_number(row['closest'])}, spread {_number(row['spread'])}"
        for row in tight_rows
    ] or ["None."]
    failures = [(run["chapter"], run["run"], run["errors"][0]) for run in runs if run["errors"]]
    lines += ["", "## Runs with a failing cell", ""]
    lines += [f"- {chapter} ({run}): {error}" for chapter, run, error in failures] or ["None."]
    return lines


def _ratio(row: dict) -> float:
    return row["closest"] / row["spread"] if row["spread"] > 0 else math.inf


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "chapters", nargs="*", help="chapters to run again under every setting (default: all)"
    )
    parser.add_argument("-j", "--jobs", type=int, default=1)
    parser.add_argument("--raw", type=Path, default=RAW, help="the raw margins file to update")
    parser.add_argument(
        "--table-only", action="store_true", help="write the table from the raw margins saved"
    )
    parser.add_argument(
        "--record",
        action="store_true",
        help="save each chapter run again under the recording's setting as its recording "
        "(as `course record` would; only when every cell succeeded)",
    )
    parser.add_argument(
        "--keep", type=Path, help="also save every run's executed notebook in this folder"
    )
    parser.add_argument(
        "--missing",
        action="store_true",
        help="also run every other chapter under the settings it has no run of yet",
    )
    args = parser.parse_args()
    if args.table_only:
        write_table("claim_margins.md", table(json.loads(args.raw.read_text())))
        return
    named = [find_chapter(query) for query in args.chapters]
    selected = chapters() if args.missing or not named else named
    rerun = {chapter.notebook.stem for chapter in (named or ([] if args.missing else selected))}
    labels = {run_label(*setting) for setting in RUNS}
    kept = json.loads(args.raw.read_text()) if args.raw.exists() else []
    kept = [run for run in kept if run["run"] in labels and run["chapter"] not in rerun]
    done = {(run["chapter"], run["run"]) for run in kept}
    # Setting by setting, so that an interrupted run has every chapter under the first ones.
    jobs = [
        (chapter.notebook, *setting)
        for setting in RUNS
        for chapter in selected
        if (chapter.notebook.stem, run_label(*setting)) not in done
    ]
    with ProcessPoolExecutor(args.jobs) as pool:
        futures = [pool.submit(measure, *job, args.record, args.keep) for job in jobs]
        for future in futures:
            result = future.result()
            kept.append(result)
            print(
                f"{result['chapter']} ({result['run']}): {result['seconds']:.0f} s, "
                f"{len(result['errors'])} failing cell(s)",
                flush=True,
            )
            args.raw.write_text(json.dumps(kept, indent=1) + "\n")
    write_table("claim_margins.md", table(kept))


if __name__ == "__main__":
    main()
