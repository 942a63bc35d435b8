"""Where the test suite's time goes: run the README's test command once and split it.

Run on demand from the repository root:

    python benchmarks/suite_time.py --label after
    python benchmarks/suite_time.py --label before --junit report.xml --wall 1543

It runs pytest exactly as the README's test command does, with a JUnit report
(or reads a report and the wall-clock seconds of a run made before), sums the
seconds of the tests in each part of the suite and lists the slowest test
files. With `-n 2` two workers run at once, so the parts add up to about twice
the wall-clock time. The table of each `--label` is a section of
`benchmarks/results/suite_time.md`; sections with other labels are kept, so a
change's before and after stand side by side.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from collections import defaultdict
from pathlib import Path

from timing import RESULTS_DIR, cpu_description, write_table

ROOT = Path(__file__).resolve().parents[1]
TABLE = RESULTS_DIR / "suite_time.md"
#: (part, how to recognise its tests by JUnit classname and test name), first match wins.
PARTS = [
    # nbval's run of a notebook is also its seed-offset check (course_tools/nbval_run.py).
    ("nbval: chapters", lambda cls, name: cls.startswith("notebooks.")),
    ("nbval: solutions", lambda cls, name: cls.startswith("solutions.")),
    (
        "grader: corpus and batches",
        lambda cls, name: (
            cls.startswith("tests.course_tools.grading.")
            or cls.startswith("tests.course_tools.test_assignments")
        ),
    ),
    ("exercise notebooks", lambda cls, name: cls == "tests.test_assignments"),
    ("unit tests", lambda cls, name: True),
]
SLOWEST = 12


def run_suite(report: Path) -> float:
    """Run the README's test command with a JUnit report; return its wall-clock seconds."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", f"--junitxml={report}"],
        cwd=ROOT,
        env={**os.environ, "PYTHONHASHSEED": "0"},
        check=False,
    )
    return time.perf_counter() - started


def section(label: str, report: Path, wall: float) -> list[str]:
    """The Markdown section for one run: parts, outcome counts and the slowest files."""
    root = ElementTree.parse(report).getroot()
    seconds: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    by_file: dict[str, float] = defaultdict(float)
    outcomes: dict[str, int] = defaultdict(int)
    for case in root.iter("testcase"):
        cls, name = case.get("classname", ""), case.get("name", "")
        part = next(part for part, matches in PARTS if matches(cls, name))
        took = float(case.get("time", 0))
        seconds[part] += took
        counts[part] += 1
        by_file[re.sub(r"\.Test\w+$", "", cls)] += took
        outcome = next((child.tag for child in case if child.tag != "system-out"), "passed")
        outcomes[
            {"skipped": "skipped", "failure": "failed", "error": "errors"}.get(outcome, outcome)
        ] += 1
    lines = [
        f"## {label}",
        "",
        f"Machine: {cpu_description()}, Python {platform.python_version()}; "
        f"measured {time.strftime('%Y-%m-%d')}.",
        f"Wall-clock: {wall:.0f} s for {sum(counts.values())} tests ("
        + ", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items()))
        + ").",
        "",
        "| part | tests | test seconds (both workers) | share |",
        "|---|---|---|---|",
    ]
    total = sum(seconds.values())
    for part, _ in PARTS:
        lines.append(
            f"| {part} | {counts[part]} | {seconds[part]:.0f} | {seconds[part] / total:.0%} |"
        )
    lines += [f"| all | {sum(counts.values())} | {total:.0f} | 100% |", ""]
    lines += ["Slowest test files (test seconds):", ""]
    for name, took in sorted(by_file.items(), key=lambda item: -item[1])[:SLOWEST]:
        lines.append(f"- {name}: {took:.0f}")
    return [*lines, ""]


def merged(label: str, new: list[str]) -> list[str]:
    """The results file with the section `label` replaced (or added), others kept."""
    text = TABLE.read_text() if TABLE.exists() else ""
    sections = re.split(r"(?m)^(?=## )", text)
    kept = [s.rstrip("\n").splitlines() for s in sections[1:] if not s.startswith(f"## {label}\n")]
    title = ["# Test-suite time by part (README test command, `-n 2`)", ""]
    return title + [line for block in kept for line in [*block, ""]] + new


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", default="latest", help="the section's title")
    parser.add_argument("--junit", type=Path, help="summarise this report instead of running")
    parser.add_argument("--wall", type=float, help="with --junit: the run's wall-clock seconds")
    args = parser.parse_args()
    if args.junit:
        write_table(TABLE.name, merged(args.label, section(args.label, args.junit, args.wall)))
        return
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "junit.xml"
        wall = run_suite(report)
        write_table(TABLE.name, merged(args.label, section(args.label, report, wall)))


if __name__ == "__main__":
    main()
