"""Self-attention time: course_lib.attention.MultiHeadAttention vs keras.layers.MultiHeadAttention.

    python benchmarks/attention.py [--repeats 9] [--calls 20]

Both layers get the same weights (ours takes Keras's through `set_weights`),
the same inputs (batch 16, model width 64, 4 heads of 16) and run inside one
traced `tf.function` each: the forward pass alone, and the forward pass with
the gradients of a scalar loss with respect to the weights. Calls alternate
between the two layers; the ratio reported is the median over repeats of
(course_lib time / the Keras time measured just before it). Keras routes
self-attention without dropout or returned scores through the fused
`keras.ops.dot_product_attention`; ours writes the softmax of the scaled
scores out with `keras.ops`. Uses the GPU when TensorFlow sees one, else the
CPU. Writes benchmarks/results/attention.md.
"""

from __future__ import annotations

import argparse
import statistics

from timing import machine, paired_ratio, paired_timings, seconds_per_call, write_table

import course_lib

BATCH, WIDTH, HEADS, KEY_DIM = 16, 64, 4, 16


def forward(layer, x):
    """A traced self-attention call of `layer` on `x`."""
    import tensorflow as tf

    return tf.function(lambda: layer(x, x))


def backward(layer, x):
    """A traced self-attention call, and the gradients of a scalar loss for the weights."""
    import tensorflow as tf

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(layer(x, x)))
        return tape.gradient(loss, layer.trainable_variables)

    return step


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--calls", type=int, default=20)
    args = parser.parse_args()
    env = course_lib.setup(deterministic=False, verbose=False)
    import keras
    import numpy as np
    import tensorflow as tf

    from course_lib.attention import MultiHeadAttention

    rows = []
    for length in (32, 128, 512):
        x = tf.constant(
            np.random.default_rng(0).normal(size=(BATCH, length, WIDTH)).astype("float32")
        )
        theirs = keras.layers.MultiHeadAttention(HEADS, KEY_DIM)
        ours = MultiHeadAttention(HEADS, KEY_DIM)
        theirs(x, x), ours(x, x)
        ours.set_weights(theirs.get_weights())
        difference = float(np.abs(np.asarray(ours(x, x)) - np.asarray(theirs(x, x))).max())

        for pass_name, make in (("forward", forward), ("forward + gradients", backward)):
            functions = {"keras": make(theirs, x), "course_lib": make(ours, x)}
            timings = paired_timings(
                {
                    name: lambda function=function: seconds_per_call(function, args.calls)
                    for name, function in functions.items()
                },
                args.repeats,
            )
            rows.append(
                f"| {length} | {pass_name} | {statistics.median(timings['keras']) * 1e3:.3f} ms | "
                f"{statistics.median(timings['course_lib']) * 1e3:.3f} ms | "
                f"{paired_ratio(timings['course_lib'], timings['keras']):.2f}x | "
                f"{difference:.1e} |"
            )
    write_table(
        "attention.md",
        [
            "# Self-attention: course_lib from scratch vs keras.layers.MultiHeadAttention",
            "",
            f"{machine(env)}; batch {BATCH}, width {WIDTH}, {HEADS} heads of {KEY_DIM}; "
            f"median of {args.repeats} alternating runs of {args.calls} calls of a traced "
            "`tf.function`; op determinism off. The last column is the largest difference "
            "between the two layers' outputs with the same weights.",
            "",
            "| length | pass | keras | course_lib | paired ratio | max difference |",
            "|---|---|---|---|---|---|",
            *rows,
        ],
    )


if __name__ == "__main__":
    main()
