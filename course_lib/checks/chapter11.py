"""Public cases of chapter 11's exercises ("Architectures").

References are Keras and TensorFlow themselves (`keras.ops.dot_product_attention`,
the same residual block built from Keras layers, Jacobians taken by
`tf.GradientTape`), or small literal values; never a copy of the solution. The
experiment's bands come from the course's runs over seeds.
"""

from __future__ import annotations

import math

import numpy as np

from course_lib.checks import harness
from course_lib.checks.cases import Case, Exercise, in_band
from course_lib.checks.values import compare_values


def _attention_args(seed: int, queries: int, keys: int, causal: bool) -> tuple:
    rng = np.random.default_rng(seed)
    mask = np.tril(np.ones((queries, keys), int)) if causal else np.ones((queries, keys), int)
    return (
        rng.normal(size=(queries, 3)).tolist(),
        rng.normal(size=(keys, 3)).tolist(),
        rng.normal(size=(keys, 2)).tolist(),
        mask.tolist(),
    )


def _same_as_keras_attention(result, args) -> str | None:
    import keras

    query, key, value, mask = (np.asarray(a, "float32") for a in args)

    def heads(tensor):  # (positions, size) -> (batch 1, positions, heads 1, size)
        return tensor[None, :, None, :]

    expected = keras.ops.dot_product_attention(
        heads(query), heads(key), heads(value), mask=mask.astype(bool)[None, None]
    )
    expected = keras.ops.convert_to_numpy(expected)[0, :, 0, :]
    return compare_values(np.asarray(result, dtype="float64"), expected, rtol=1e-4, atol=1e-5)


def _literal_attention(result, args) -> str | None:
    weight = 1.0 / (1.0 + math.exp(-1.0 / math.sqrt(2.0)))  # softmax([1/sqrt(2), 0])[0]
    expected = np.array([[10.0 * weight + 20.0 * (1.0 - weight)]])
    return compare_values(np.asarray(result, dtype="float64"), expected, rtol=1e-6)


SCALED_DOT_PRODUCT_ATTENTION = Exercise(
    id="scaled_dot_product_attention",
    forbid=(
        "keras.ops.dot_product_attention",
        "keras.layers.Attention",
        "keras.layers.MultiHeadAttention",
        "course_lib.attention.scaled_dot_product_attention",
    ),
    hint="scores = query @ key.T divided by the square root of the keys' size; where the mask "
    "is 0, replace the score by a very negative number before the softmax, so that its weight "
    "is 0; take the softmax along each row (subtract the row's maximum first for stability), "
    "then multiply the weights by value",
    public_cases=(
        Case(
            "literal: one query, two keys",
            lambda: ([[1.0, 0.0]], [[1.0, 0.0], [0.0, 1.0]], [[10.0], [20.0]], [[1, 1]]),
            _literal_attention,
        ),
        Case(
            "the same as keras.ops.dot_product_attention, no mask",
            lambda: _attention_args(1, 4, 5, causal=False),
            _same_as_keras_attention,
        ),
        Case(
            "the same as keras.ops.dot_product_attention, causal mask",
            lambda: _attention_args(2, 5, 5, causal=True),
            _same_as_keras_attention,
        ),
    ),
)


def _same_as_keras_layers(result, args) -> str | None:
    return compare_values(result, harness.residual_dense_reference(*args), rtol=1e-4, atol=1e-6)


RESIDUAL_DENSE = Exercise(
    id="ResidualDense",
    hint="create both Dense sublayers in __init__ (the first with a ReLU, the second without), "
    "so that their weights come in that order; call returns relu(inputs + second(first(inputs))); "
    "get_config adds units to super().get_config()",
    public_cases=(
        Case("4 units, the same as Keras layers", lambda: (4, 0), _same_as_keras_layers),
        Case("7 units, the same as Keras layers", lambda: (7, 1), _same_as_keras_layers),
    ),
    harness=harness.residual_dense_training,
)


def _same_as_tape_jacobians(seed: int, units: int, steps: int):
    def compare(result, args) -> str | None:
        import tensorflow as tf

        x, kernel, recurrent, bias, states = harness.tanh_rnn_parts(seed, units, steps)
        expected = []
        for start in range(steps):
            state = tf.constant(states[start][None])
            with tf.GradientTape() as tape:
                tape.watch(state)
                last = state
                for step in x[start + 1 :]:
                    last = tf.tanh(step[None] @ kernel + last @ recurrent + bias)
            expected.append(float(tf.norm(tape.jacobian(last, state))))
        return compare_values(np.asarray(result, dtype="float64"), expected, rtol=1e-6, atol=1e-9)

    return compare


STATE_JACOBIAN_NORMS = Exercise(
    id="state_jacobian_norms",
    hint="one step back multiplies by recurrent_kernel with column j scaled by (1 - h_t[j]**2), "
    "the derivative of tanh at step t. Start from the identity for the last state and walk "
    "backwards, multiplying from the left; record the Frobenius norm at every step",
    public_cases=(
        Case(
            "literal: one unit, two steps",
            lambda: ([[2.0]], [[0.0], [0.5]]),
            lambda result, args: compare_values(
                np.asarray(result, dtype="float64"), np.array([2.0 * 0.75, 1.0]), rtol=1e-6
            ),
        ),
        Case(
            "the same as tf.GradientTape's Jacobians, 3 units, 6 steps",
            lambda: harness.tanh_rnn_states(1, 3, 6),
            _same_as_tape_jacobians(1, 3, 6),
        ),
        Case(
            "the same as tf.GradientTape's Jacobians, 5 units, 12 steps",
            lambda: harness.tanh_rnn_states(2, 5, 12),
            _same_as_tape_jacobians(2, 5, 12),
        ),
    ),
)

MEMORY_ACCURACY = Exercise(
    id="memory_accuracy",
    hint="follow the recipe exactly: seed Keras with seed first, data.make_memory_task(3000, "
    "length=50, seed=0), an LSTM(16) with unit_forget_bias=False and a bias initialiser that "
    "writes forget_bias into the second quarter of the bias (the order is input, forget, cell, "
    "output), Adam(0.01, clipnorm=1.0), training.fit_steps(..., steps=300, batch_size=64, "
    "seed=seed), and training.accuracy on the validation split",
    public_cases=(
        # Bands: the course's runs over 10 seeds (forget bias 1: 0.500-0.518; forget bias 5:
        # 0.720-0.951), widened by 0.05.
        Case("forget bias 1 (Keras's default)", lambda: (1.0, 41), in_band(0.45, 0.568)),
        Case("forget bias 5", lambda: (5.0, 42), in_band(0.67, 1.0)),
    ),
)

EXERCISES = (SCALED_DOT_PRODUCT_ATTENTION, RESIDUAL_DENSE, STATE_JACOBIAN_NORMS, MEMORY_ACCURACY)
