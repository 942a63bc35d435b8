"""Training step time: course_lib.layers.BatchNorm vs keras.layers.BatchNormalization.

    python benchmarks/batchnorm.py [--repeats 9] [--steps 300]

Same model otherwise (Dense 256 -> BN -> ReLU, three times, then Dense 10),
same data, batch 128; runs alternate between the two layers, and the ratio
reported is the median over repeats of (course_lib run / the Keras run just
before it), which cancels slow drift in the machine's speed. Uses the GPU when
TensorFlow sees one, else the CPU; also with XLA (`jit_compile=True`).
Writes benchmarks/results/batchnorm.md.
"""

from __future__ import annotations

import argparse
import statistics

from timing import machine, paired_ratio, paired_timings, seconds_per_step, write_table

import course_lib


def build(layer_class, jit_compile: bool):
    import keras

    keras.utils.set_random_seed(0)
    layers = [keras.Input((256,))]
    for _ in range(3):
        layers += [keras.layers.Dense(256, use_bias=False), layer_class(), keras.layers.ReLU()]
    model = keras.Sequential([*layers, keras.layers.Dense(10)])
    model.compile(
        optimizer="sgd",
        jit_compile=jit_compile,
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    return model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--steps", type=int, default=300)
    args = parser.parse_args()
    # Keras refuses XLA while op determinism is on (it falls back silently, with a
    # warning), so a speed benchmark runs without it.
    env = course_lib.setup(deterministic=False, verbose=False)
    import keras
    import numpy as np

    from course_lib.layers import BatchNorm

    batch_size = 128
    rng = np.random.default_rng(0)
    x = rng.normal(size=(batch_size * args.steps, 256)).astype("float32")
    y = rng.integers(0, 10, batch_size * args.steps)
    rows = []
    for jit_compile in (False, True):

        def measure(layer, jit_compile=jit_compile):
            model = build(layer, jit_compile)
            assert model.jit_compile == jit_compile, "XLA was not used"
            return seconds_per_step(model, x, y, args.steps, batch_size)

        timings = paired_timings(
            {
                "keras": lambda: measure(keras.layers.BatchNormalization),
                "course_lib": lambda: measure(BatchNorm),
            },
            args.repeats,
        )
        ours = statistics.median(timings["course_lib"])
        theirs = statistics.median(timings["keras"])
        ratio = paired_ratio(timings["course_lib"], timings["keras"])
        rows.append(
            f"| {'XLA' if jit_compile else 'no XLA'} | {theirs * 1e3:.3f} ms | "
            f"{ours * 1e3:.3f} ms | {ratio:.2f}x |"
        )
    write_table(
        "batchnorm.md",
        [
            "# BatchNorm training step: course_lib vs Keras",
            "",
            f"{machine(env)}; batch {batch_size}, 3 x (Dense 256 -> BN -> ReLU); "
            f"median of {args.repeats} alternating runs of {args.steps} steps; "
            "op determinism off (Keras disables XLA under it). Target: at most 1.10x.",
            "",
            "| compilation | keras BatchNormalization | course_lib BatchNorm | paired ratio |",
            "|---|---|---|---|",
            *rows,
        ],
    )


if __name__ == "__main__":
    main()
