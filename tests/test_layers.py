import keras
import numpy as np
import pytest
import tensorflow as tf

from course_lib.layers import BatchNorm

TOLERANCE = {"rtol": 1e-5, "atol": 1e-5}


def twins(shape, **kwargs):
    """Our BatchNorm and Keras's, built on the same shape with the same weights."""
    ours, theirs = BatchNorm(**kwargs), keras.layers.BatchNormalization(**kwargs)
    ours.build(shape)
    theirs.build(shape)
    rng = np.random.default_rng(0)
    weights = [rng.normal(1, 0.3, w.shape).astype("float32") for w in theirs.weights]
    weights[-1] = np.abs(weights[-1])  # a moving variance must be positive
    theirs.set_weights(weights)
    ours.set_weights(weights)
    return ours, theirs


@pytest.mark.parametrize(
    ("shape", "kwargs"),
    [
        ((16, 5), {}),
        ((8, 6, 6, 3), {}),
        ((8, 3, 6, 6), {"axis": 1, "momentum": 0.9}),
        ((16, 5), {"center": False, "scale": False, "epsilon": 1e-5}),
    ],
)
def test_matches_keras_in_training_and_inference_with_moving_statistics(shape, kwargs):
    ours, theirs = twins(shape, **kwargs)
    rng = np.random.default_rng(1)
    for _ in range(5):  # several updates of the moving averages
        x = rng.normal(3, 2, shape).astype("float32")
        np.testing.assert_allclose(ours(x, training=True), theirs(x, training=True), **TOLERANCE)
    for a, b in zip(ours.weights, theirs.weights, strict=True):
        np.testing.assert_allclose(a.numpy(), b.numpy(), **TOLERANCE)
    x = rng.normal(3, 2, shape).astype("float32")
    np.testing.assert_allclose(ours(x, training=False), theirs(x, training=False), **TOLERANCE)


def test_frozen_layer_runs_in_inference_mode_like_keras():
    ours, theirs = twins((16, 5))
    ours.trainable = theirs.trainable = False
    x = np.random.default_rng(2).normal(size=(16, 5)).astype("float32")
    before = ours.moving_mean.numpy().copy()
    np.testing.assert_allclose(ours(x, training=True), theirs(x, training=True), **TOLERANCE)
    np.testing.assert_array_equal(ours.moving_mean.numpy(), before)


def test_works_in_sequential_functional_tf_function_and_xla():
    x = np.random.default_rng(3).normal(size=(32, 4)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    inputs = keras.Input((4,))
    functional = keras.Model(inputs, keras.layers.Dense(1)(BatchNorm()(inputs)))
    sequential = keras.Sequential([keras.Input((4,)), BatchNorm(), keras.layers.Dense(1)])
    for model in (functional, sequential):
        for jit in (False, True):
            model.compile(optimizer="sgd", loss="mse", jit_compile=jit)
            history = model.fit(x, y, epochs=2, batch_size=8, verbose=0)
            assert np.isfinite(history.history["loss"]).all()
    layer = sequential.layers[0]
    traced = tf.function(lambda batch: layer(batch, training=True), jit_compile=True)
    assert traced(x).shape == (32, 4)


def test_saves_and_loads_with_its_moving_statistics(tmp_path):
    model = keras.Sequential(
        [keras.Input((3,)), BatchNorm(momentum=0.8, epsilon=1e-4), keras.layers.Dense(2)]
    )
    x = np.random.default_rng(4).normal(5, 2, (20, 3)).astype("float32")
    model(x, training=True)
    path = tmp_path / "bn.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    layer = loaded.layers[0]
    assert isinstance(layer, BatchNorm) and layer.momentum == 0.8 and layer.epsilon == 1e-4
    np.testing.assert_allclose(layer.moving_mean.numpy(), model.layers[0].moving_mean.numpy())
    np.testing.assert_allclose(loaded(x), model(x), rtol=1e-6)
