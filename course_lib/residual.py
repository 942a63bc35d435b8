"""Residual blocks, dense and convolutional, and deep stacks of them or of plain layers.

Introduced in chapter 11 ("Architectures"). A residual block computes
`activation(x + F(x))`, where the branch `F` is two layers (Dense or Conv2D),
each followed by batch normalisation, with the activation between them
(He et al., 2016). The identity path carries the signal and its gradient
through any depth unchanged; the branch only has to learn a correction.

Example:
    >>> import numpy as np
    >>> block = ResidualBlock(8)
    >>> tuple(block(np.ones((2, 8), "float32")).shape)
    (2, 8)
    >>> tuple(ResidualBlock(16, kernel_size=3)(np.ones((1, 5, 5, 4), "float32")).shape)  # projected
    (1, 5, 5, 16)
"""

from __future__ import annotations

import keras


@keras.saving.register_keras_serializable(package="course_lib")
class ResidualBlock(keras.layers.Layer):
    """`activation(shortcut(x) + F(x))` with F = layer, BN, activation, layer, BN.

    Dense when `kernel_size` is None, Conv2D ("same" padding) otherwise. The
    shortcut is the identity when the input already has `units` features
    (channels); otherwise a Dense or 1x1 Conv2D without bias projects it
    ("option B" of He et al., 2016). Layers before batch normalisation have no
    bias (BN's β takes its place) and He-normal kernels.

    Args:
        units: output features (Dense) or channels (Conv2D).
        kernel_size: None for a dense block; the convolution's size otherwise.
        batch_norm: put `BatchNormalization` after each layer of the branch.
        activation: between the two layers, and after the sum.

    Example:
        >>> import numpy as np
        >>> block = ResidualBlock(4)
        >>> x = np.random.default_rng(0).normal(size=(3, 4)).astype("float32")
        >>> _ = block(x)
        >>> for weight in block.branch[-1].weights:   # a branch that outputs zeros...
        ...     _ = weight.assign(keras.ops.zeros_like(weight))
        >>> bool(np.allclose(block(x), np.maximum(x, 0)))  # ...leaves relu(x)
        True
    """

    def __init__(
        self,
        units: int,
        kernel_size: int | None = None,
        batch_norm: bool = True,
        activation: str = "relu",
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.units = int(units)
        self.kernel_size = None if kernel_size is None else int(kernel_size)
        self.batch_norm = bool(batch_norm)
        self.activation = keras.activations.get(activation)
        self.branch = [
            self._layer(self.kernel_size),
            *self._normalisation(),
            keras.layers.Activation(activation),
            self._layer(self.kernel_size),
            *self._normalisation(),
        ]
        self.shortcut = None

    def _layer(self, kernel_size: int | None) -> keras.layers.Layer:
        options = {"use_bias": not self.batch_norm, "kernel_initializer": "he_normal"}
        if self.kernel_size is None:
            return keras.layers.Dense(self.units, **options)
        return keras.layers.Conv2D(self.units, kernel_size, padding="same", **options)

    def _normalisation(self) -> list[keras.layers.Layer]:
        return [keras.layers.BatchNormalization()] if self.batch_norm else []

    def build(self, input_shape):
        if input_shape[-1] != self.units:
            if self.kernel_size is None:
                self.shortcut = keras.layers.Dense(self.units, use_bias=False)
            else:
                self.shortcut = keras.layers.Conv2D(self.units, 1, use_bias=False)
            self.shortcut.build(input_shape)
        shape = input_shape
        for layer in self.branch:
            layer.build(shape)
            shape = layer.compute_output_shape(shape)

    def call(self, inputs, training=None):
        residual = inputs
        for layer in self.branch:
            residual = layer(residual, training=training)
        shortcut = inputs if self.shortcut is None else self.shortcut(inputs)
        return self.activation(shortcut + residual)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "units": self.units,
            "kernel_size": self.kernel_size,
            "batch_norm": self.batch_norm,
            "activation": keras.activations.serialize(self.activation),
        }


def kernel_layers(model: keras.Model) -> list[keras.layers.Layer]:
    """The Dense and Conv2D layers of `model` in order, those inside residual branches included.

    Shortcut projections are left out: they are not part of the network's
    depth. For `training.layer_gradient_norms`, layer by layer through depth.

    Example:
        >>> len(kernel_layers(deep_dense_network(64, 10, blocks=3)))  # stem, 6, output
        8
    """
    found = []
    for layer in model.layers:
        inner = layer.branch if isinstance(layer, ResidualBlock) else [layer]
        found += [sub for sub in inner if isinstance(sub, keras.layers.Dense | keras.layers.Conv2D)]
    return found


def deep_dense_network(
    inputs: int,
    classes: int,
    blocks: int,
    width: int = 32,
    residual: bool = True,
    batch_norm: bool = True,
    name: str | None = None,
) -> keras.Sequential:
    """A classifier with `blocks` two-layer blocks of `width` units, residual or plain.

    The plain network is the residual one without its shortcuts: the same
    layers (Dense, BN, ReLU, Dense, BN, ReLU per block) in the same order, so
    the two differ only in the skip connections. A Dense stem brings the
    inputs to `width`; a softmax layer gives `classes` probabilities.

    Args:
        inputs: input features.
        classes: output classes.
        blocks: two-layer blocks; the network has 2 * blocks + 2 Dense layers.
        width: units of every hidden layer.
        residual: add the skip connections.
        batch_norm: batch normalisation after each hidden layer of a block.
        name: the model's name.

    Example:
        >>> model = deep_dense_network(64, 10, blocks=3)
        >>> len([layer for layer in model.layers if isinstance(layer, ResidualBlock)])
        3
    """
    layers: list[keras.layers.Layer] = [
        keras.Input((inputs,)),
        keras.layers.Dense(width, activation="relu", kernel_initializer="he_normal"),
    ]
    for _ in range(blocks):
        if residual:
            layers.append(ResidualBlock(width, batch_norm=batch_norm))
            continue
        for _ in range(2):
            layers.append(
                keras.layers.Dense(width, use_bias=not batch_norm, kernel_initializer="he_normal")
            )
            if batch_norm:
                layers.append(keras.layers.BatchNormalization())
            layers.append(keras.layers.Activation("relu"))
    layers.append(keras.layers.Dense(classes, activation="softmax"))
    return keras.Sequential(layers, name=name)
