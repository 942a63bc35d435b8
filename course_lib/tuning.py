"""Model selection around keras-tuner: cross-validation and the optimism of a winner.

Introduced in chapter 07 ("Hyperparameter tuning"). keras-tuner searches;
these helpers answer two questions it leaves open. `cross_validate` scores
one set-up on k folds instead of one validation split, and
`CrossValidatedRandomSearch` makes a keras-tuner search do that for every
trial. `selection_optimism` measures how much the best validation score of
a search overstates the winner, by resampling the validation set: a search
picks the set-up whose score is highest, noise included, so the winner's
score is biased upwards even when every score alone is not.

Example:
    >>> import numpy as np
    >>> val_correct = np.array([[1, 1, 0, 0], [1, 0, 1, 0]])  # two models, four examples
    >>> winner, average = selection_optimism(val_correct, test_accuracy=[0.5, 0.5], resamples=200)
    >>> winner > average
    True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import keras
import keras_tuner
import numpy as np

__all__ = ["CrossValidatedRandomSearch", "cross_validate", "distinct_values", "selection_optimism"]


def cross_validate(
    build_model: Callable[[], keras.Model],
    x: np.ndarray,
    y: np.ndarray,
    folds: int = 5,
    epochs: int = 5,
    batch_size: int = 32,
    seed: int = 0,
    metric: str = "accuracy",
) -> np.ndarray:
    """One validation score per fold of a stratified k-fold split.

    Each fold trains a fresh model from `build_model()` (seeded with
    `seed + fold`) on the other folds and scores it on its own. The mean is
    the set-up's estimate, the spread says how far to trust it.
    Cross-validation replaces a single validation split; it does not
    replace the test set, which stays out of it.

    Args:
        build_model: returns a compiled model that reports `metric`.
        x, y: the training data (integer class labels); never the test set.
        folds: k.
        epochs, batch_size: passed to `fit`.
        seed: seeds the split and each fold's model.
        metric: the name `evaluate(..., return_dict=True)` gives the score.

    Example:
        >>> x = np.random.default_rng(0).normal(size=(60, 2)).astype("float32")
        >>> y = (x[:, 0] > 0).astype("int32")
        >>> def build():
        ...     model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
        ...     model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        ...                   metrics=["accuracy"])
        ...     return model
        >>> cross_validate(build, x, y, folds=3, epochs=1).shape
        (3,)
    """
    from sklearn.model_selection import StratifiedKFold

    splitter = StratifiedKFold(folds, shuffle=True, random_state=seed)
    scores = []
    for fold, (train, val) in enumerate(splitter.split(x, y)):
        keras.utils.set_random_seed(seed + fold)
        model = build_model()
        model.fit(x[train], y[train], epochs=epochs, batch_size=batch_size, verbose=0)
        scores.append(model.evaluate(x[val], y[val], verbose=0, return_dict=True)[metric])
    return np.array(scores, dtype=float)


class CrossValidatedRandomSearch(keras_tuner.RandomSearch):
    """A random search whose every trial is scored by k-fold cross-validation.

    `search(x, y, folds=..., epochs=..., batch_size=...)` calls
    `cross_validate` for each trial with the trial's model and reports the
    mean as `val_accuracy` (the objective to maximise), so `results_summary`
    and `get_best_hyperparameters` rank trials by their cross-validated
    score. No model is saved: rebuild the winner from its hyperparameters
    and train it on all the training data.
    """

    def __init__(self, hypermodel, max_trials: int, seed: int | None = None, **kwargs):
        objective = keras_tuner.Objective("val_accuracy", "max")
        super().__init__(
            hypermodel, objective=objective, max_trials=max_trials, seed=seed, **kwargs
        )

    def run_trial(
        self,
        trial,
        x,
        y,
        folds: int = 5,
        epochs: int = 5,
        batch_size: int = 32,
        verbose: int = 1,
    ):
        """Score one trial by `cross_validate`.

        `verbose` is `search`'s own (keras-tuner passes it on to every
        trial); the folds always train silently.
        """
        del verbose
        scores = cross_validate(
            lambda: self.hypermodel.build(trial.hyperparameters),
            x,
            y,
            folds=folds,
            epochs=epochs,
            batch_size=batch_size,
            seed=self.oracle.seed or 0,
        )
        return {"val_accuracy": float(scores.mean())}

    def save_model(self, trial_id, model, step=0):
        """Nothing to save: each trial trains one model per fold."""


def selection_optimism(
    val_correct: np.ndarray,
    test_accuracy: Sequence[float],
    resamples: int = 1000,
    seed: int = 0,
) -> tuple[float, float]:
    """How much a search's best validation accuracy overstates its winner.

    Resamples the validation set with replacement; on each resample the
    model with the highest validation accuracy wins, and the winner's
    validation accuracy minus its test accuracy is its optimism.

    Args:
        val_correct: `(models, validation examples)`, 1 where a model got an
            example right.
        test_accuracy: each model's accuracy on a held-out test set.
        resamples: how many validation sets to draw.
        seed: seeds the resampling.

    Returns:
        (the winner's mean optimism, the mean of validation minus test
        accuracy over all models): the first minus the second is the bias
        that selection adds.
    """
    correct = np.asarray(val_correct, dtype=float)
    test = np.asarray(test_accuracy, dtype=float)
    rng = np.random.default_rng(seed)
    winners, everyone = [], []
    for _ in range(resamples):
        sample = rng.integers(0, correct.shape[1], correct.shape[1])
        accuracy = correct[:, sample].mean(axis=1)
        best = int(np.argmax(accuracy))
        winners.append(accuracy[best] - test[best])
        everyone.append(np.mean(accuracy - test))
    return float(np.mean(winners)), float(np.mean(everyone))


def distinct_values(tuner: keras_tuner.Tuner, name: str) -> int:
    """How many different values of hyperparameter `name` a search's trials tried."""
    trials = tuner.oracle.trials.values()
    return len({trial.hyperparameters.values.get(name) for trial in trials} - {None})
