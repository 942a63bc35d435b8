"""Monte-Carlo dropout predictions: a mean and a spread per example.

Introduced in chapter 04 ("Regularisation").

Example:
    >>> import keras, numpy as np
    >>> from course_lib.layers import MCDropout
    >>> model = keras.Sequential([keras.Input((3,)), MCDropout(0.5, seed=0), keras.layers.Dense(1)])
    >>> mean, std = predict_with_uncertainty(model, np.ones((4, 3), "float32"), samples=20)
    >>> mean.shape, std.shape, bool((std > 0).all())
    ((4, 1), (4, 1), True)
"""

from __future__ import annotations

import keras
import numpy as np


def predict_with_uncertainty(
    model: keras.Model, x: np.ndarray, samples: int = 30, batch_size: int = 256
) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation of `samples` stochastic predictions.

    The model must contain `course_lib.layers.MCDropout` layers (dropout kept
    on at inference); other layers, batch normalisation included, stay in
    inference mode. With ordinary dropout every pass would be identical.
    """
    draws = np.stack([model.predict(x, batch_size=batch_size, verbose=0) for _ in range(samples)])
    # float64: identical draws then have a spread of exactly 0, not float32 round-off.
    draws = draws.astype("float64")
    return draws.mean(axis=0), draws.std(axis=0)
