import keras
import numpy as np
import pytest

from course_lib import tuning


def data(rows=90):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(rows, 4)).astype("float32")
    return x, (x[:, 0] + 0.5 * x[:, 1] > 0).astype("int32")


def build(units=4):
    model = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(units, activation="relu"), keras.layers.Dense(2)]
    )
    model.compile(
        keras.optimizers.Adam(0.05),
        keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model


def test_cross_validate_scores_every_fold_reproducibly():
    x, y = data()
    first = tuning.cross_validate(build, x, y, folds=3, epochs=3, seed=1)
    again = tuning.cross_validate(build, x, y, folds=3, epochs=3, seed=1)
    assert first.shape == (3,) and np.all((first >= 0) & (first <= 1))
    np.testing.assert_array_equal(first, again)
    assert first.mean() > 0.7  # an easy linear problem


def test_cross_validate_holds_every_example_out_exactly_once(monkeypatch):
    x, y = data()
    held_out = []
    original = keras.Model.evaluate

    def recording(self, x_val, *args, **kwargs):
        held_out.extend(map(tuple, x_val))
        return original(self, x_val, *args, **kwargs)

    monkeypatch.setattr(keras.Model, "evaluate", recording)
    tuning.cross_validate(build, x, y, folds=3, epochs=1)
    assert sorted(held_out) == sorted(map(tuple, x))


def test_cross_validated_search_ranks_trials_by_their_mean_fold_score(tmp_path, capsys):
    x, y = data()

    def hypermodel(hp):
        return build(hp.Choice("units", [1, 8]))

    tuner = tuning.CrossValidatedRandomSearch(
        hypermodel, max_trials=2, seed=3, directory=tmp_path, project_name="cv", overwrite=True
    )
    tuner.search(x, y, folds=3, epochs=2, verbose=0)
    assert "Trial" not in capsys.readouterr().out  # search's verbose reaches the tuner
    trials = tuner.oracle.get_best_trials(2)
    assert tuning.distinct_values(tuner, "units") == 2
    for trial in trials:
        units = trial.hyperparameters.get("units")
        expected = tuning.cross_validate(lambda u=units: build(u), x, y, folds=3, epochs=2, seed=3)
        assert trial.score == pytest.approx(expected.mean())
    assert trials[0].score >= trials[1].score


def test_selection_optimism_is_zero_for_one_model_and_grows_with_the_number_of_equals():
    rng = np.random.default_rng(0)
    # Equally good models (each example right with probability 0.8), 100 validation examples.
    correct = rng.random((20, 100)) < 0.8
    one_winner, one_average = tuning.selection_optimism(correct[:1], [0.8], resamples=300)
    assert one_winner == pytest.approx(one_average)
    winner, average = tuning.selection_optimism(correct, [0.8] * 20, resamples=300)
    # The best of 20 noisy scores of equal models overstates by about 1.9 standard errors (0.075).
    assert winner - average > 0.05 and abs(average) < 0.02
