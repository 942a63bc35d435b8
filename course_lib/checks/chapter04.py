"""Public cases of chapter 04's exercises ("Regularisation").

References are Keras's regularisers and its `EarlyStopping` callback driven
epoch by epoch or in a real fit, or small literal values; never a copy of
the solution. The experiment's bands come from the course's runs over seeds.
"""

from __future__ import annotations

import numpy as np

from course_lib.checks import harness
from course_lib.checks.cases import Case, Exercise, in_band
from course_lib.checks.values import compare_values


def _verify_penalty(result, args) -> str | None:
    import keras

    weights, l1, l2 = args
    expected = float(keras.regularizers.L1L2(l1=l1, l2=l2)(weights.astype("float32")))
    return compare_values(result, expected, rtol=1e-5, atol=1e-6)


L1_L2_PENALTY = Exercise(
    id="l1_l2_penalty",
    forbid=("keras.regularizers.L1L2", "keras.regularizers.L1", "keras.regularizers.L2"),
    hint="Both penalties add up over every weight of the array, whatever its shape.",
    public_cases=(
        Case(
            "literal",
            lambda: (np.array([1.0, -2.0]), 0.5, 0.25),
            lambda result, args: compare_values(result, 0.5 * 3 + 0.25 * 5),
        ),
        Case(
            "same as keras.regularizers.L1L2 on a kernel",
            lambda: (np.random.default_rng(1).normal(size=(4, 3)), 0.01, 0.1),
            _verify_penalty,
        ),
        Case(
            "pure L2 on a 3-D kernel",
            lambda: (np.random.default_rng(2).normal(size=(2, 2, 5)), 0.0, 0.3),
            _verify_penalty,
        ),
    ),
)


def _verify_dropout(result, args) -> str | None:
    x, uniform, rate = args
    result = np.asarray(result, dtype="float64") if result is not None else None
    if result is None or result.shape != x.shape:
        return f"expected an array of shape {x.shape}"
    dropped = uniform < rate
    if np.any(result[dropped] != 0):
        return "values whose draw is below `rate` must be zero"
    return compare_values(result[~dropped], x[~dropped] / (1 - rate), rtol=1e-6)


INVERTED_DROPOUT = Exercise(
    id="inverted_dropout",
    forbid=("keras.layers.Dropout", "keras.random.dropout", "tensorflow.nn.dropout"),
    hint="Drop each value with probability rate, and scale what is kept so that each unit's "
    "expected value stays what it was.",
    public_cases=(
        Case(
            "literal",
            lambda: (np.array([1.0, 2.0, 3.0, 4.0]), np.array([0.1, 0.9, 0.4, 0.6]), 0.5),
            lambda result, args: compare_values(result, [0.0, 4.0, 0.0, 8.0]),
        ),
        Case(
            "a 2-D batch, rate 0.3",
            lambda: (
                np.random.default_rng(3).normal(size=(5, 6)),
                np.random.default_rng(4).uniform(size=(5, 6)),
                0.3,
            ),
            _verify_dropout,
        ),
        Case(
            "rate 0 changes nothing",
            lambda: (np.arange(6.0), np.random.default_rng(5).uniform(size=6), 0.0),
            _verify_dropout,
        ),
    ),
)


def _keras_early_stopping(val_losses: list[float], patience: int) -> tuple[int, int]:
    """Drive keras.callbacks.EarlyStopping by hand; return (stop epoch, best epoch), 1-based."""
    import keras

    class Recorder(keras.Model):
        pass

    callback = keras.callbacks.EarlyStopping(
        monitor="val_loss", patience=patience, restore_best_weights=False
    )
    model = Recorder()
    model.stop_training = False
    callback.set_model(model)
    callback.on_train_begin()
    stop = len(val_losses)
    for epoch, loss in enumerate(val_losses):
        callback.on_epoch_end(epoch, {"val_loss": loss})
        if model.stop_training:
            stop = epoch + 1
            break
    best = int(np.argmin(val_losses[:stop])) + 1
    return stop, best


