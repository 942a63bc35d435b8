"""Public cases for this assignment's `check` calls: handed to students with the notebook.

`course build` copies this file into `release/`, beside the student notebook,
whose first cells register it with `use_cases("public_cases")`. The grader
copies it beside every submission too, because `HARNESS` in `grading.py`
names a function here. Everything in this file is public: the hidden probes,
tolerances and points live in `grading.py`, which students never get.

Each `Exercise` has an id (the name of the function or class the student
writes), a hint (the idea, never the answer) and public cases. A `Case` makes
its inputs and verifies the result, against a Keras built-in where one exists
(`compare_values`), or against a band measured from the solution over seeds
(`in_band`).
"""

from __future__ import annotations

import numpy as np

from course_lib.checks.cases import Case, Exercise, in_band
from course_lib.checks.values import compare_values


def _builtin_cross_entropy(logits: np.ndarray, labels: np.ndarray) -> float:
    import keras

    losses = keras.losses.sparse_categorical_crossentropy(labels, logits, from_logits=True)
    return float(keras.ops.convert_to_numpy(keras.ops.mean(losses)))


def _verify_cross_entropy(result, args) -> str | None:
    return compare_values(result, _builtin_cross_entropy(*args), rtol=1e-5, atol=1e-6)


def train_with_layer(layer_class, units: int, steps: int, seed: int) -> tuple:
    """Use `layer_class(units)` for real: train a small regression network with it.

    The layer is rebuilt from its own config (as saving or cloning a model
    does) and built on 4 input features. Every weight of the network (the
    layer's kernel and bias, in that order, then a `Dense(1)` head's) is set
    from `seed`, so the result does not depend on how the layer initialises
    them; the network is then trained with SGD for `steps` full-batch steps.
    Returns (losses, kernel, bias) of the layer after training. The grader
    runs the same function on a submission's class and on the solution's.
    """
    import keras

    keras.utils.set_random_seed(seed)
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(64, 4)).astype("float32")
    y = (np.sin(x[:, :1]) + x[:, 1:2] * x[:, 2:3]).astype("float32")
    layer = layer_class(units)
    layer = type(layer).from_config(layer.get_config())
    layer.build((None, 4))  # a build error inside a model would be swallowed by Keras
    model = keras.Sequential(
        [keras.Input((4,)), layer, keras.layers.Activation("relu"), keras.layers.Dense(1)]
    )
    for weight in model.weights:
        weight.assign(rng.normal(0.0, 0.5, weight.shape).astype("float32"))
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    losses = [float(model.train_on_batch(x, y)) for _ in range(steps)]
    kernel, bias = (keras.ops.convert_to_numpy(weight) for weight in layer.weights)
    return np.array(losses), kernel, bias


def _verify_like_dense(result, args) -> str | None:
    import keras

    return compare_values(result, train_with_layer(keras.layers.Dense, *args), 1e-4, 1e-6)


EXERCISES = (
    Exercise(
        id="cross_entropy",
        hint="np.exp overflows for large logits, but the softmax of a row does not change "
        "when the same number is subtracted from all of its logits: which number keeps every "
        "exponent at or below zero? Then work with log-probabilities, not probabilities.",
        public_cases=(
            Case(
                "three classes, two examples",
                lambda: (np.array([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0]]), np.array([0, 1])),
                _verify_cross_entropy,
            ),
            Case(
                "logits in the thousands (exp would overflow)",
                lambda: (
                    np.array([[1000.0, 0.0, -1000.0], [-500.0, 500.0, 0.0]]),
                    np.array([2, 1]),
                ),
                _verify_cross_entropy,
            ),
        ),
    ),
    Exercise(
        id="MyDense",
        hint="weights belong in build(), where the size of the input's last axis is known; "
        "the harness sets them in the order keras.layers.Dense creates them; get_config() "
        "must hold everything __init__ needs to make the same layer again.",
        public_cases=(
            Case(
                "2 units, 3 steps, against keras.layers.Dense",
                lambda: (2, 3, 0),
                _verify_like_dense,
            ),
            Case(
                "5 units, 4 steps, against keras.layers.Dense",
                lambda: (5, 4, 1),
                _verify_like_dense,
            ),
        ),
        harness=train_with_layer,
    ),
    Exercise(
        id="final_loss",
        hint="seed before you build the model, so that its first weights depend on the seed "
        "only; fit() returns a History whose .history['loss'] holds one value per epoch.",
        public_cases=(
            # Bands: the solution's final losses over seeds 0-7 were 0.159-0.188 at a
            # learning rate of 0.01 and 0.036-0.070 at 0.3 (2-core x86-64 CPU), widened
            # by 0.02. Measure again when you change the experiment.
            Case("learning rate 0.01", lambda: (0.01, 5), in_band(0.14, 0.21)),
            Case("learning rate 0.3", lambda: (0.3, 6), in_band(0.015, 0.09)),
        ),
    ),
)
