"""Public cases of chapter 07's exercises ("Hyperparameter tuning").

References are scikit-learn's `KFold`, the definition of "enough trials"
checked on both sides of the answer, the search space the exercise
specifies as keras-tuner prints it, or small literal values; never a copy of
the solution. The experiment's bands come from the course's runs over seeds.
"""

from __future__ import annotations

import math

import numpy as np

from course_lib.checks import harness
from course_lib.checks.cases import Case, Exercise, in_band
from course_lib.checks.values import compare_values


def _same_as_sklearn_kfold(result, args) -> str | None:
    from sklearn.model_selection import KFold

    n, k, fold = args
    train, val = list(KFold(k).split(np.arange(n)))[fold]
    return compare_values(result, (train, val), rtol=0, atol=0)


KFOLD_SPLIT = Exercise(
    id="kfold_split",
    forbid=("sklearn.model_selection.KFold",),
    hint="Blocks of consecutive indices. When n is not a multiple of k, which folds get the "
    "extra examples? Check that every index is validated exactly once.",
    public_cases=(
        Case(
            "literal: 6 examples, 3 folds, the middle one",
            lambda: (6, 3, 1),
            lambda result, args: compare_values(result, ([0, 1, 4, 5], [2, 3]), rtol=0, atol=0),
        ),
        Case(
            "same as sklearn KFold: 10 examples, 3 folds, the first",
            lambda: (10, 3, 0),
            _same_as_sklearn_kfold,
        ),
        Case(
            "same as sklearn KFold: 23 examples, 5 folds, the last",
            lambda: (23, 5, 4),
            _same_as_sklearn_kfold,
        ),
    ),
)


def _just_enough(result, args) -> str | None:
    top_fraction, confidence = args
    if not isinstance(result, int | np.integer):
        return f"result: expected an integer number of trials, got {type(result).__name__}"
    reached = 1 - (1 - top_fraction) ** int(result)
    short = 1 - (1 - top_fraction) ** (int(result) - 1)
    if reached < confidence:
        return f"result: {result} trials reach the top fraction only with probability {reached:.4f}"
    if short >= confidence:
        return f"result: {result - 1} trials are already enough (probability {short:.4f})"
    return None


TRIALS_NEEDED = Exercise(
    id="trials_needed",
    hint="Work with the chance that every trial misses: independent chances multiply. "
    "Logarithms turn the inequality into one you can solve for n, and n must be a whole "
    "number.",
    public_cases=(
        Case(
            "literal: the top 5 % with 95 % confidence",
            lambda: (0.05, 0.95),
            lambda result, args: compare_values(result, 59),
        ),
        Case("just enough: the top 1 % with 90 % confidence", lambda: (0.01, 0.9), _just_enough),
        Case("just enough: the top half with 99 % confidence", lambda: (0.5, 0.99), _just_enough),
    ),
)


def _specified_space() -> tuple[str, ...]:
    """The space the exercise asks for, as keras-tuner prints it."""
    import keras_tuner

    hp = keras_tuner.HyperParameters()
    hp.Int("units", 16, 128, step=16)
    hp.Float("learning_rate", 1e-4, 1e-2, sampling="log")
    hp.Choice("batch_size", [16, 32, 64])
    return tuple(str(hyperparameter) for hyperparameter in hp.space)


def _searched_as_specified(result, args) -> str | None:
    space, trials = result
    if tuple(space) != _specified_space():
        return f"the search space is {list(space)}, expected {list(_specified_space())}"
    trials = np.asarray(trials, dtype="float64")
    for units, rate, batch_size, batches, built_units, built_rate in trials:
        if built_units != units:
            return f"the model has a Dense layer of {built_units:g} units where units = {units:g}"
        if not math.isclose(built_rate, rate, rel_tol=1e-6):
            return f"the optimizer's rate is {built_rate:.6g} where learning_rate = {rate:.6g}"
        expected_batches = math.ceil(harness.HYPERMODEL_EXAMPLES / batch_size)
        if batches != expected_batches:
            return (
                f"an epoch ran {batches:g} batches where batch_size = {batch_size:g} makes "
                f"{expected_batches}: does fit pass batch_size on to model.fit?"
            )
    if len({tuple(row[:3]) for row in trials}) < 2:
        return "every trial got the same hyperparameters: are they drawn from hp?"
    return None


TUNED_MLP = Exercise(
    id="TunedMLP",
    hint="The tuner records hyperparameters by name, in the order your code asks for them, so "
    "the order is part of the answer. fit must pass on everything the tuner hands it.",
    public_cases=(
        Case("a 3-trial RandomSearch with it, seed 0", lambda: (0,), _searched_as_specified),
        Case("another seed", lambda: (5,), _searched_as_specified),
    ),
    harness=harness.hypermodel_search,
)

CROSS_VALIDATED_ACCURACY = Exercise(
    id="cross_validated_accuracy",
    hint="follow the recipe exactly: seed first, load the digits with the same seed, join the "
    "training and validation parts, and split them with StratifiedKFold(3, shuffle=True, "
    "random_state=seed). Build a fresh model inside the loop, one per fold, and average the "
    "three accuracies.",
    public_cases=(
        # Bands: the course's runs over 8 seeds, widened by 0.03.
        Case("Adam at 0.001", lambda: (0.001, 31), in_band(0.641, 0.754)),
        Case("Adam at 0.01", lambda: (0.01, 32), in_band(0.899, 0.972)),
    ),
)

EXERCISES = (KFOLD_SPLIT, TRIALS_NEEDED, TUNED_MLP, CROSS_VALIDATED_ACCURACY)
