"""Training throughput: one device vs a strategy, float32 vs mixed precision, XLA off vs on.

    python benchmarks/throughput.py [--repeats 5] [--steps 40]

Chapter 09's measurements. An MLP (784 -> 1024 -> 1024 -> 10, ReLU) on random
data, batch 256, trained with `fit` in each set-up, the set-ups alternating
within every repeat; each cell is the median over repeats of the steady
step time (after a traced warm-up), reported as examples per second and as
a ratio to the float32, one-device, no-XLA run of the same repeat. The
strategy row mirrors over every GPU, or, without a GPU, over two logical CPU
devices that share the same cores (so it measures overhead, not a speed-up).
XLA rows set `jit_compile=True` explicitly (`"auto"` turns it off on a CPU)
and fail if Keras fell back to no XLA. On a CPU, run it with `--onednn on`
and `--onednn off`: whether mixed precision pays there depends on oneDNN and
on the CPU's bfloat16 instructions. Writes
benchmarks/results/throughput_cpu_onednn_{on,off}.md, or throughput_gpu.md on a GPU.
"""

from __future__ import annotations

import argparse
import os
import statistics

from timing import machine, paired_ratio, paired_timings, seconds_per_step, write_table

import course_lib

BATCH = 256


def set_ups(strategy, choice) -> list[tuple[str, str, bool, bool]]:
    """(label, dtype policy, XLA, strategy) for every row; the first is the baseline."""
    mixed = ["mixed_float16", "mixed_bfloat16"]
    rows = [("float32", "float32", False, False), ("float32, XLA", "float32", True, False)]
    rows += [(policy, policy, False, False) for policy in mixed]
    rows += [(f"{mixed[0]}, XLA", mixed[0], True, False)]
    devices = "logical CPUs" if choice.kind == "cpu-replicas" else "GPU(s)"
    label = f"float32, {type(strategy).__name__} over {choice.replicas} {devices}"
    rows += [(label, "float32", False, True)]
    return rows


def build(policy: str, jit_compile: bool, strategy):
    import contextlib

    import keras

    keras.mixed_precision.set_global_policy(policy)
    keras.utils.set_random_seed(0)
    scope = strategy.scope() if strategy is not None else contextlib.nullcontext()
    with scope:
        model = keras.Sequential(
            [
                keras.Input((784,)),
                keras.layers.Dense(1024, activation="relu"),
                keras.layers.Dense(1024, activation="relu"),
                keras.layers.Dense(10),
                keras.layers.Activation("linear", dtype="float32"),  # float32 logits
            ]
        )
        model.compile(
            optimizer=keras.optimizers.SGD(0.01),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            jit_compile=jit_compile,
        )
    keras.mixed_precision.set_global_policy("float32")
    if model.jit_compile != jit_compile:
        raise RuntimeError(f"asked for jit_compile={jit_compile}, Keras used {model.jit_compile}")
    return model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument(
        "--onednn",
        choices=("on", "off"),
        default="on",
        help="TensorFlow's oneDNN CPU kernels: on is its default on x86; the course's notebooks "
        "turn them off for reproducible numbers",
    )
    args = parser.parse_args()
    os.environ["TF_ENABLE_ONEDNN_OPTS"] = "1" if args.onednn == "on" else "0"  # before TF loads

    import numpy as np
    import tensorflow as tf

    from course_lib import distribute

    if not tf.config.list_physical_devices("GPU"):
        distribute.split_cpu(2)  # before anything sets up the devices, setup() included
    env = course_lib.setup(deterministic=False, verbose=False)

    strategy, choice = distribute.get_strategy()
    rng = np.random.default_rng(0)
    x = rng.normal(size=(BATCH * args.steps, 784)).astype("float32")
    y = rng.integers(0, 10, BATCH * args.steps)

    rows = set_ups(strategy, choice)
    measures = {}
    for label, policy, xla, mirrored in rows:

        def measure(policy=policy, xla=xla, mirrored=mirrored):
            model = build(policy, xla, strategy if mirrored else None)
            return seconds_per_step(model, x, y, args.steps, BATCH)

        measures[label] = measure
    timings = paired_timings(measures, args.repeats)
    baseline = timings[rows[0][0]]
    lines = [
        "# Training throughput: strategy, mixed precision, XLA",
        "",
        f"{machine(env)}; oneDNN {args.onednn}; bfloat16 instructions (AVX512_BF16 or AMX): "
        f"{'yes' if distribute.cpu_bfloat16_instructions() else 'no'}; MLP 784-1024-1024-10, "
        f"batch {BATCH}, SGD; median of {args.repeats} alternating runs of {args.steps} steps "
        "after a traced warm-up.",
        "",
        "| set-up | step time | examples/s | ratio to float32 (paired) |",
        "|---|---|---|---|",
    ]
    for label, *_ in rows:
        step = statistics.median(timings[label])
        speed_up = paired_ratio(baseline, timings[label])
        lines.append(f"| {label} | {step * 1e3:.1f} ms | {BATCH / step:,.0f} | {speed_up:.2f}x |")
    name = "throughput_gpu.md" if env.gpu_count else f"throughput_cpu_onednn_{args.onednn}.md"
    write_table(name, lines)


if __name__ == "__main__":
    main()
