"""Transfer learning: freezing batch normalisation, and how far fine-tuning moved the weights.

Introduced in chapter 10 ("Transfer learning").

In Keras 3 a `BatchNormalization` layer with `trainable = False` runs in
inference mode, even inside `fit`: it normalises with its moving statistics
and leaves them unchanged. Calling a base model with `training=False` inside
a functional model does *not* do this once the base is trainable, because
`fit` passes `training=True` down to every nested layer
(keras-team/keras#20285). `freeze_batch_norm` sets the flag on every
BatchNormalization layer of a model, nested models included; `weight_drift`
measures how far fine-tuning moved each weight tensor.

Both take effect for `fit` only after the next `compile`: Keras collects the
trainable variables when it builds its training function.

Example:
    >>> import keras
    >>> base = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3),
    ...                          keras.layers.BatchNormalization()])
    >>> model = keras.Sequential([base, keras.layers.Dense(2)])
    >>> freeze_batch_norm(model)
    1
    >>> len(model.trainable_weights), len(model.non_trainable_weights)
    (4, 4)
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np


def batch_norm_layers(model: keras.Model) -> list[keras.layers.BatchNormalization]:
    """Every `BatchNormalization` layer of `model`, nested models included, in layer order."""
    found = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            found.append(layer)
        elif hasattr(layer, "layers"):
            found += batch_norm_layers(layer)
    return found


def freeze_batch_norm(model: keras.Model) -> int:
    """Put every BatchNormalization layer of `model` in inference mode for good.

    Sets `trainable = False` on each one (nested models included), so that
    `fit` neither updates its moving statistics nor normalises with batch
    statistics, and its γ and β stay fixed. Compile the model afterwards.

    Args:
        model: a Keras model; usually a pre-trained base after `trainable = True`.

    Returns:
        The number of layers frozen.
    """
    layers = batch_norm_layers(model)
    for layer in layers:
        layer.trainable = False
    return len(layers)


def weight_drift(before: Sequence[np.ndarray], after: Sequence[np.ndarray]) -> np.ndarray:
    """Relative change of each weight tensor: ‖after − before‖ / ‖before‖.

    Args:
        before, after: weight lists as `model.get_weights()` returns them,
            tensor for tensor.

    Returns:
        One float per tensor; 0 for a tensor that did not move. A tensor that
        was all zeros before (a fresh bias) is measured against 1 instead.

    Example:
        >>> weight_drift([np.ones(4)], [np.full(4, 1.1)]).round(3)
        array([0.1])
    """
    if len(before) != len(after):
        raise ValueError(f"{len(before)} tensors before, {len(after)} after")
    drift = []
    for old, new in zip(before, after, strict=True):
        old, new = np.asarray(old, "float64"), np.asarray(new, "float64")
        scale = np.linalg.norm(old)
        drift.append(np.linalg.norm(new - old) / (scale if scale > 0 else 1.0))
    return np.array(drift)