def _verify_early_stopping(result, args) -> str | None:
    return compare_values(result, _keras_early_stopping(*args), rtol=0, atol=0)


EARLY_STOPPING_EPOCHS = Exercise(
    id="early_stopping_epochs",
    hint="Keep the best loss so far and the number of epochs since it improved; when does that"
    " count reach patience? Epochs are numbered from 1.",
    public_cases=(
        Case(
            "literal: improves, then 2 bad epochs",
            lambda: ([1.0, 0.8, 0.9, 0.95, 0.7], 2),
            lambda result, args: compare_values(result, (4, 2), rtol=0, atol=0),
        ),
        Case(
            "same as keras EarlyStopping, patience 3",
            lambda: ([1.0, 0.7, 0.72, 0.69, 0.75, 0.8, 0.81, 0.6], 3),
            _verify_early_stopping,
        ),
        Case("never stops early", lambda: ([5.0, 4.0, 3.0, 2.0], 1), _verify_early_stopping),
    ),
)


def _verify_mixup(result, args) -> str | None:
    x1, x2, y1, y2, lam = args
    return compare_values(result, (lam * x1 + (1 - lam) * x2, lam * y1 + (1 - lam) * y2))


MIXUP = Exercise(
    id="mixup",
    hint="One mixing weight for the pair, applied in the same way to the inputs and to the labels.",
    public_cases=(
        Case(
            "literal",
            lambda: (
                np.array([0.0, 2.0]),
                np.array([4.0, 0.0]),
                np.array([1.0, 0.0]),
                np.array([0.0, 1.0]),
                0.75,
            ),
            lambda result, args: compare_values(result, ([1.0, 1.5], [0.75, 0.25])),
        ),
        Case(
            "images",
            lambda: (np.ones((8, 8)), np.zeros((8, 8)), np.eye(3)[0], np.eye(3)[2], 0.3),
            _verify_mixup,
        ),
        Case(
            "lam 1 returns the first example",
            lambda: (np.arange(4.0), np.arange(4.0)[::-1], np.eye(2)[0], np.eye(2)[1], 1.0),
            _verify_mixup,
        ),
    ),
)


def _keras_early_stopping_callback(patience):
    import keras

    return keras.callbacks.EarlyStopping(
        monitor="val_loss", patience=patience, restore_best_weights=True
    )


def _same_as_keras_early_stopping(result, args) -> str | None:
    expected = harness.early_stopping_training(_keras_early_stopping_callback, *args)
    return compare_values(result, expected, rtol=1e-4, atol=1e-5)


BEST_WEIGHTS_EARLY_STOPPING = Exercise(
    id="BestWeightsEarlyStopping",
    forbid=("keras.callbacks.EarlyStopping",),
    hint="Watch val_loss at the end of every epoch; keep the best value, a copy of the weights"
    " at that moment and a count of epochs without improvement; stop through the model, "
    "and put the best weights back when training ends.",
    public_cases=(
        Case(
            "patience 2, same as keras EarlyStopping(restore_best_weights=True)",
            lambda: (2, 0),
            _same_as_keras_early_stopping,
        ),
        Case("patience 5", lambda: (5, 1), _same_as_keras_early_stopping),
    ),
    harness=harness.early_stopping_training,
)

KERNEL_NORM = Exercise(
    id="kernel_norm",
    hint="build, compile and fit exactly as described, then take np.linalg.norm of the first "
    "layer's kernel as a NumPy array.",
    public_cases=(
        # Bands: the course's runs over 6 seeds, widened by 0.6.
        Case("no penalty", lambda: (0.0, 7), in_band(14.4, 16.7)),
        Case("L2 at 3e-3", lambda: (3e-3, 8), in_band(5.5, 7.4)),
    ),
)

EXERCISES = (
    L1_L2_PENALTY,
    INVERTED_DROPOUT,
    EARLY_STOPPING_EPOCHS,
    MIXUP,
    BEST_WEIGHTS_EARLY_STOPPING,
    KERNEL_NORM,
)
