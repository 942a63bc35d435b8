"""Chapter 12's checks fail the plausible wrong answers, not only blanks and constants."""

import keras
import numpy as np

from course_lib.checks import evaluate


def _adaboost_without_the_multiclass_term(weights, correct, classes):
    weights = np.asarray(weights, dtype="float64")
    wrong = np.asarray(correct) == 0
    error = weights[wrong].sum()
    alpha = np.log((1.0 - error) / error)
    updated = weights * np.exp(alpha * wrong)
    return float(alpha), updated / updated.sum()


def _unnormalised_update(weights, correct, classes):
    weights = np.asarray(weights, dtype="float64")
    wrong = np.asarray(correct) == 0
    error = weights[wrong].sum()
    alpha = np.log((1.0 - error) / error) + np.log(classes - 1)
    return float(alpha), weights * np.exp(alpha * wrong)


def test_two_class_adaboost_fails_beyond_two_classes():
    report = evaluate("boosting_weights", _adaboost_without_the_multiclass_term)
    assert report.passed == 1 < report.total, report.text()


def test_weights_that_are_not_normalised_fail():
    assert evaluate("boosting_weights", _unnormalised_update).passed == 0


def _unweighted_vote(predictions, alphas, classes):
    predictions = np.asarray(predictions)
    return np.array([np.bincount(column, minlength=classes).argmax() for column in predictions.T])


def test_a_vote_that_ignores_the_alphas_fails():
    report = evaluate("weighted_vote", _unweighted_vote)
    assert report.passed == 1 < report.total, report.text()


class _OffByOne(keras.callbacks.Callback):
    """Snapshots at batch indices 0, every, 2 * every: one step too early."""

    def __init__(self, every):
        super().__init__()
        self.every, self.snapshots = every, []

    def on_train_batch_end(self, batch, logs=None):
        if batch % self.every == 0:
            self.snapshots.append(self.model.get_weights())


def test_snapshots_taken_one_step_early_fail():
    assert evaluate("SnapshotSaver", _OffByOne).passed == 0


def test_a_guessed_disagreement_fails_one_of_the_bands():
    report = evaluate("member_disagreement", lambda bootstrap, seed: 0.05)
    assert report.passed == 1 < report.total, report.text()
