import keras
import numpy as np
import pytest

import course_lib
from course_lib.layers import Cutout, InvertedDropout, MCDropout


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
    keras.utils.set_random_seed(0)
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
