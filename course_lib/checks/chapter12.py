"""Public cases of chapter 12's exercises ("Ensembles").

References are properties that the right answer must have (SAMME's update
leaves the last learner no better than chance under the new weights; a vote
with all the say on one member is that member), small literal values, and
Keras itself (`train_on_batch` with the weights copied by hand); never a copy
of the solution. The experiment's bands come from the course's runs over seeds.
"""

from __future__ import annotations

import numpy as np

from course_lib.checks import harness
from course_lib.checks.cases import Case, Exercise, in_band
from course_lib.checks.values import compare_values


def _random_round(seed: int, examples: int, classes: int) -> tuple:
    rng = np.random.default_rng(seed)
    weights = rng.random(examples)
    correct = (rng.random(examples) < 0.7).astype(int)
    return (weights / weights.sum()).tolist(), correct.tolist(), classes


def _chance_after_update(result, args) -> str | None:
    _, correct, classes = args
    try:
        _, weights = result
        weights = np.asarray(weights, dtype="float64")
    except (TypeError, ValueError):
        return "expected a pair (alpha, new_weights)"
    if weights.shape != (len(correct),):
        return f"new_weights has shape {weights.shape}, expected ({len(correct)},)"
    error = weights[np.asarray(correct) == 0].sum()
    return compare_values(
        [float(weights.sum()), float(error)], [1.0, (classes - 1) / classes], rtol=1e-9, atol=1e-12
    )


BOOSTING_WEIGHTS = Exercise(
    id="boosting_weights",
    hint="the weighted error is the share of the total weight on the examples it got wrong; "
    "alpha = log((1 - error) / error) + log(classes - 1); multiply only the wrong examples' "
    "weights by exp(alpha), then divide by the new total",
    public_cases=(
        Case(
            "literal: four examples, one wrong, two classes",
            lambda: ([0.25, 0.25, 0.25, 0.25], [1, 1, 1, 0], 2),
            lambda result, args: compare_values(
                result, (float(np.log(3.0)), [1 / 6, 1 / 6, 1 / 6, 1 / 2]), rtol=1e-9
            ),
        ),
        Case(
            "afterwards the learner is no better than chance: its weighted error is (K-1)/K",
            lambda: _random_round(1, 30, 10),
            _chance_after_update,
        ),
        Case(
            "the same property, three classes",
            lambda: _random_round(2, 12, 3),
            _chance_after_update,
        ),
    ),
)


def _one_member_decides(result, args) -> str | None:
    predictions, alphas, _ = args
    decider = int(np.argmax(alphas))
    return compare_values(np.asarray(result), np.asarray(predictions[decider]))


def _majority_of_three(result, args) -> str | None:
    predictions = np.asarray(args[0])
    expected = (predictions.sum(axis=0) >= 2).astype(int)  # two classes, three votes: no ties
    return compare_values(np.asarray(result), expected)


def _votes(seed: int, members: int, examples: int, classes: int, alphas) -> tuple:
    rng = np.random.default_rng(seed)
    return rng.integers(0, classes, (members, examples)).tolist(), list(alphas), classes


WEIGHTED_VOTE = Exercise(
    id="weighted_vote",
    hint="for every example, add each member's alpha to the class that member predicts, then "
    "take the class with the largest total (np.argmax picks the smallest class on a tie)",
    public_cases=(
        Case(
            "literal: the larger alpha outvotes two smaller ones",
            lambda: ([[0, 1], [1, 1], [1, 0]], [2.0, 0.5, 0.5], 2),
            lambda result, args: compare_values(np.asarray(result), np.array([0, 1])),
        ),
        Case(
            "all the say on one member: its predictions",
            lambda: _votes(1, 4, 20, 5, [0.0, 0.0, 3.0, 0.0]),
            _one_member_decides,
        ),
        Case(
            "equal alphas, two classes, three members: the majority",
            lambda: _votes(2, 3, 25, 2, [1.0, 1.0, 1.0]),
            _majority_of_three,
        ),
    ),
)


def _same_as_train_on_batch(result, args) -> str | None:
    return compare_values(result, harness.snapshot_reference(*args), rtol=1e-5, atol=1e-7)


SNAPSHOT_SAVER = Exercise(
    id="SnapshotSaver",
    hint="on_train_batch_end receives the index of the batch within the epoch, counted from 0: "
    "after batch b, b + 1 steps have run (or read self.model.optimizer.iterations). Copy the "
    "weights with self.model.get_weights(), which returns NumPy copies",
    public_cases=(
        Case("cycles of 4 steps", lambda: (4, 0), _same_as_train_on_batch),
        Case("cycles of 6 steps", lambda: (6, 1), _same_as_train_on_batch),
    ),
    harness=harness.snapshot_training,
)

MEMBER_DISAGREEMENT = Exercise(
    id="member_disagreement",
    hint="follow the recipe exactly: seed Keras with seed first, load the flat digits with "
    "seed 0 and keep the first 200 training examples; member m trains on "
    "ensembles.bootstrap(200, seed=seed + m) when bootstrap is true, on all 200 otherwise, "
    "with training.fit_steps(..., steps=200, seed=seed + m)",
    public_cases=(
        # Bands: the course's runs over 10 seeds (same data: 0.032-0.055; bootstrap samples:
        # 0.087-0.119), widened by 0.01.
        Case("members trained on the same data", lambda: (False, 41), in_band(0.022, 0.065)),
        Case("members trained on bootstrap samples", lambda: (True, 42), in_band(0.077, 0.129)),
    ),
)

EXERCISES = (BOOSTING_WEIGHTS, WEIGHTED_VOTE, SNAPSHOT_SAVER, MEMBER_DISAGREEMENT)
