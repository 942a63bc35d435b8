"""Public cases of chapter 06's exercises ("Learning-rate schedules").

References are Keras's own `CosineDecay`, the rate `fit` applied, a direct weighted average,
`course_lib.schedules.CyclicalLR` driving the same training, or small
literal values; never a copy of the solution. The experiment's bands come
from the course's runs over seeds.
"""

from __future__ import annotations

import numpy as np

from course_lib.checks import harness
from course_lib.checks.cases import Case, Exercise, in_band
from course_lib.checks.values import compare_values

#: float32 Keras references against float64 answers.
TOLERANCE = {"rtol": 1e-5, "atol": 1e-8}


def _keras_cosine(step, initial, decay_steps, warmup_target, warmup_steps, alpha) -> float:
    import keras

    schedule = keras.optimizers.schedules.CosineDecay(
        initial, decay_steps, alpha=alpha, warmup_target=warmup_target, warmup_steps=warmup_steps
    )
    return float(schedule(step))


def _same_as_keras_cosine(result, args) -> str | None:
    return compare_values(result, _keras_cosine(*args), **TOLERANCE)


WARMUP_COSINE = Exercise(
    id="warmup_cosine",
    forbid=("keras.optimizers.schedules.CosineDecay",),
    hint="Two phases, split at warmup_steps. Which argument is where the warm-up starts, and "
    "does decay_steps count the warm-up? Past the end the rate stays where it got to.",
    public_cases=(
        Case(
            "literal: half-way through the warm-up",
            lambda: (5, 0.0, 100, 0.1, 10, 0.0),
            lambda result, args: compare_values(result, 0.05),
        ),
        Case(
            "literal: the end of the warm-up is the peak",
            lambda: (10, 0.0, 100, 0.1, 10, 0.0),
            lambda result, args: compare_values(result, 0.1),
        ),
        Case(
            "same as keras CosineDecay half-way through the decay",
            lambda: (60, 0.01, 100, 0.1, 10, 0.0),
            _same_as_keras_cosine,
        ),
        Case(
            "same as keras CosineDecay past the end, with alpha = 0.1",
            lambda: (500, 0.0, 100, 0.2, 20, 0.1),
            _same_as_keras_cosine,
        ),
    ),
)


def _weighted_average(losses, beta) -> np.ndarray:
    """Each smoothed value as the explicit weighted average it is."""
    losses = np.asarray(losses, float)
    out = []
    for i in range(len(losses)):
        weights = (1 - beta) * beta ** np.arange(i, -1, -1)
        out.append(np.sum(weights * losses[: i + 1]) / np.sum(weights))
    return np.array(out)


def _same_as_weighted_average(result, args) -> str | None:
    return compare_values(np.asarray(result, float), _weighted_average(*args), rtol=1e-9)


SMOOTH_LOSSES = Exercise(
    id="smooth_losses",
    hint="An exponential moving average started at 0 is pulled towards 0 at first; divide out "
    "that pull, which depends on how many values the average has seen.",
    public_cases=(
        Case(
            "literal: the first value is the first loss",
            lambda: ([2.0, 4.0], 0.5),
            lambda result, args: compare_values(np.asarray(result, float), [2.0, 10 / 3]),
        ),
        Case(
            "a constant loss stays constant",
            lambda: ([1.5] * 6, 0.9),
            lambda result, args: compare_values(np.asarray(result, float), [1.5] * 6),
        ),
        Case(
            "same as the explicit weighted average",
            lambda: (list(np.random.default_rng(3).uniform(0.5, 3.0, 20)), 0.8),
            _same_as_weighted_average,
        ),
    ),
)


def _same_as_course_cyclical(result, args) -> str | None:
    from course_lib.schedules import CyclicalLR

    expected = harness.schedule_training(CyclicalLR, *args)
    return compare_values(result, expected, rtol=1e-5, atol=1e-7)


TRIANGULAR = Exercise(
    id="Triangular",
    forbid=("course_lib.schedules.CyclicalLR",),
    hint="Use keras.ops so it runs inside the compiled step: first find which cycle the step "
    "is in, then how far it lies from that cycle's middle, in units of step_size. "
    "get_config returns what __init__ takes.",
    public_cases=(
        Case(
            "its rates, its config clone's, and the weights after 60 steps of SGD",
            lambda: (0.001, 0.05, 10, 0),
            _same_as_course_cyclical,
        ),
        Case("a short cycle", lambda: (0.01, 0.1, 3, 1), _same_as_course_cyclical),
    ),
    harness=harness.schedule_training,
)

ANNEALED_TRAINING_LOSS = Exercise(
    id="annealed_training_loss",
    hint="follow the recipe exactly: seed first, then load the data with the same seed. "
    "decay_steps counts batches: 4 epochs of ceil(len(x_train) / 32) batches each.",
    public_cases=(
        # Bands: the course's runs over 8 seeds, widened by 0.03.
        Case("0.05, cosine decay", lambda: (0.05, True, 21), in_band(0.138, 0.232)),
        Case("0.2, cosine decay", lambda: (0.2, True, 22), in_band(0.029, 0.100)),
    ),
)


def _rate_of_last_update(n_examples, epochs, batch_size, initial, decay_steps, rate, staircase):
    """The learning rate `fit` applied in its last update, read from the optimiser."""
    import keras

    schedule = keras.optimizers.schedules.ExponentialDecay(
        initial, decay_steps, rate, staircase=staircase
    )
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(schedule), loss="mse")
    seen = []
    recorder = keras.callbacks.LambdaCallback(
        on_train_batch_begin=lambda batch, logs: seen.append(float(model.optimizer.learning_rate))
    )
    data = np.zeros((n_examples, 1), "float32")
    model.fit(data, data, batch_size=batch_size, epochs=epochs, verbose=0, callbacks=[recorder])
    return seen[-1]


def _same_as_fit(result, args) -> str | None:
    return compare_values(result, _rate_of_last_update(*args), **TOLERANCE)


LAST_UPDATE_RATE = Exercise(
    id="last_update_rate",
    hint="Count what fit counts: updates, not epochs, and a short last batch is an update too. "
    "The schedule is called with the number of updates done before the current one.",
    public_cases=(
        Case(
            "what fit applied: 100 examples, 2 epochs of batches of 32",
            lambda: (100, 2, 32, 0.1, 5, 0.5, False),
            _same_as_fit,
        ),
        Case(
            "what fit applied, with staircase: 50 examples, 3 epochs of 16",
            lambda: (50, 3, 16, 0.2, 4, 0.1, True),
            _same_as_fit,
        ),
    ),
)

EXERCISES = (WARMUP_COSINE, SMOOTH_LOSSES, TRIANGULAR, ANNEALED_TRAINING_LOSS, LAST_UPDATE_RATE)
