"""Public cases of chapter 03's exercises ("Batch normalisation").

References are `keras.layers.BatchNormalization` and
`keras.layers.LayerNormalization` run on the same inputs and weights, or
small literal values; never a copy of the solution. The experiment's bands
come from the course's runs over seeds.
"""

from __future__ import annotations

import numpy as np

from course_lib.checks import harness
from course_lib.checks.cases import Case, Exercise, in_band
from course_lib.checks.values import compare_values


def _batch(seed: int, rows: int, features: int) -> np.ndarray:
    return np.random.default_rng(seed).normal(2.0, 3.0, (rows, features)).astype("float32")


def _keras_batch_norm(x, gamma, beta, epsilon, moving=None, training=True):
    import keras

    layer = keras.layers.BatchNormalization(epsilon=epsilon)
    layer.build(x.shape)
    mean, variance = moving if moving is not None else (np.zeros_like(gamma), np.ones_like(gamma))
    layer.set_weights([gamma, beta, mean, variance])
    return keras.ops.convert_to_numpy(layer(x, training=training))


def _verify_train(result, args) -> str | None:
    return compare_values(result, _keras_batch_norm(*args), rtol=1e-4, atol=1e-4)


def _train_args(seed: int, rows: int, features: int, epsilon: float) -> tuple:
    rng = np.random.default_rng(seed + 100)
    gamma = rng.uniform(0.5, 2.0, features).astype("float32")
    beta = rng.normal(0, 1, features).astype("float32")
    return _batch(seed, rows, features), gamma, beta, epsilon


BATCH_NORM_TRAIN = Exercise(
    id="batch_norm_train",
    forbid=("keras.layers.BatchNormalization", "tensorflow.nn.batch_normalization"),
    hint="Normalise each feature with the batch's own statistics (the biased variance, as "
    "Keras does), then scale and shift. Epsilon goes with the variance.",
    public_cases=(
        Case(
            "two columns, literal",
            lambda: (np.array([[1.0, 10.0], [3.0, 30.0]]), np.ones(2), np.zeros(2), 0.0),
            lambda result, args: compare_values(result, [[-1.0, -1.0], [1.0, 1.0]]),
        ),
        Case(
            "same as keras BatchNormalization(training=True)",
            lambda: _train_args(1, 16, 4, 1e-3),
            _verify_train,
        ),
        Case(
            "epsilon matters with tiny variance",
            lambda: (
                np.full((4, 2), 1.0, "float32")
                + np.array([[0.0], [0.01], [0.0], [0.01]], "float32"),
                np.ones(2, "float32"),
                np.zeros(2, "float32"),
                1e-3,
            ),
            _verify_train,
        ),
    ),
)


UPDATE_MOVING_AVERAGE = Exercise(
    id="update_moving_average",
    hint="An exponential moving average: momentum says how much of the old value stays.",
    public_cases=(
        Case(
            "momentum 0.9",
            lambda: (np.array([0.0, 1.0]), np.array([10.0, 3.0]), 0.9),
            lambda result, args: compare_values(result, [1.0, 1.2]),
        ),
        Case(
            "momentum 0 takes the batch value",
            lambda: (np.array([5.0]), np.array([2.0]), 0.0),
            lambda result, args: compare_values(result, [2.0]),
        ),
        Case(
            "momentum 0.99",
            lambda: (np.array([1.0, 1.0, 1.0]), np.array([2.0, 0.0, 1.0]), 0.99),
            lambda result, args: compare_values(result, [1.01, 0.99, 1.0]),
        ),
    ),
)


def _verify_inference(result, args) -> str | None:
    x, moving_mean, moving_variance, gamma, beta, epsilon = args
    expected = _keras_batch_norm(
        x, gamma, beta, epsilon, (moving_mean, moving_variance), training=False
    )
    return compare_values(result, expected, rtol=1e-4, atol=1e-4)


