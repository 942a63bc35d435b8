"""Ensembles of Keras classifiers: averaging, voting, bagging, stacking and snapshots.

Introduced in chapter 12 ("Ensembles"). Every function works on the members'
predicted probabilities, an array of shape `(members, examples, classes)`, so
any Keras classifier (or anything else that outputs probabilities) can be a
member; `member_probabilities` collects them from a list of models.

Example:
    >>> import numpy as np
    >>> probabilities = np.array([[[0.9, 0.1], [0.4, 0.6]],     # member 1, two examples
    ...                           [[0.6, 0.4], [0.7, 0.3]],     # member 2
    ...                           [[0.2, 0.8], [0.3, 0.7]]])    # member 3
    >>> average(probabilities).argmax(axis=1), majority_vote(probabilities)
    (array([0, 1]), array([0, 1]))
    >>> round(disagreement(probabilities), 3)  # members disagree on 2 of 3 pairs per example
    0.667
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np

from course_lib.training import fit_steps


def member_probabilities(models: Sequence[keras.Model], x: np.ndarray) -> np.ndarray:
    """Each model's class probabilities for `x`, in inference mode.

    Returns an array of shape `(members, examples, classes)`.

    Example:
        >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3)])
        >>> member_probabilities([model, model], np.zeros((4, 2))).shape
        (2, 4, 3)
    """
    return np.stack([keras.ops.convert_to_numpy(model(x, training=False)) for model in models])


def average(probabilities: np.ndarray) -> np.ndarray:
    """Soft voting: the mean of the members' probabilities, `(examples, classes)`."""
    return np.asarray(probabilities).mean(axis=0)


def majority_vote(probabilities: np.ndarray) -> np.ndarray:
    """Hard voting: the class most members predict, for each example.

    A tie goes to the tied class with the highest average probability.

    Example:
        >>> p = np.array([[[0.6, 0.4, 0.0]], [[0.0, 0.45, 0.55]]])  # one vote each for 0 and 2
        >>> majority_vote(p)   # class 0's average probability (0.3) beats class 2's (0.275)
        array([0])
    """
    probabilities = np.asarray(probabilities)
    classes = probabilities.shape[-1]
    votes = np.eye(classes)[probabilities.argmax(axis=-1)].sum(axis=0)  # (examples, classes)
    tied = votes == votes.max(axis=1, keepdims=True)
    return np.where(tied, average(probabilities), -np.inf).argmax(axis=1)


def disagreement(probabilities: np.ndarray) -> float:
    """Diversity: the share of examples on which two members predict different classes,
    averaged over every pair of members (0 when all agree)."""
    labels = np.asarray(probabilities).argmax(axis=-1)  # (members, examples)
    members = len(labels)
    if members < 2:
        return 0.0
    pairs = [np.mean(labels[i] != labels[j]) for i in range(members) for j in range(i + 1, members)]
    return float(np.mean(pairs))


def bootstrap(examples: int, seed: int = 0) -> np.ndarray:
    """Bagging's resampling: `examples` indices drawn with replacement.

    About 1 - 1/e ≈ 63 % of the examples appear at least once; the rest are
    "out of bag" for that member.

    Example:
        >>> indices = bootstrap(10_000, seed=0)
        >>> 0.62 < len(np.unique(indices)) / 10_000 < 0.65
        True
    """
    return np.random.default_rng(seed).integers(0, examples, examples)


def stack_features(probabilities: np.ndarray) -> np.ndarray:
    """The members' probabilities side by side, `(examples, members * classes)`: the
    inputs of a stacking meta-model."""
    probabilities = np.asarray(probabilities)
    return np.concatenate(list(probabilities), axis=1)


def fit_stacker(
    probabilities: np.ndarray,
    y: np.ndarray,
    steps: int = 300,
    learning_rate: float = 0.05,
    seed: int = 0,
) -> keras.Model:
    """Stacking: a softmax regression trained to combine the members' probabilities.

    Train it on predictions for examples the members did *not* train on (a
    held-out split, or out-of-fold predictions), or it learns to trust the
    member that over-fitted most.

    Args:
        probabilities: `(members, examples, classes)` on the held-out examples.
        y: their integer labels.
        steps: Adam steps of 32 examples.
        learning_rate: Adam's learning rate.
        seed: seed of the initial weights and of the shuffling.

    Returns:
        The trained meta-model; call it on `stack_features(...)` of new predictions.
    """
    features = stack_features(probabilities)
    keras.utils.set_random_seed(seed)
    meta = keras.Sequential(
        [
            keras.Input((features.shape[1],)),
            keras.layers.Dense(np.asarray(probabilities).shape[-1], activation="softmax"),
        ]
    )
    meta.compile(
        optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy"
    )
    fit_steps(meta, features, np.asarray(y), steps=steps, batch_size=32, seed=seed)
    return meta


def train_snapshots(
    model: keras.Model,
    x: np.ndarray,
    y: np.ndarray,
    cycles: int,
    steps_per_cycle: int,
    batch_size: int = 32,
    seed: int = 0,
) -> list[list[np.ndarray]]:
    """Snapshot ensembling (Huang et al., 2017): one training run, one member per cycle.

    `model` must be compiled with a cyclical learning rate whose cycle is
    `steps_per_cycle` steps long and ends at its lowest rate, such as chapter
    06's `schedules.CyclicalLR(low, high, step_size=steps_per_cycle // 2)`.
    The weights at the end of every cycle (a local minimum the high rate of
    the next cycle then leaves) are the members.

    Returns:
        One weight list (as `get_weights()` returns it) per cycle.
    """
    snapshots = []
    for cycle in range(cycles):
        fit_steps(model, x, y, steps=steps_per_cycle, batch_size=batch_size, seed=seed + cycle)
        snapshots.append(model.get_weights())
    return snapshots


def snapshot_probabilities(
    model: keras.Model, snapshots: Sequence[list[np.ndarray]], x: np.ndarray
) -> np.ndarray:
    """Probabilities of `x` under each snapshot's weights, `(members, examples, classes)`.

    Leaves `model` with its weights as they were.
    """
    current = model.get_weights()
    probabilities = []
    for weights in snapshots:
        model.set_weights(weights)
        probabilities.append(keras.ops.convert_to_numpy(model(x, training=False)))
    model.set_weights(current)
    return np.stack(probabilities)
