"""Public cases of chapter 08's exercises ("Callbacks, checkpoints and monitoring").

References are crashes and resumes measured with `course_lib.interruption`,
`course_lib.monitoring.Throughput` given the same step times, losses
computed batch by batch beside `train_on_batch`, small literal values, or
(for the diagnosis) literal curves of a clear shape; never a copy of the
solution. The experiment's bands come from the course's
runs over seeds.
"""

from __future__ import annotations

import numpy as np

from course_lib.checks import harness
from course_lib.checks.cases import Case, Exercise, in_band
from course_lib.checks.values import compare_values

RESUME_AFTER_CRASH = Exercise(
    id="resume_after_crash",
    hint="Ask when each kind of backup is written, and what BackupAndRestore restores: the "
    "epoch to start again, the weights and the step count. Section 7's table is the "
    "worked case.",
    public_cases=(
        # Each measured with course_lib.interruption: killed, then resumed on the same folder.
        Case(
            "measured: epoch backups, killed at step 100 of 4 x 40",
            lambda: (100, "epoch", 40, 4),
            lambda result, args: compare_values(tuple(result), (2, 160), rtol=0, atol=0),
        ),
        Case(
            "measured: a backup every 30 steps",
            lambda: (100, 30, 40, 4),
            lambda result, args: compare_values(tuple(result), (2, 170), rtol=0, atol=0),
        ),
        Case(
            "measured: a backup every 40 steps, written in each epoch's last step",
            lambda: (100, 40, 40, 4),
            lambda result, args: compare_values(tuple(result), (1, 200), rtol=0, atol=0),
        ),
        Case(
            "measured: killed before the first backup",
            lambda: (20, 30, 40, 4),
            lambda result, args: compare_values(tuple(result), (0, 160), rtol=0, atol=0),
        ),
    ),
)


def _same_as_throughput(result, args) -> str | None:
    from course_lib.monitoring import Throughput

    step_seconds, batch_size = args
    timer = Throughput(batch_size)
    timer.step_seconds = list(step_seconds)
    return compare_values(tuple(result), (timer.compile_seconds(), timer.examples_per_second()))


STEADY_THROUGHPUT = Exercise(
    id="steady_throughput",
    forbid=("course_lib.monitoring.Throughput",),
    hint="The first step is unlike the others (section 5 says why), and a median is not moved "
    "by one outlier. Throughput is examples per second.",
    public_cases=(
        Case(
            "literal: one slow first step",
            lambda: ([0.5, 0.01, 0.01, 0.02], 32),
            lambda result, args: compare_values(tuple(result), (0.49, 3200.0)),
        ),
        Case(
            "same as course_lib.monitoring.Throughput on noisy times",
            lambda: ([0.8, *np.random.default_rng(9).uniform(0.001, 0.003, 50)], 128),
            _same_as_throughput,
        ),
    ),
)


def _direct_batch_losses(learning_rate, seed) -> np.ndarray:
    """Each batch's loss computed before its `train_on_batch` update, as `fit` computes it."""
    model, x, y = harness.small_regression(learning_rate, seed)
    losses = []
    for _ in range(2):
        for start in range(0, len(x), 8):
            x_batch, y_batch = x[start : start + 8], y[start : start + 8]
            losses.append(float(model.compute_loss(x=x_batch, y=y_batch, y_pred=model(x_batch))))
            model.train_on_batch(x_batch, y_batch)
    return np.array(losses)


def _same_as_direct_losses(result, args) -> str | None:
    return compare_values(result, _direct_batch_losses(*args), rtol=1e-4, atol=1e-6)


BATCH_LOSSES = Exercise(
    id="BatchLosses",
    hint="In Keras 3, logs['loss'] at a batch's end is not that batch's loss (section 5). Two "
    "consecutive values of it determine the batch's own: keep what you need between "
    "calls, and reset it when an epoch starts.",
    public_cases=(
        Case(
            "16 batches, SGD at 0.05, against losses computed batch by batch",
            lambda: (0.05, 0),
            _same_as_direct_losses,
        ),
        Case("a rate that moves the weights fast", lambda: (0.1, 1), _same_as_direct_losses),
    ),
    harness=harness.batch_loss_training,
)

BEST_CHECKPOINT_LOSS = Exercise(
    id="best_checkpoint_loss",
    hint="follow the recipe exactly: seed Keras with seed, then load the digits and draw the "
    "wrong labels with seed 0, in that order. Give ModelCheckpoint a path ending in "
    ".keras inside tempfile.mkdtemp(), and evaluate the model that keras.saving.load_model "
    "reads back from it.",
    public_cases=(
        # Bands: the course's runs over 14 seeds, widened by 0.03.
        Case("clean labels", lambda: (0.0, 41), in_band(0.078, 0.170)),
        Case("40 % wrong labels", lambda: (0.4, 42), in_band(0.686, 0.815)),
    ),
)


def _label(expected):
    return lambda result, args: (
        None if result == expected else f"expected {expected!r}, got {result!r}"
    )


_JUMPY = [2.3, 1.2, 0.9, 1.6, 1.1, 1.4, 1.2, 1.5]
_OVERFIT_TRAIN = [1.2, 0.6, 0.4, 0.3, 0.22, 0.16, 0.12, 0.09, 0.07, 0.05]
_OVERFIT_VAL = [1.1, 0.7, 0.55, 0.5, 0.52, 0.58, 0.65, 0.72, 0.8, 0.9]

DIAGNOSE_RUN = Exercise(
    id="diagnose_run",
    hint="Compare the curves with themselves, not with fixed loss values: how far the training "
    "loss fell from its first epoch, the largest rise from one epoch to the next, and where "
    "the validation loss was lowest against where it ends. A little noise must not change "
    "the verdict.",
    public_cases=(
        Case(
            "literal: the training loss falls, then jumps back up",
            lambda: (_JUMPY, [v + 0.1 for v in _JUMPY]),
            _label("rate too high"),
        ),
        Case(
            "literal: training falls to the end, validation turns up after epoch 4",
            lambda: (_OVERFIT_TRAIN, _OVERFIT_VAL),
            _label("overfitting"),
        ),
        Case(
            "the same run with losses 100 times larger",
            lambda: ([100 * v for v in _OVERFIT_TRAIN], [100 * v for v in _OVERFIT_VAL]),
            _label("overfitting"),
        ),
        Case(
            "literal: both still falling",
            lambda: (
                [2.0, 1.2, 0.8, 0.6, 0.45, 0.35, 0.28],
                [1.9, 1.2, 0.85, 0.65, 0.5, 0.4, 0.33],
            ),
            _label("keep training"),
        ),
    ),
)

EXERCISES = (
    RESUME_AFTER_CRASH,
    STEADY_THROUGHPUT,
    BATCH_LOSSES,
    BEST_CHECKPOINT_LOSS,
    DIAGNOSE_RUN,
)