def _inference_args(seed: int) -> tuple:
    rng = np.random.default_rng(seed)
    features = 5
    return (
        _batch(seed, 3, features),
        rng.normal(2, 1, features).astype("float32"),
        rng.uniform(1, 9, features).astype("float32"),
        rng.uniform(0.5, 2, features).astype("float32"),
        rng.normal(0, 1, features).astype("float32"),
        1e-3,
    )


BATCH_NORM_INFERENCE = Exercise(
    id="batch_norm_inference",
    forbid=("keras.layers.BatchNormalization", "tensorflow.nn.batch_normalization"),
    hint="At inference the batch's own statistics are not used: which ones are, and where did "
    "they come from?",
    public_cases=(
        Case(
            "one example, literal",
            lambda: (
                np.array([[3.0]]),
                np.array([1.0]),
                np.array([4.0]),
                np.array([2.0]),
                np.array([0.5]),
                0.0,
            ),
            lambda result, args: compare_values(result, [[2.5]]),
        ),
        Case(
            "same as keras BatchNormalization(training=False)",
            lambda: _inference_args(2),
            _verify_inference,
        ),
        Case(
            "a batch of one still works",
            lambda: tuple(a[:1] if i == 0 else a for i, a in enumerate(_inference_args(3))),
            _verify_inference,
        ),
    ),
)


def _verify_layer_norm(result, args) -> str | None:
    import keras

    x, epsilon = args
    layer = keras.layers.LayerNormalization(epsilon=epsilon, center=False, scale=False)
    expected = keras.ops.convert_to_numpy(layer(x))
    return compare_values(result, expected, rtol=1e-4, atol=1e-4)


LAYER_NORM = Exercise(
    id="layer_norm",
    forbid=("keras.layers.LayerNormalization",),
    hint="Batch normalisation over the other axis: each example normalised by its own features.",
    public_cases=(
        Case(
            "one row, literal",
            lambda: (np.array([[1.0, 3.0]]), 0.0),
            lambda result, args: compare_values(result, [[-1.0, 1.0]]),
        ),
        Case(
            "same as keras LayerNormalization",
            lambda: (_batch(4, 6, 8), 1e-3),
            _verify_layer_norm,
        ),
        Case("rows are independent", lambda: (_batch(5, 1, 5), 1e-3), _verify_layer_norm),
    ),
)


def _same_as_keras_layer_norm(result, args) -> str | None:
    import keras

    expected = harness.normalization_training(keras.layers.LayerNormalization, *args)
    return compare_values(result, expected, rtol=1e-4, atol=1e-5)


LAYER_NORM_LAYER = Exercise(
    id="LayerNorm",
    forbid=("keras.layers.LayerNormalization",),
    hint="One gamma and one beta per feature of the last axis, created in build; call "
    "normalises over the last axis with keras.ops; get_config must return epsilon too.",
    public_cases=(
        Case(
            "epsilon 1e-3, trained in a small model, same as keras.layers.LayerNormalization",
            lambda: (1e-3, 0),
            _same_as_keras_layer_norm,
        ),
        Case(
            "epsilon 0.5 (it must reach the formula and the config)",
            lambda: (0.5, 1),
            _same_as_keras_layer_norm,
        ),
    ),
    harness=harness.normalization_training,
)

MOVING_MEAN_PROGRESS = Exercise(
    id="moving_mean_progress",
    hint="read the moving mean before and after `fit` with np.asarray(layer.moving_mean); the "
    "target is the mean of the Dense layer's outputs on x after training.",
    public_cases=(
        # Bands: the course's runs over 6 seeds, widened by 0.01.
        Case("BN trainable, 3 epochs", lambda: (False, 3, 7), in_band(0.20, 0.225)),
        Case("BN frozen with trainable = False, 3 epochs", lambda: (True, 3, 8), in_band(0.0, 0.0)),
    ),
)

EXERCISES = (
    BATCH_NORM_TRAIN,
    UPDATE_MOVING_AVERAGE,
    BATCH_NORM_INFERENCE,
    LAYER_NORM,
    LAYER_NORM_LAYER,
    MOVING_MEAN_PROGRESS,
)
