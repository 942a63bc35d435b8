import keras
import numpy as np
import pytest

import course_lib
from course_lib.layers import Cutout, InvertedDropout, MCDropout
from course_lib.metrics import ExpectedCalibrationError


def numpy_ece(labels, probabilities, bins=10):
    confidence = probabilities.max(1)
    correct = probabilities.argmax(1) == labels
    index = np.minimum((confidence * bins).astype(int), bins - 1)
    return sum(
        abs(correct[index == b].mean() - confidence[index == b].mean()) * (index == b).mean()
        for b in range(bins)
        if (index == b).any()
    )


def test_ece_matches_a_direct_computation_across_batches():
    rng = np.random.default_rng(0)
    probabilities = rng.dirichlet(np.ones(4) * 0.5, 500).astype("float32")
    labels = rng.integers(0, 4, 500)
    metric = ExpectedCalibrationError(bins=15)
    for part in np.array_split(np.arange(500), 7):
        metric.update_state(labels[part], probabilities[part])
    assert float(metric.result()) == pytest.approx(numpy_ece(labels, probabilities, 15), abs=1e-5)
    metric.reset_state()
    assert float(metric.result()) == 0.0


def test_ece_is_near_zero_for_a_calibrated_binary_model():
    rng = np.random.default_rng(1)
    p = rng.uniform(0, 1, 200_000)
    labels = (rng.uniform(0, 1, p.size) < p).astype(int)  # right with probability p
    metric = ExpectedCalibrationError()
    metric.update_state(labels, p.astype("float32"))
    assert float(metric.result()) < 0.01


def test_ece_accepts_one_hot_labels_and_works_in_compile():
    metric = ExpectedCalibrationError()
    metric.update_state(np.eye(3)[[0, 1]], np.array([[0.7, 0.2, 0.1], [0.6, 0.3, 0.1]]))
    # Confidences 0.7 (right) and 0.6 (wrong) fall in different bins: (0.3 + 0.6) / 2.
    assert float(metric.result()) == pytest.approx(0.45)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3, activation="softmax")])
    model.compile(
        optimizer="sgd",
        loss="sparse_categorical_crossentropy",
        metrics=[ExpectedCalibrationError()],
    )
    logs = model.evaluate(np.zeros((8, 2)), np.zeros(8), verbose=0, return_dict=True)
    assert 0.0 <= logs["ece"] <= 1.0


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


def test_mc_dropout_stays_on_and_gives_a_spread():
    x = np.ones((5, 20), "float32")
    layer = MCDropout(0.5, seed=0)
    assert not np.array_equal(layer(x, training=False), layer(x, training=False))
    model = keras.Sequential([keras.Input((20,)), MCDropout(0.5, seed=0), keras.layers.Dense(2)])
    mean, std = course_lib.predict_with_uncertainty(model, x, samples=30)
    assert mean.shape == std.shape == (5, 2) and (std > 0).all()
    plain = keras.Sequential([keras.Input((20,)), keras.layers.Dropout(0.5), keras.layers.Dense(2)])
    _, no_spread = course_lib.predict_with_uncertainty(plain, x, samples=5)
    assert (no_spread == 0).all()


def test_cutout_erases_one_square_in_training_only():
    images = np.ones((256, 12, 12, 3), "float32")
    layer = Cutout(size=4, seed=0)
    erased = np.asarray(layer(images, training=True))
    per_image = (erased == 0).all(axis=-1).sum(axis=(1, 2))
    assert per_image.max() == 16 and per_image.min() >= 4  # a 4x4 square, maybe clipped
    assert per_image.mean() > 10
    np.testing.assert_array_equal(layer(images, training=False), images)


def test_cutout_erases_about_as_much_as_keras_random_erasing_at_the_same_area():
    images = np.ones((512, 16, 16, 1), "float32")
    ours = (np.asarray(Cutout(size=4, seed=0)(images, training=True)) == 0).mean()
    theirs_layer = keras.layers.RandomErasing(
        factor=1.0, scale=(0.0625, 0.0625), fill_value=0.0, value_range=(0, 1), seed=0
    )
    theirs = (np.asarray(theirs_layer(images, training=True)) == 0).mean()
    # Both erase about 1/16 of the image (ours a bit less: squares are clipped at edges).
    assert 0.04 < ours <= 0.0625 + 1e-9 and theirs > 0.0


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
