"""course_lib.ensembles: voting rules, diversity, bootstrap, stacking and snapshots."""

import keras
import numpy as np
import pytest

from course_lib import ensembles, schedules


def _probabilities(seed, members=4, examples=50, classes=3):
    logits = np.random.default_rng(seed).normal(size=(members, examples, classes))
    return np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)


def test_average_is_the_mean_and_agrees_with_the_vote_of_identical_members():
    p = _probabilities(0, members=1)
    copies = np.repeat(p, 3, axis=0)
    np.testing.assert_allclose(ensembles.average(copies), p[0])
    np.testing.assert_array_equal(ensembles.majority_vote(copies), p[0].argmax(axis=1))
    assert ensembles.disagreement(copies) == 0.0


def test_majority_vote_counts_votes_not_confidence():
    p = np.array([[[0.51, 0.49]], [[0.51, 0.49]], [[0.0, 1.0]]])
    assert ensembles.majority_vote(p).tolist() == [0]  # two votes beat one confident one
    assert ensembles.average(p).argmax(axis=1).tolist() == [1]


def test_disagreement_averages_over_pairs():
    p = np.eye(2)[np.array([[0, 0, 0, 0], [0, 0, 1, 1], [1, 1, 1, 1]])]
    # pairs: (0, 1) differ on 2 of 4, (0, 2) on 4, (1, 2) on 2
    assert ensembles.disagreement(p) == pytest.approx((0.5 + 1.0 + 0.5) / 3)
    assert ensembles.disagreement(p[:1]) == 0.0


def test_bootstrap_draws_with_replacement_and_is_seeded():
    indices = ensembles.bootstrap(1000, seed=3)
    assert indices.shape == (1000,) and indices.min() >= 0 and indices.max() < 1000
    assert 0.60 < len(np.unique(indices)) / 1000 < 0.67
    np.testing.assert_array_equal(indices, ensembles.bootstrap(1000, seed=3))


def test_stacker_learns_to_trust_the_member_that_is_right():
    rng = np.random.default_rng(4)
    y = rng.integers(0, 3, 300)
    right = np.eye(3)[y] * 0.8 + 0.1
    noise = _probabilities(5, members=2, examples=300)
    probabilities = np.stack([noise[0], right, noise[1]])
    meta = ensembles.fit_stacker(probabilities, y, steps=300, seed=0)
    stacked = np.asarray(meta(ensembles.stack_features(probabilities))).argmax(axis=1)
    assert ensembles.stack_features(probabilities).shape == (300, 9)
    assert np.mean(stacked == y) > 0.95 > np.mean(ensembles.majority_vote(probabilities) == y)


def test_snapshots_are_the_weights_at_each_cycle_end_and_restore_the_model():
    rng = np.random.default_rng(6)
    x, y = rng.normal(size=(64, 4)).astype("float32"), rng.integers(0, 2, 64)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(
        optimizer=keras.optimizers.SGD(schedules.CyclicalLR(0.01, 0.5, step_size=5)),
        loss="sparse_categorical_crossentropy",
    )
    snapshots = ensembles.train_snapshots(model, x, y, cycles=3, steps_per_cycle=10)
    assert len(snapshots) == 3 and int(model.optimizer.iterations) == 30
    np.testing.assert_array_equal(snapshots[-1][0], model.get_weights()[0])
    assert not np.array_equal(snapshots[0][0], snapshots[1][0])
    model.set_weights(snapshots[0])
    p = ensembles.snapshot_probabilities(model, snapshots, x)
    assert p.shape == (3, 64, 2)
    np.testing.assert_array_equal(model.get_weights()[0], snapshots[0][0])
    np.testing.assert_allclose(p[0], ensembles.member_probabilities([model], x)[0])
