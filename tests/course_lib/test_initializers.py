import keras
import numpy as np
import pytest

from course_lib import initializers

PAIRS = [
    (initializers.GlorotUniform, keras.initializers.GlorotUniform, 2.0, "fan_avg"),
    (initializers.GlorotNormal, keras.initializers.GlorotNormal, 2.0, "fan_avg"),
    (initializers.HeUniform, keras.initializers.HeUniform, 2.0, "fan_in"),
    (initializers.HeNormal, keras.initializers.HeNormal, 2.0, "fan_in"),
    (initializers.LecunNormal, keras.initializers.LecunNormal, 1.0, "fan_in"),
]
SHAPES = [(400, 300), (1000, 50), (3, 3, 32, 64), (5, 5, 8, 16)]


def formula_variance(shape, numerator, fan):
    fan_in, fan_out = initializers.compute_fans(shape)
    return numerator / (fan_in if fan == "fan_in" else fan_in + fan_out)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize(
    ("ours", "theirs", "numerator", "fan"), PAIRS, ids=[p[0].__name__ for p in PAIRS]
)
def test_sample_variance_matches_formula_and_keras(ours, theirs, numerator, fan, shape):
    expected = formula_variance(shape, numerator, fan)
    mine = keras.ops.convert_to_numpy(ours(seed=1)(shape))
    builtin = keras.ops.convert_to_numpy(theirs(seed=1)(shape))
    assert mine.shape == shape
    assert abs(mine.mean()) < 0.05 * np.sqrt(expected)
    assert np.var(mine) == pytest.approx(expected, rel=0.05)
    assert np.var(mine) == pytest.approx(np.var(builtin), rel=0.06)


@pytest.mark.parametrize("ours", [initializers.GlorotUniform, initializers.HeUniform])
def test_uniform_variants_respect_their_limit(ours):
    shape = (200, 100)
    fan_in, fan_out = initializers.compute_fans(shape)
    limit = (
        np.sqrt(6 / (fan_in + fan_out))
        if ours is initializers.GlorotUniform
        else np.sqrt(6 / fan_in)
    )
    weights = keras.ops.convert_to_numpy(ours(seed=0)(shape))
    assert weights.max() <= limit and weights.min() >= -limit
    assert weights.max() > 0.99 * limit


def test_normal_variants_are_truncated_at_two_standard_deviations():
    shape = (500, 500)
    weights = keras.ops.convert_to_numpy(initializers.HeNormal(seed=0)(shape))
    stddev = np.sqrt(2 / 500) / initializers.TRUNCATED_NORMAL_STD_CORRECTION
    assert np.abs(weights).max() <= 2 * stddev + 1e-6


def test_compute_fans_matches_keras_conventions():
    assert initializers.compute_fans((10, 20)) == (10, 20)
    assert initializers.compute_fans((3, 3, 16, 32)) == (144, 288)
    assert initializers.compute_fans((7,)) == (7, 7)
    assert initializers.compute_fans(()) == (1, 1)


def test_seed_makes_draws_repeat_and_config_round_trips():
    first = initializers.HeUniform(seed=5)
    clone = initializers.HeUniform.from_config(first.get_config())
    np.testing.assert_array_equal(first((4, 4)), clone((4, 4)))
    assert not np.array_equal(first((4, 4)), initializers.HeUniform(seed=6)((4, 4)))


@pytest.mark.parametrize("initializer", [p[0] for p in PAIRS], ids=lambda c: c.__name__)
def test_model_with_initializer_saves_and_loads(initializer, tmp_path):
    model = keras.Sequential(
        [keras.Input((6,)), keras.layers.Dense(4, kernel_initializer=initializer(seed=3))]
    )
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert type(loaded.layers[0].kernel_initializer) is initializer
    np.testing.assert_array_equal(model.get_weights()[0], loaded.get_weights()[0])
