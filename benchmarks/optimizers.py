"""Training step time: each course_lib optimizer vs its Keras built-in.

    python benchmarks/optimizers.py [--repeats 7] [--steps 200]

The same network (784 -> 256 -> 256 -> 10, ReLU) on the same random data,
batch 128, trained once with the from-scratch optimizer and once with the
built-in, alternately; the ratio reported is the median over repeats of
(course_lib run / the Keras run just before it), which cancels slow drift in
the machine's speed. Single runs are noisy (1.24x, then 1.05x, was seen for
the same pair), hence the medians. Writes benchmarks/results/optimizers.md.
"""

from __future__ import annotations

import argparse
import statistics

from timing import machine, paired_ratio, paired_timings, seconds_per_step, write_table

import course_lib

#: (label, course_lib class name, keyword arguments); the Keras class has the same name.
CASES = [
    ("SGD, Nesterov momentum", "SGD", {"learning_rate": 0.01, "momentum": 0.9, "nesterov": True}),
    ("Adagrad", "Adagrad", {"learning_rate": 0.01}),
    ("RMSprop, centred", "RMSprop", {"learning_rate": 0.001, "centered": True}),
    ("Adam", "Adam", {"learning_rate": 0.001}),
    ("AdamW", "AdamW", {"learning_rate": 0.001, "weight_decay": 0.004}),
]


def build(optimizer):
    import keras

    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((784,)),
            keras.layers.Dense(256, activation="relu"),
            keras.layers.Dense(256, activation="relu"),
            keras.layers.Dense(10),
        ]
    )
    model.compile(
        optimizer=optimizer,
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    return model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--steps", type=int, default=200)
    args = parser.parse_args()
    env = course_lib.setup(deterministic=False, verbose=False)
    import keras
    import numpy as np

    from course_lib import optimizers

    batch_size = 128
    rng = np.random.default_rng(0)
    x = rng.normal(size=(batch_size * args.steps, 784)).astype("float32")
    y = rng.integers(0, 10, batch_size * args.steps)
    rows = []
    for label, name, kwargs in CASES:

        def measure(module, name=name, kwargs=kwargs):
            model = build(getattr(module, name)(**kwargs))
            return seconds_per_step(model, x, y, args.steps, batch_size)

        timings = paired_timings(
            {
                "keras": lambda measure=measure: measure(keras.optimizers),
                "course_lib": lambda measure=measure: measure(optimizers),
            },
            args.repeats,
        )
        ratio = paired_ratio(timings["course_lib"], timings["keras"])
        rows.append(
            f"| {label} | {statistics.median(timings['keras']) * 1e3:.3f} ms | "
            f"{statistics.median(timings['course_lib']) * 1e3:.3f} ms | {ratio:.2f}x |"
        )
    write_table(
        "optimizers.md",
        [
            "# Optimizer training step: course_lib vs Keras",
            "",
            f"{machine(env)}; batch {batch_size}, MLP 784-256-256-10; "
            f"median of {args.repeats} alternating runs of {args.steps} steps. "
            "Target: at most 1.10x.",
            "",
            "| optimizer | keras | course_lib | paired ratio |",
            "|---|---|---|---|",
            *rows,
        ],
    )


if __name__ == "__main__":
    main()
