"""Chapter 11: hidden probes (inputs only), tolerances and points; read by the grader."""

import numpy as np

from course_lib.checks.harness import tanh_rnn_states


def _attention(seed, queries, keys, causal):
    rng = np.random.default_rng(seed)
    mask = np.tril(np.ones((queries, keys), int)) if causal else rng.integers(0, 2, (queries, keys))
    mask[:, 0] = 1  # every query sees at least one key
    return (
        rng.normal(size=(queries, 4)).tolist(),
        rng.normal(size=(keys, 4)).tolist(),
        rng.normal(size=(keys, 3)).tolist(),
        mask.tolist(),
    )


PROBES = {
    # (query, key, value, mask)
    "scaled_dot_product_attention": [
        _attention(101, 3, 6, causal=False),
        _attention(102, 6, 6, causal=True),
        _attention(103, 1, 2, causal=False),
    ],
    # (units, seed), run through the harness below.
    "ResidualDense": [(5, 111), (2, 112)],
    # (recurrent_kernel, states)
    "state_jacobian_norms": [tanh_rnn_states(121, 4, 9), tanh_rnn_states(122, 2, 15)],
    # (forget_bias, seed): graded against the reference's runs over BAND's seeds.
    "memory_accuracy": [(1.0, 191), (5.0, 192)],
}

TOLERANCE = {
    "scaled_dot_product_attention": (1e-5, 1e-6),
    "ResidualDense": (1e-4, 1e-6),
    "state_jacobian_norms": (1e-6, 1e-9),
}

HARNESS = {"ResidualDense": "course_lib.checks.harness:residual_dense_training"}

BAND = {"memory_accuracy": {"seeds": range(5), "margin": 0.05}}

POINTS = {
    "scaled_dot_product_attention": 1,
    "ResidualDense": 2,
    "state_jacobian_norms": 1,
    "memory_accuracy": 2,
}

# Built-ins (and course_lib counterparts) an answer must not use: it earns 0 if it does.
# The same as each exercise's `forbid` in course_lib/checks (a test keeps them equal).
FORBID = {
    "scaled_dot_product_attention": [
        "keras.ops.dot_product_attention",
        "keras.layers.Attention",
        "keras.layers.MultiHeadAttention",
        "course_lib.attention.scaled_dot_product_attention",
    ],
}
