"""Public cases of chapter 08's exercises ("Callbacks, checkpoints and monitoring").

References are crashes and resumes measured with `course_lib.interruption`,
`course_lib.monitoring.Throughput` given the same step times, losses
computed batch by batch beside `train_on_batch`, or small literal values;
never a copy of the solution. The experiment's bands come from the course's
runs over seeds.
"""

from __future__ import annotations

import numpy as np

from course_lib.checks import harness
from course_lib.checks.cases import Case, Exercise, in_band
from course_lib.checks.values import compare_values

RESUME_AFTER_CRASH = Exercise(
    id="resume_after_crash",
    hint="find the last backup at or before the crash. Epoch backups are written when an epoch "
    "ends, so only the epochs finished before the crashing step count. Step backups are written "
    "every save_freq steps, counted across epochs. A resumed fit starts the epoch that the "
    "backup was written in (or the next one, for an epoch backup) from its first step, on the "
    "backed-up weights and step count.",
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
    hint="the steady step time is the median of every step but the first (np.median). The "
    "compile time is the first step minus that median, and the throughput is batch_size "
    "divided by it.",
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
    hint="logs['loss'] at on_train_batch_end is the mean over the epoch's batches so far. With "
    "m_k that mean after batch k (counting from 1), batch k's own loss is k * m_k - (k - 1) * "
    "m_(k-1). Keep the previous mean in an attribute, and set it back to 0 in on_epoch_begin.",
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

EXERCISES = (RESUME_AFTER_CRASH, STEADY_THROUGHPUT, BATCH_LOSSES, BEST_CHECKPOINT_LOSS)
