"""Layers written from scratch to show their mechanism.

`BatchNorm` is introduced in chapter 03 ("Batch normalisation");
`InvertedDropout`, `MCDropout` and `Cutout` in chapter 04 ("Regularisation").
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


@keras.saving.register_keras_serializable(package="course_lib")
class InvertedDropout(keras.layers.Layer):
    """Dropout as Keras does it: "inverted", scaled at training time.

    In training, each value is zeroed with probability `rate` and the
    survivors are multiplied by 1 / (1 - rate), so the expected output equals
    the input; at inference the layer does nothing. (Classic dropout instead
    leaves training values unscaled and multiplies by the keep probability
    1 - rate at inference: the same expectation, with the work at the other
    end.) Matches `keras.layers.Dropout` in expectation and at inference.

    Args:
        rate: probability of dropping each value, in [0, 1).
        seed: seed of the dropout masks.

    Example:
        >>> import numpy as np
        >>> layer = InvertedDropout(0.5, seed=0)
        >>> sorted(set(np.asarray(layer(np.ones((1, 8)), training=True)).ravel().tolist()))
        [0.0, 2.0]
    """

    def __init__(self, rate: float, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        if not 0.0 <= rate < 1.0:
            raise ValueError(f"rate must be in [0, 1), got {rate}")
        self.rate, self.seed = float(rate), seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def _drop(self, inputs):
        keep = keras.random.uniform(ops.shape(inputs), seed=self.seed_generator) >= self.rate
        return ops.where(keep, inputs / (1.0 - self.rate), ops.zeros_like(inputs))

    def call(self, inputs, training=None):
        if training and self.rate > 0:
            return self._drop(inputs)
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}


@keras.saving.register_keras_serializable(package="course_lib")
class MCDropout(InvertedDropout):
    """Dropout that stays on at inference, for Monte-Carlo dropout (Gal & Ghahramani, 2016).

    Each prediction then samples a different thinned network; the spread of
    many predictions estimates the model's uncertainty
    (`course_lib.uncertainty.predict_with_uncertainty`).
    """

    def call(self, inputs, training=None):
        return self._drop(inputs) if self.rate > 0 else inputs


@keras.saving.register_keras_serializable(package="course_lib")
class Cutout(keras.layers.Layer):
    """Cutout / random erasing: blank out one random square of each image in training.

    A square of side `size` (pixels), centred at a uniformly random position
    (it may stick out of the image, as in DeVries & Taylor, 2017), is set to
    `fill_value`; at inference the layer does nothing. Keras's
    `keras.layers.RandomErasing` is the built-in relative, with random
    rectangles and random fill. (torchvision has no `Cutout` transform; its
    equivalent is `RandomErasing` too.)

    Args:
        size: side of the erased square, in pixels.
        fill_value: value written into the square.
        seed: seed of the positions.

    Example:
        >>> import numpy as np
        >>> out = Cutout(size=2, seed=0)(np.ones((1, 6, 6, 1)), training=True)
        >>> int((np.asarray(out) == 0).sum()) <= 4
        True
    """

    def __init__(self, size: int, fill_value: float = 0.0, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.size, self.fill_value, self.seed = int(size), float(fill_value), seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, images, training=None):
        if not training:
            return images
        batch, height, width = ops.shape(images)[0], images.shape[1], images.shape[2]
        centres = keras.random.uniform((batch, 2), seed=self.seed_generator)
        rows = ops.cast(centres[:, 0] * height, "int32")[:, None, None]
        cols = ops.cast(centres[:, 1] * width, "int32")[:, None, None]
        grid_rows = ops.arange(height)[None, :, None]
        grid_cols = ops.arange(width)[None, None, :]
        half = self.size // 2
        inside = (
            (grid_rows >= rows - half)
            & (grid_rows < rows - half + self.size)
            & (grid_cols >= cols - half)
            & (grid_cols < cols - half + self.size)
        )
        mask = ops.expand_dims(inside, -1)
        return ops.where(mask, ops.full_like(images, self.fill_value), images)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "size": self.size,
            "fill_value": self.fill_value,
            "seed": self.seed,
        }
