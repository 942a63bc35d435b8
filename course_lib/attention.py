"""Attention written from scratch: scaled dot-product attention and multi-head attention.

Introduced in chapter 11 ("Architectures"), where `MultiHeadAttention` is
checked against `keras.layers.MultiHeadAttention`: it creates the same weights
in the same order and shapes, so `set_weights(keras_layer.get_weights())`
makes the two compute the same function (to float32 round-off).

Example:
    >>> import numpy as np
    >>> query = np.array([[[1.0, 0.0]]], "float32")              # (batch, 1 position, 2)
    >>> key = np.array([[[1.0, 0.0], [0.0, 1.0]]], "float32")    # 2 positions
    >>> value = np.array([[[10.0], [20.0]]], "float32")
    >>> output, weights = scaled_dot_product_attention(query, key, value)
    >>> np.round(keras.ops.convert_to_numpy(weights), 3)  # softmax([1, 0] / sqrt(2))
    array([[[0.67, 0.33]]], dtype=float32)
"""

from __future__ import annotations

import math

import keras
from keras import ops

#: What a masked score is replaced with before the softmax: its weight becomes 0.
_MASKED = -1e9


def scaled_dot_product_attention(query, key, value, mask=None, scale: float | None = None):
    """softmax(query · keyᵀ · scale) · value, over the last two axes.

    Args:
        query: `(..., T, d)`: one row per position that asks.
        key: `(..., S, d)`: one row per position that is looked at.
        value: `(..., S, d_v)`: what each looked-at position hands over.
        mask: optional booleans broadcastable to `(..., T, S)`; False hides a
            key from a query (its weight becomes 0).
        scale: multiplies the scores; `1/sqrt(d)` when None, which keeps
            their variance near 1 for unit-variance inputs, so that the
            softmax does not saturate as d grows.

    Returns:
        `(output, weights)`: the output `(..., T, d_v)` and the attention
        weights `(..., T, S)`, each row summing to 1.
    """
    if scale is None:
        scale = 1.0 / math.sqrt(query.shape[-1])
    scores = ops.matmul(query * scale, ops.swapaxes(key, -1, -2))
    if mask is not None:
        scores = ops.where(ops.cast(mask, "bool"), scores, _MASKED)
    weights = ops.softmax(scores, axis=-1)
    return ops.matmul(weights, value), weights


def causal_mask(query_length: int, value_length: int | None = None):
    """`(query_length, value_length)` booleans, True on and below the diagonal.

    Query position t may look at positions 0..t only, as when a model that
    predicts the next token must not see it. Square when `value_length` is None.

    Example:
        >>> keras.ops.convert_to_numpy(causal_mask(3)).astype(int)
        array([[1, 0, 0],
               [1, 1, 0],
               [1, 1, 1]])
    """
    rows = ops.arange(query_length)[:, None]
    columns = ops.arange(query_length if value_length is None else value_length)[None, :]
    return rows >= columns


@keras.saving.register_keras_serializable(package="course_lib")
class MultiHeadAttention(keras.layers.Layer):
    """Multi-head attention with the weight layout of `keras.layers.MultiHeadAttention`.

    Each of `num_heads` heads projects the inputs to its own queries, keys
    (size `key_dim`) and values (size `value_dim`), attends with
    `scaled_dot_product_attention`, and an output projection sums the heads
    back to the query's feature size. The weights, in order:

    * query, key and value kernels `(d_in, num_heads, key_dim)` (the value's
      last axis is `value_dim`), each followed by its bias `(num_heads, key_dim)`;
    * the output kernel `(num_heads, value_dim, d_model)` and bias `(d_model,)`.

    Self-attention is `layer(x, x)`. Dropout on the attention weights is left
    out.

    Args:
        num_heads: number of heads.
        key_dim: size of each head's queries and keys.
        value_dim: size of each head's values; `key_dim` when None.
        use_bias: add the biases.

    Example:
        >>> import numpy as np
        >>> ours = MultiHeadAttention(num_heads=2, key_dim=3)
        >>> theirs = keras.layers.MultiHeadAttention(num_heads=2, key_dim=3)
        >>> x = np.random.default_rng(0).normal(size=(1, 4, 5)).astype("float32")
        >>> _ = ours(x, x), theirs(x, x)
        >>> ours.set_weights(theirs.get_weights())
        >>> bool(np.allclose(ours(x, x), theirs(x, x), atol=1e-5))
        True
    """

    def __init__(
        self,
        num_heads: int,
        key_dim: int,
        value_dim: int | None = None,
        use_bias: bool = True,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.num_heads = int(num_heads)
        self.key_dim = int(key_dim)
        self.value_dim = int(value_dim) if value_dim else self.key_dim
        self.use_bias = bool(use_bias)

    def _projection(self, name: str, fan_in: int, size: int):
        kernel = self.add_weight(
            name=f"{name}_kernel",
            shape=(fan_in, self.num_heads, size),
            initializer="glorot_uniform",
        )
        bias = (
            self.add_weight(name=f"{name}_bias", shape=(self.num_heads, size), initializer="zeros")
            if self.use_bias
            else None
        )
        return kernel, bias

    def build(self, query_shape, value_shape=None, key_shape=None):
        value_shape = query_shape if value_shape is None else value_shape
        key_shape = value_shape if key_shape is None else key_shape
        self.query_kernel, self.query_bias = self._projection(
            "query", query_shape[-1], self.key_dim
        )
        self.key_kernel, self.key_bias = self._projection("key", key_shape[-1], self.key_dim)
        self.value_kernel, self.value_bias = self._projection(
            "value", value_shape[-1], self.value_dim
        )
        self.output_kernel = self.add_weight(
            name="output_kernel",
            shape=(self.num_heads, self.value_dim, query_shape[-1]),
            initializer="glorot_uniform",
        )
        self.output_bias = (
            self.add_weight(name="output_bias", shape=(query_shape[-1],), initializer="zeros")
            if self.use_bias
            else None
        )

    @staticmethod
    def _project(inputs, kernel, bias):
        """(batch, positions, d_in) -> (batch, heads, positions, size)."""
        projected = ops.einsum("bpd,dhk->bhpk", inputs, kernel)
        return projected if bias is None else projected + bias[None, :, None, :]

    def call(
        self,
        query,
        value,
        key=None,
        attention_mask=None,
        use_causal_mask: bool = False,
        return_attention_scores: bool = False,
    ):
        key = value if key is None else key
        mask = None if attention_mask is None else ops.cast(attention_mask, "bool")[:, None]
        if use_causal_mask:
            causal = causal_mask(ops.shape(query)[1], ops.shape(value)[1])
            mask = causal if mask is None else ops.logical_and(mask, causal)
        heads, weights = scaled_dot_product_attention(
            self._project(query, self.query_kernel, self.query_bias),
            self._project(key, self.key_kernel, self.key_bias),
            self._project(value, self.value_kernel, self.value_bias),
            mask=mask,
        )
        output = ops.einsum("bhpv,hvd->bpd", heads, self.output_kernel)
        if self.output_bias is not None:
            output = output + self.output_bias
        return (output, weights) if return_attention_scores else output

    def compute_output_shape(self, query_shape, value_shape=None, key_shape=None):
        return query_shape

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "num_heads": self.num_heads,
            "key_dim": self.key_dim,
            "value_dim": self.value_dim,
            "use_bias": self.use_bias,
        }
