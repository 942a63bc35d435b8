"""From-scratch losses and dropout against the Keras built-ins, in one run.

    python benchmarks/losses_dropout.py [--repeats 9] [--calls 100]

Each measurement is the value and the gradient with respect to the
predictions (losses) or inputs (dropout, training mode) of a large batch,
inside one `tf.function`; pairs run back to back and the ratio is the
median of the paired ratios. Target: at most 1.10x. Writes
benchmarks/results/losses_dropout.md.
"""

from __future__ import annotations

import argparse

from timing import machine, paired_ratio, paired_timings, seconds_per_call, write_table

import course_lib


def gradient_step(function, inputs):
    import tensorflow as tf

    variable = tf.Variable(inputs)

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            value = tf.reduce_sum(function(variable))
        return tape.gradient(value, variable)

    return step


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--calls", type=int, default=100)
    args = parser.parse_args()
    env = course_lib.setup(deterministic=False, verbose=False)
    import keras
    import numpy as np

    from course_lib import layers, losses

    rng = np.random.default_rng(0)
    n, classes = 16384, 10
    probabilities = rng.dirichlet(np.ones(classes), n).astype("float32")
    one_hot = np.eye(classes, dtype="float32")[rng.integers(0, classes, n)]
    binary = rng.integers(0, 2, (n, 1)).astype("float32")
    binary_probability = rng.uniform(0.01, 0.99, (n, 1)).astype("float32")
    activations = rng.normal(size=(4096, 512)).astype("float32")
    pairs = {
        "Huber": (losses.Huber(), keras.losses.Huber(), one_hot, probabilities),
        "BinaryFocalLoss": (
            losses.BinaryFocalLoss(),
            keras.losses.BinaryFocalCrossentropy(),
            binary,
            binary_probability,
        ),
        "CategoricalFocalLoss": (
            losses.CategoricalFocalLoss(),
            keras.losses.CategoricalFocalCrossentropy(),
            one_hot,
            probabilities,
        ),
        "LabelSmoothedCrossentropy": (
            losses.LabelSmoothedCrossentropy(0.1),
            keras.losses.CategoricalCrossentropy(label_smoothing=0.1),
            one_hot,
            probabilities,
        ),
    }
    rows = []
    for name, (ours, theirs, y_true, y_pred) in pairs.items():
        steps = {
            "ours": gradient_step(lambda p, f=ours, t=y_true: f(t, p), y_pred),
            "keras": gradient_step(lambda p, f=theirs, t=y_true: f(t, p), y_pred),
        }
        timings = paired_timings(
            {key: (lambda s=step: seconds_per_call(s, args.calls)) for key, step in steps.items()},
            args.repeats,
        )
        rows.append((name, timings))
    dropout = {
        "ours": layers.InvertedDropout(0.3, seed=0),
        "keras": keras.layers.Dropout(0.3, seed=0),
    }
    steps = {
        key: gradient_step(lambda x, layer=layer: layer(x, training=True), activations)
        for key, layer in dropout.items()
    }
    rows.append(
        (
            "InvertedDropout vs Dropout",
            paired_timings(
                {
                    key: (lambda s=step: seconds_per_call(s, args.calls))
                    for key, step in steps.items()
                },
                args.repeats,
            ),
        )
    )

    lines = [
        "# Losses and dropout: course_lib vs Keras (value + gradient, one tf.function)",
        "",
        f"{machine(env)}; losses on {n} x {classes}, dropout on 4096 x 512; median of "
        f"{args.repeats} paired repeats of {args.calls} calls. Target: at most 1.10x.",
        "",
        "| course_lib vs Keras | Keras per call | course_lib per call | paired ratio |",
        "|---|---|---|---|",
    ]
    for name, timings in rows:
        keras_ms = float(np.median(timings["keras"])) * 1e3
        ours_ms = float(np.median(timings["ours"])) * 1e3
        ratio = paired_ratio(timings["ours"], timings["keras"])
        lines.append(f"| {name} | {keras_ms:.3f} ms | {ours_ms:.3f} ms | {ratio:.2f}x |")
    write_table("losses_dropout.md", lines)


if __name__ == "__main__":
    main()
