"""course_lib.attention: the from-scratch layer computes what Keras's MultiHeadAttention does."""

import keras
import numpy as np
import pytest

from course_lib import attention


def _inputs(seed, batch=2, length=5, features=6):
    return np.random.default_rng(seed).normal(size=(batch, length, features)).astype("float32")


def _pair(num_heads=2, key_dim=3, value_dim=None, use_bias=True, *inputs):
    ours = attention.MultiHeadAttention(num_heads, key_dim, value_dim, use_bias=use_bias)
    theirs = keras.layers.MultiHeadAttention(
        num_heads, key_dim, value_dim=value_dim, use_bias=use_bias
    )
    ours(*inputs)
    theirs(*inputs)
    theirs.set_weights(
        [np.random.default_rng(7 + i).normal(0, 0.5, w.shape) for i, w in enumerate(theirs.weights)]
    )
    ours.set_weights(theirs.get_weights())
    return ours, theirs


def test_weights_have_keras_shapes_in_keras_order():
    x = _inputs(0, features=6)
    ours, theirs = _pair(3, 4, 2, True, x, x)
    assert [w.shape for w in ours.weights] == [w.shape for w in theirs.weights]
    assert [tuple(w.shape) for w in ours.weights] == [
        (6, 3, 4),
        (3, 4),
        (6, 3, 4),
        (3, 4),
        (6, 3, 2),
        (3, 2),
        (3, 2, 6),
        (6,),
    ]


@pytest.mark.parametrize("use_bias", [True, False])
def test_self_attention_matches_keras(use_bias):
    x = _inputs(1)
    ours, theirs = _pair(2, 3, None, use_bias, x, x)
    np.testing.assert_allclose(ours(x, x), theirs(x, x), atol=2e-6)


def test_cross_attention_with_a_separate_key_and_scores_matches_keras():
    query, value, key = _inputs(2, length=3), _inputs(3, length=5, features=4), _inputs(4, length=5)
    ours, theirs = _pair(2, 3, 5, True, query, value, key)
    mine, my_scores = ours(query, value, key, return_attention_scores=True)
    keras_out, keras_scores = theirs(query, value, key, return_attention_scores=True)
    np.testing.assert_allclose(mine, keras_out, atol=2e-6)
    np.testing.assert_allclose(my_scores, keras_scores, atol=1e-6)


def test_causal_and_explicit_masks_match_keras():
    x = _inputs(5, length=6)
    ours, theirs = _pair(2, 3, None, True, x, x)
    np.testing.assert_allclose(
        ours(x, x, use_causal_mask=True), theirs(x, x, use_causal_mask=True), atol=2e-6
    )
    mask = np.random.default_rng(6).random((2, 6, 6)) > 0.3
    mask[..., 0] = True  # every query sees at least one key
    np.testing.assert_allclose(
        ours(x, x, attention_mask=mask), theirs(x, x, attention_mask=mask), atol=2e-6
    )


def test_scaled_dot_product_attention_matches_keras_ops_and_masks_to_zero_weight():
    rng = np.random.default_rng(8)
    q, k, v = (rng.normal(size=(2, 4, 3, 5)).astype("float32") for _ in range(3))
    mask = np.tril(np.ones((3, 3), bool))
    output, weights = attention.scaled_dot_product_attention(q, k, v, mask=mask)
    # keras.ops.dot_product_attention takes (batch, positions, heads, size)
    expected = keras.ops.dot_product_attention(
        *(np.swapaxes(t, 1, 2) for t in (q, k, v)), is_causal=True
    )
    np.testing.assert_allclose(np.swapaxes(np.asarray(output), 1, 2), expected, atol=2e-6)
    np.testing.assert_allclose(np.asarray(weights).sum(-1), 1.0, atol=1e-6)
    assert np.all(np.asarray(weights)[..., ~mask] == 0)


def test_round_trips_through_a_keras_file(tmp_path):
    inputs = keras.Input((4, 6))
    outputs = attention.MultiHeadAttention(2, 3, name="attend")(inputs, inputs)
    model = keras.Model(inputs, outputs)
    model.save(tmp_path / "attention.keras")
    loaded = keras.models.load_model(tmp_path / "attention.keras")
    assert isinstance(loaded.get_layer("attend"), attention.MultiHeadAttention)
    x = _inputs(9, length=4)
    np.testing.assert_array_equal(loaded(x), model(x))
    assert loaded.get_layer("attend").get_config()["key_dim"] == 3
