"""Public cases of chapter 10's exercises ("Transfer learning").

References are Keras itself (a base model called in inference mode, and
`train_on_batch` with one optimiser where two equal rates must give the same
thing), moving statistics read off the layers directly, or small literal
values; never a copy of the solution. The experiment's bands come from the
course's runs over seeds.
"""

from __future__ import annotations

import numpy as np

from course_lib.checks import harness
from course_lib.checks.cases import Case, Exercise, in_band
from course_lib.checks.values import compare_values


def _same_as_keras_base(result, args) -> str | None:
    import keras

    blocks, x = args
    layers = [keras.Input((len(x[0]),))]
    for block in blocks:
        dense = keras.layers.Dense(len(block[1]), use_bias=False)
        norm = keras.layers.BatchNormalization()
        layers += [dense, norm, keras.layers.Activation("relu")]
    base = keras.Sequential(layers)
    for block, dense, norm in zip(blocks, layers[1::3], layers[2::3], strict=True):
        dense.set_weights([np.asarray(block[0])])
        norm.set_weights([np.asarray(value) for value in block[1:]])
    expected = keras.ops.convert_to_numpy(base(np.asarray(x, "float32"), training=False))
    return compare_values(np.asarray(result, dtype="float64"), expected, rtol=1e-4, atol=1e-5)


FROZEN_FEATURES = Exercise(
    id="frozen_features",
    hint="a frozen base runs BatchNormalization in inference mode: the moving mean and moving "
    "variance take the place of the batch's statistics, with Keras's epsilon of 0.001 added to "
    "the variance before its square root. Block by block: matrix product, normalise, scale and "
    "shift, then ReLU",
    public_cases=(
        Case(
            "literal: one block, one feature",
            lambda: (
                [([[2.0]], [1.0], [0.0], [1.0], [3.999])],
                [[2.5], [0.0]],
            ),
            lambda result, args: compare_values(
                np.asarray(result, dtype="float64"), np.array([[2.0], [0.0]]), rtol=1e-6
            ),
        ),
        Case(
            "the same as a Keras base in inference mode, one block",
            lambda: harness.dense_batch_norm_blocks(1, (4, 3)),
            _same_as_keras_base,
        ),
        Case(
            "the same as a Keras base in inference mode, two blocks",
            lambda: harness.dense_batch_norm_blocks(2, (6, 5, 3)),
            _same_as_keras_base,
        ),
    ),
)


def _same_as_train_on_batch(base_trainable: bool):
    def compare(result, args) -> str | None:
        _, head_rate, seed = args
        expected = harness.one_rate_training(base_trainable, head_rate, seed)
        return compare_values(result, expected, rtol=1e-4, atol=1e-6)

    return compare


FINE_TUNE_STEP = Exercise(
    id="fine_tune_step",
    hint="compute the loss under the tape with model(x, training=True), take the gradients "
    "with respect to model.trainable_variables, and hand each optimiser only its own share: "
    "the base is model.layers[0] and the head model.layers[1], and each has its own "
    "trainable_variables (frozen BatchNormalization weights are in neither)",
    public_cases=(
        Case(
            "equal rates: the same as train_on_batch with one SGD",
            lambda: (0.1, 0.1, 0),
            _same_as_train_on_batch(True),
        ),
        Case(
            "base rate 0: the same as a frozen base",
            lambda: (0.0, 0.2, 1),
            _same_as_train_on_batch(False),
        ),
    ),
    harness=harness.two_rate_training,
)


def _same_as_moving_means(result, args) -> str | None:
    return compare_values(result, harness.batch_norm_drift_reference(*args), rtol=1e-5, atol=1e-7)


BATCH_NORM_DRIFT = Exercise(
    id="BatchNormDrift",
    hint="copy the moving means in on_train_begin (keras.ops.convert_to_numpy makes a copy; "
    "the variable itself keeps changing), and in on_epoch_end compare the current ones with "
    "those copies. transfer.batch_norm_layers(self.model) finds the layers, nested ones "
    "included",
    public_cases=(
        Case(
            "BatchNormalization frozen: nothing moves",
            lambda: (True, 0),
            lambda result, args: compare_values(result, np.zeros(3)),
        ),
        Case("BatchNormalization trainable", lambda: (False, 1), _same_as_moving_means),
    ),
    harness=harness.batch_norm_drift_training,
)

FEW_SHOT_ACCURACY = Exercise(
    id="few_shot_accuracy",
    hint="follow the recipe exactly: seed Keras with seed first, load the digits with seed 0, "
    "pre-train on 0-4, set base.trainable = False before you compile the new model, draw the "
    "labelled examples with data.few_per_class(y_new, per_class, seed=seed) and train with "
    "training.fit_steps(..., steps=40, seed=seed)",
    public_cases=(
        # Bands: the course's runs over 10 seeds (3 per class: 0.791-0.940; 10 per class:
        # 0.881-0.963), widened by 0.05. An MLP base, Dense(64) on the pixels, gave 0.25-0.75.
        Case("3 examples per class", lambda: (3, 41), in_band(0.741, 0.990)),
        Case("10 examples per class", lambda: (10, 42), in_band(0.831, 1.0)),
    ),
)

EXERCISES = (FROZEN_FEATURES, FINE_TUNE_STEP, BATCH_NORM_DRIFT, FEW_SHOT_ACCURACY)
