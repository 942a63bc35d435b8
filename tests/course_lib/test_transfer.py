"""course_lib.transfer: frozen BatchNormalization runs in inference mode under fit; drift."""

import keras
import numpy as np
import pytest

from course_lib import transfer


def _nested_model():
    base = keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(8, use_bias=False),
            keras.layers.BatchNormalization(),
            keras.layers.Activation("relu"),
            keras.layers.Dense(8, use_bias=False),
            keras.layers.BatchNormalization(),
        ]
    )
    return base, keras.Sequential([base, keras.layers.Dense(2)])


def test_batch_norm_layers_are_found_inside_nested_models():
    base, model = _nested_model()
    assert transfer.batch_norm_layers(model) == [base.layers[1], base.layers[4]]


def test_frozen_batch_norm_keeps_its_statistics_under_fit_while_the_rest_trains():
    keras.utils.set_random_seed(0)
    base, model = _nested_model()
    base.trainable = True
    assert transfer.freeze_batch_norm(model) == 2
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    before = model.get_weights()
    x = np.random.default_rng(0).normal(3.0, 2.0, (32, 4)).astype("float32")
    model.fit(x, np.zeros((32, 2)), epochs=2, batch_size=8, verbose=0)
    drift = transfer.weight_drift(before, model.get_weights())
    frozen = {id(w) for layer in transfer.batch_norm_layers(model) for w in layer.weights}
    moved = {id(w): d for w, d in zip(model.weights, drift, strict=True)}
    assert all(moved[key] == 0.0 for key in frozen)
    assert all(moved[id(w)] > 0 for w in model.trainable_weights)


def test_unfrozen_batch_norm_moves_its_statistics():
    _, model = _nested_model()
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    layer = transfer.batch_norm_layers(model)[0]
    x = np.random.default_rng(1).normal(3.0, 2.0, (32, 4)).astype("float32")
    model.fit(x, np.zeros((32, 2)), epochs=1, batch_size=8, verbose=0)
    assert np.abs(np.asarray(layer.moving_mean)).max() > 0.01


def test_weight_drift_is_relative_and_measures_fresh_zeros_against_one():
    drift = transfer.weight_drift(
        [np.full((2, 2), 2.0), np.zeros(3)], [np.full((2, 2), 3.0), np.full(3, 0.5)]
    )
    np.testing.assert_allclose(drift, [0.5, np.sqrt(3 * 0.25)])
    with pytest.raises(ValueError, match="2 tensors before, 1 after"):
        transfer.weight_drift([np.ones(2), np.ones(2)], [np.ones(2)])
