"""Layers written from scratch to show their mechanism.

`BatchNorm` is introduced in chapter 03 ("Batch normalisation").
"""

from __future__ import annotations

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="course_lib")
class BatchNorm(keras.layers.Layer):
    """Batch normalisation, from the algorithm of Ioffe & Szegedy (2015).

    In training mode (`training=True` and the layer trainable), each feature
    is normalised with the mean and variance of the current batch,

        y = gamma * (x - mean_batch) / sqrt(var_batch + epsilon) + beta,

    and the moving statistics are updated as exponential averages,
    `moving = momentum * moving + (1 - momentum) * batch_statistic`. In
    inference mode, and whenever the layer is frozen (`trainable=False`, as
    when fine-tuning), the moving statistics replace the batch ones, so an
    example's output no longer depends on the rest of its batch. The
    variance is the biased (population) one, as in
    `keras.layers.BatchNormalization`, which this layer matches numerically.

    Args:
        axis: the features axis (normalised separately); the others are
            averaged over.
        momentum: weight of the old value in the moving averages.
        epsilon: added to the variance to avoid dividing by zero.
        center: learn an offset `beta`.
        scale: learn a scale `gamma`.

    Example:
        >>> import numpy as np
        >>> layer = BatchNorm()
        >>> y = layer(np.array([[1.0], [3.0]], "float32"), training=True)
        >>> np.round(keras.ops.convert_to_numpy(y).ravel(), 4)  # (x - 2) / sqrt(1 + 0.001)
        array([-0.9995,  0.9995], dtype=float32)
    """

    def __init__(
        self,
        axis: int = -1,
        momentum: float = 0.99,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.axis = int(axis)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        self.supports_masking = True

    def build(self, input_shape):
        axis = self.axis % len(input_shape)
        shape = (input_shape[axis],)
        self._axis = axis
        self.gamma = (
            self.add_weight(shape=shape, initializer="ones", name="gamma", trainable=True)
            if self.scale
            else None
        )
        self.beta = (
            self.add_weight(shape=shape, initializer="zeros", name="beta", trainable=True)
            if self.center
            else None
        )
        self.moving_mean = self.add_weight(
            shape=shape, initializer="zeros", name="moving_mean", trainable=False
        )
        self.moving_variance = self.add_weight(
            shape=shape, initializer="ones", name="moving_variance", trainable=False
        )

    def call(self, inputs, training=None):
        reduce_axes = [i for i in range(len(inputs.shape)) if i != self._axis]
        broadcast = [1] * len(inputs.shape)
        broadcast[self._axis] = inputs.shape[self._axis]
        if training and self.trainable:
            mean = ops.mean(inputs, axis=reduce_axes)
            variance = ops.var(inputs, axis=reduce_axes)
            keep = self.momentum
            self.moving_mean.assign(self.moving_mean * keep + mean * (1.0 - keep))
            self.moving_variance.assign(self.moving_variance * keep + variance * (1.0 - keep))
        else:
            mean, variance = self.moving_mean, self.moving_variance
        # gamma * (x - mean) / sqrt(variance + epsilon) + beta, rearranged as
        # x * scale + offset: the per-feature factors are combined first, so the
        # (large) activation tensor is touched twice instead of four times.
        scale = ops.rsqrt(variance + self.epsilon)
        if self.gamma is not None:
            scale = scale * self.gamma
        offset = -mean * scale
        if self.beta is not None:
            offset = offset + self.beta
        return inputs * ops.reshape(scale, broadcast) + ops.reshape(offset, broadcast)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "axis": self.axis,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
        }
