"""Shared timing helpers for the benchmarks (run on demand, never in tests)."""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path

RESULTS_DIR = Path(__file__).parent / "results"


def paired_timings(
    candidates: dict[str, Callable[[], float]], repeats: int
) -> dict[str, list[float]]:
    """Run each candidate once per repeat, in the same order every time.

    Each callable returns the seconds it measured. Interleaving the
    candidates means each one's run sits next to the others', so slow drift
    in the machine's speed affects them alike.
    """
    timings: dict[str, list[float]] = {name: [] for name in candidates}
    for _ in range(repeats):
        for name, measure in candidates.items():
            timings[name].append(measure())
    return timings


def paired_ratio(ours: list[float], theirs: list[float]) -> float:
    """Median over repeats of ours / theirs, each pair measured back to back."""
    return statistics.median(a / b for a, b in zip(ours, theirs, strict=True))


def seconds_per_call(function: Callable[[], object], calls: int) -> float:
    """Average seconds per call after one warm-up call (tracing, allocation)."""
    function()
    started = time.perf_counter()
    for _ in range(calls):
        function()
    return (time.perf_counter() - started) / calls


def seconds_per_step(model, x, y, steps: int, batch_size: int) -> float:
    """Seconds per `fit` step over `steps` batches, after a 10-step fit that traces it."""
    model.fit(
        x[: batch_size * 10], y[: batch_size * 10], batch_size=batch_size, epochs=1, verbose=0
    )  # trace and warm up
    started = time.perf_counter()
    model.fit(
        x[: batch_size * steps], y[: batch_size * steps], batch_size=batch_size, epochs=1, verbose=0
    )
    return (time.perf_counter() - started) / steps


def cpu_description() -> str:
    """The CPU model, whether it has AVX-512, and the core count: a table's machine line."""
    model = platform.processor() or "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    text = cpuinfo.read_text() if cpuinfo.exists() else ""
    for line in text.splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    avx512 = "yes" if " avx512f" in text else "no"
    return f"{model} (AVX-512: {avx512}), {os.cpu_count()} cores"


def write_table(name: str, lines: list[str]) -> None:
    RESULTS_DIR.mkdir(exist_ok=True)
    text = "\n".join([*lines, ""])
    (RESULTS_DIR / name).write_text(text)
    print(text)


def machine(env) -> str:
    """The start of a table's header: device, architecture, TensorFlow and Keras versions.

    `env` is what `course_lib.setup()` returns.
    """
    device = env.accelerator if env.accelerator != "GPU" else f"GPU x{env.gpu_count}"
    return (
        f"Device: {device}; {platform.machine()}; TensorFlow {env.tensorflow_version}, "
        f"Keras {env.keras_version}"
    )
