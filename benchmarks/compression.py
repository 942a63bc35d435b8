"""Size, latency and accuracy of a compressed digits classifier, in one table.

    python benchmarks/compression.py [--repeats 50]

The model is chapter 13's (64 -> 256 -> 128 -> 10 logits, 600 Adam steps on
the digits). Rows: the float32 model; pruned to 90 % with 100 steps of
fine-tuning that keep the pruned weights at zero; Keras's `quantize("int8")`;
TFLite post-training int8 through `model.export`. Latency is the median of
`--repeats` calls on the 270 validation digits as one batch, after a warm-up
call (eager Keras calls in inference mode; TFLite's interpreter without the
XNNPACK delegate). Sizes are the weights' raw bytes (TFLite: the flat buffer),
plain and gzipped. Writes benchmarks/results/compression.md.
"""

from __future__ import annotations

import argparse
import tempfile
import warnings

from timing import machine, write_table

import course_lib


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=50)
    args = parser.parse_args()
    env = course_lib.setup(deterministic=False, verbose=False)
    import keras

    from course_lib import compression, data
    from course_lib.training import fit_steps

    digits = data.load_digits(flat=True, seed=0)

    def mlp():
        keras.utils.set_random_seed(0)
        model = keras.Sequential(
            [
                keras.Input((64,)),
                keras.layers.Dense(256, activation="relu"),
                keras.layers.Dense(128, activation="relu"),
                keras.layers.Dense(10),
            ]
        )
        model.compile(
            optimizer=keras.optimizers.Adam(3e-3),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        )
        return model

    model = mlp()
    fit_steps(model, *digits.train, steps=600, batch_size=32, seed=0)
    x, y = digits.val
    rows = [compression.measure("float32", model, x, y, args.repeats)]

    pruned = mlp()
    pruned.set_weights(model.get_weights())
    masks = compression.prune(pruned, 0.9)
    fit_steps(
        pruned,
        *digits.train,
        steps=100,
        batch_size=32,
        seed=1,
        callbacks=[compression.KeepPruned(masks)],
    )
    rows.append(compression.measure("pruned 90 %, fine-tuned", pruned, x, y, args.repeats))

    quantized = mlp()
    quantized.set_weights(model.get_weights())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        quantized.quantize("int8")
    rows.append(compression.measure("Keras int8", quantized, x, y, args.repeats))

    with tempfile.TemporaryDirectory() as directory:
        flat = compression.tflite_int8(model, digits.x_train[:200], directory)
    rows.append(compression.measure_tflite("TFLite int8", flat, x, y, args.repeats))
    write_table(
        "compression.md",
        [
            "# Compression: size, latency and accuracy",
            "",
            f"{machine(env)}; chapter 13's MLP on the digits; latency: median of "
            f"{args.repeats} calls on the 270 validation digits as one batch; op determinism "
            "off.",
            "",
            "| model | size KB | gzip KB | ms per batch | accuracy |",
            "|---|---|---|---|---|",
            *(
                f"| {r.name} | {r.size_kb:.1f} | {r.gzip_kb:.1f} | {r.latency_ms:.3f} | "
                f"{r.accuracy:.3f} |"
                for r in rows
            ),
        ],
    )


if __name__ == "__main__":
    main()
