import keras
import numpy as np
import pytest
import tensorflow as tf

from course_lib.layers import BatchNorm, Cutout, InvertedDropout, MCDropout

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


def test_inverted_dropout_matches_keras_in_expectation_and_at_inference():
    x = np.full((2000, 50), 3.0, "float32")
    ours, theirs = InvertedDropout(0.3, seed=1), keras.layers.Dropout(0.3, seed=1)
    dropped, keras_dropped = (
        np.asarray(ours(x, training=True)),
        np.asarray(theirs(x, training=True)),
    )
    assert set(np.unique(dropped)) == {0.0, np.float32(3.0 / 0.7)}
    assert (dropped == 0).mean() == pytest.approx(0.3, abs=0.01)
    assert dropped.mean() == pytest.approx(keras_dropped.mean(), rel=0.01)
    assert dropped.mean() == pytest.approx(3.0, rel=0.01)
    np.testing.assert_array_equal(ours(x, training=False), theirs(x, training=False))


def test_cutout_erases_one_square_in_training_only():
    images = np.ones((256, 12, 12, 3), "float32")
    layer = Cutout(size=4, seed=0)
    erased = np.asarray(layer(images, training=True))
    per_image = (erased == 0).all(axis=-1).sum(axis=(1, 2))
    assert per_image.max() == 16 and per_image.min() >= 4  # a 4x4 square, maybe clipped
    assert per_image.mean() > 10
    np.testing.assert_array_equal(layer(images, training=False), images)


def test_cutout_erases_the_area_keras_random_erasing_erases_at_the_same_scale():
    images = np.ones((512, 16, 16, 1), "float32")
    ours = (np.asarray(Cutout(size=4, seed=0)(images, training=True)) == 0).all(axis=-1)
    theirs_layer = keras.layers.RandomErasing(
        factor=1.0, scale=(0.0625, 0.0625), fill_value=0.0, value_range=(0, 1), seed=0
    )
    theirs = (np.asarray(theirs_layer(images, training=True)) == 0).all(axis=-1)
    ours_per_image, theirs_per_image = ours.sum(axis=(1, 2)), theirs.sum(axis=(1, 2))
    # Keras erases some images and leaves the others; an erased one loses 1/16 of its
    # pixels, the 4x4 square Cutout erases from every image (less where clipped at an edge).
    erased = theirs_per_image[theirs_per_image > 0]
    assert len(erased) > 0 and set(erased.tolist()) == {16}
    assert ours_per_image.max() == 16 and (ours_per_image > 0).all()


@pytest.mark.parametrize(
    "layer",
    [InvertedDropout(0.2, seed=3), MCDropout(0.4, seed=3), Cutout(3, fill_value=0.5, seed=3)],
    ids=lambda layer: type(layer).__name__,
)
def test_layers_save_and_load(layer, tmp_path):
    shape = (8, 8, 1) if isinstance(layer, Cutout) else (6,)
    model = keras.Sequential(
        [keras.Input(shape), layer, keras.layers.Flatten(), keras.layers.Dense(1)]
    )
    model.save(tmp_path / "m.keras")
    restored = keras.saving.load_model(tmp_path / "m.keras").layers[0]
    assert type(restored) is type(layer)
    assert restored.get_config() == {**layer.get_config(), "name": restored.name}
