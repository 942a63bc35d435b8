"""Probe strength of the course's assignments: `course mutants` over chapters, in one table.

    python benchmarks/probe_strength.py [CHAPTER ...] [-j 2]

Runs `course_tools.grading.strength` on each chapter's assignment (every
mutant of every answer, graded with every other answer correct, against the
public cases and the hidden probes), keeps each chapter's raw results in
`benchmarks/results/probe_strength/NN.json` (a chapter given on the command
line replaces only its own), and writes the table of all chapters measured so
far to `benchmarks/results/probe_strength.md`. One grading kernel per mutant:
minutes per chapter on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from timing import RESULTS_DIR, cpu_description, write_table

from course_tools.chapters import chapters, find_chapter
from course_tools.grading.grader import load_assignment
from course_tools.grading.strength import MutantResult, measure, summarise

RAW_DIR = RESULTS_DIR / "probe_strength"


def table(raw: dict[str, dict]) -> list[str]:
    lines = [
        "# Probe strength: the plausible wrong answers each assignment's grading catches",
        "",
        f"Measured with `course mutants` on {cpu_description()}; each chapter's date is in its "
        "row. A mutant is one small slip in one answer (`course_tools/mutation.py`), graded with "
        "every other answer correct. *Killed*: it lost points. A survivor of the hidden probes "
        "is a hole unless the grading file's `EQUIVALENT` gives the reason it behaves like the "
        "answer. `python benchmarks/probe_strength.py NN -j 2` measures a chapter again.",
        "",
        "| chapter | exercise | mutants | killed by public cases | killed by hidden probes "
        "| equivalent | holes |",
        "|---|---|---|---|---|---|---|",
    ]
    holes = []
    for number, chapter in sorted(raw.items()):
        results = [MutantResult(**row) for row in chapter["mutants"]]
        for exercise, row in summarise(results).items():
            lines.append(
                f"| {number} ({chapter['date']}) | {exercise} | {row['mutants']} "
                f"| {row['killed_public']} | {row['killed_hidden']} | {row['equivalent']} "
                f"| {len(row['holes'])} |"
            )
            holes += [f"- {number} {exercise}: {hole}" for hole in row["holes"]]
    chapters_missing = sorted({c.number for c in chapters() if c.solution} - set(raw))
    if chapters_missing:
        lines += ["", f"Not measured yet: chapters {', '.join(chapters_missing)}."]
    return lines + (["", "## Holes", "", *holes] if holes else ["", "No holes."])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "chapters", nargs="*", help="chapters to measure (default: none, table only)"
    )
    parser.add_argument("-j", "--jobs", type=int, default=1)
    args = parser.parse_args()
    RAW_DIR.mkdir(parents=True, exist_ok=True)
    for query in args.chapters:
        assignment = load_assignment(find_chapter(query).number)
        results = measure(assignment, workers=args.jobs)
        raw = {"date": date.today().isoformat(), "mutants": [asdict(r) for r in results]}
        (RAW_DIR / f"{assignment.number}.json").write_text(json.dumps(raw, indent=1) + "\n")
    raw = {path.stem: json.loads(path.read_text()) for path in sorted(RAW_DIR.glob("*.json"))}
    write_table("probe_strength.md", table(raw))


if __name__ == "__main__":
    main()
