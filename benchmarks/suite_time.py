"""Where the test suite's time goes: run the README's test command once and split it.

Run on demand from the repository root (`python benchmarks/suite_time.py`): it runs
pytest exactly as the README's test command does, with a JUnit report, and sums
the seconds of the tests in each part of the suite. With `-n 2` two workers
run at once, so the parts add up to about twice the wall-clock time.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from collections import defaultdict
from pathlib import Path

from timing import write_table

ROOT = Path(__file__).resolve().parents[1]
#: (part, how to recognise its tests by JUnit classname and test name), first match wins.
PARTS = [
    # nbval's run of a notebook is also its seed-offset check (course_tools/nbval_run.py).
    ("nbval: chapters", lambda cls, name: cls.startswith("notebooks.")),
    ("nbval: solutions", lambda cls, name: cls.startswith("solutions.")),
    (
        "grader: corpus and batches",
        lambda cls, name: cls.startswith("tests.course_tools.grading."),
    ),
    ("exercise notebooks", lambda cls, name: cls == "tests.test_assignments"),
    ("unit tests", lambda cls, name: True),
]


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def has_avx512() -> bool:
    return " avx512f" in Path("/proc/cpuinfo").read_text()


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "junit.xml"
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "pytest", "-q", f"--junitxml={report}"],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": "0"},
            check=False,
        )
        wall = time.perf_counter() - started
        cases = ElementTree.parse(report).getroot().iter("testcase")
        seconds: dict[str, float] = defaultdict(float)
        counts: dict[str, int] = defaultdict(int)
        for case in cases:
            cls, name = case.get("classname", ""), case.get("name", "")
            part = next(part for part, matches in PARTS if matches(cls, name))
            seconds[part] += float(case.get("time", 0))
            counts[part] += 1
    lines = [
        "# Test-suite time by part (README test command, `-n 2`)",
        "",
        f"Machine: {cpu_model()} (AVX-512: {'yes' if has_avx512() else 'no'}), "
        f"{os.cpu_count()} cores, Python {platform.python_version()}.",
        f"Wall-clock: {wall:.0f} s for {sum(counts.values())} tests.",
        "",
        "| part | tests | test seconds (both workers) | share |",
        "|---|---|---|---|",
    ]
    total = sum(seconds.values())
    for part, _ in PARTS:
        lines.append(
            f"| {part} | {counts[part]} | {seconds[part]:.0f} | {seconds[part] / total:.0%} |"
        )
    lines.append(f"| all | {sum(counts.values())} | {total:.0f} | 100% |")
    write_table("suite_time.md", lines)


if __name__ == "__main__":
    main()
