"""Monte Carlo dropout predictions: a spread where dropout stays on, none where it does not."""

import keras
import numpy as np

import course_lib
from course_lib.layers import MCDropout


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
