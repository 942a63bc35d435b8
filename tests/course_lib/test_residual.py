"""course_lib.residual: blocks compute activation(shortcut + branch), serialise, and stack."""

import keras
import numpy as np
import pytest

from course_lib import residual, training


def _zero_branch_output(block):
    for weight in block.branch[-1].weights:
        weight.assign(keras.ops.zeros_like(weight))


@pytest.mark.parametrize(
    ("kernel_size", "shape"), [(None, (3, 8)), (3, (2, 5, 5, 8))], ids=["dense", "conv"]
)
def test_a_zero_branch_leaves_the_identity(kernel_size, shape):
    x = np.random.default_rng(0).normal(size=shape).astype("float32")
    block = residual.ResidualBlock(8, kernel_size=kernel_size, batch_norm=False)
    block(x)
    _zero_branch_output(block)
    np.testing.assert_allclose(block(x), np.maximum(x, 0.0), atol=1e-6)


def test_dense_block_matches_the_same_graph_of_keras_layers():
    x = np.random.default_rng(1).normal(size=(4, 6)).astype("float32")
    block = residual.ResidualBlock(6, batch_norm=False, activation="tanh")
    block(x)
    first, _, second = block.branch
    expected = np.tanh(x + second(np.tanh(first(x))))
    np.testing.assert_allclose(block(x), expected, atol=1e-6)


def test_a_width_change_goes_through_a_projection():
    x = np.ones((1, 4, 4, 3), "float32")
    block = residual.ResidualBlock(5, kernel_size=3)
    assert block(x).shape == (1, 4, 4, 5)
    assert block.shortcut.kernel.shape == (1, 1, 3, 5)
    assert residual.ResidualBlock(3, kernel_size=3).compute_output_shape((1, 4, 4, 3)) == (
        1,
        4,
        4,
        3,
    )


def test_batch_norm_in_the_branch_trains_and_round_trips(tmp_path):
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((8, 8, 2)),
            residual.ResidualBlock(4, kernel_size=3, name="block"),
            keras.layers.GlobalAveragePooling2D(),
            keras.layers.Dense(2),
        ]
    )
    model.compile(optimizer="adam", loss="mse")
    x = np.random.default_rng(2).normal(size=(16, 8, 8, 2)).astype("float32")
    model.fit(x, np.zeros((16, 2)), epochs=1, verbose=0)
    norm = model.get_layer("block").branch[1]
    assert np.abs(np.asarray(norm.moving_mean)).max() > 0
    model.save(tmp_path / "residual.keras")
    loaded = keras.models.load_model(tmp_path / "residual.keras")
    np.testing.assert_array_equal(loaded(x), model(x))
    assert loaded.get_layer("block").get_config() == model.get_layer("block").get_config()


def test_plain_and_residual_networks_have_the_same_layers():
    plain = residual.deep_dense_network(64, 10, blocks=4, residual=False)
    skip = residual.deep_dense_network(64, 10, blocks=4, residual=True)
    assert plain.count_params() == skip.count_params()
    assert len(residual.kernel_layers(plain)) == len(residual.kernel_layers(skip)) == 10


def test_shortcuts_damp_the_gradient_explosion_of_a_deep_batch_normalised_network():
    # Chapter 11 measures it on the digits: first / last hidden layer 80-210x plain, 11-17x with
    # shortcuts.
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(128, 16)).astype("float32"), rng.integers(0, 4, 128)
    ratios = {}
    for skip in (False, True):
        keras.utils.set_random_seed(3)
        model = residual.deep_dense_network(16, 4, blocks=12, residual=skip)
        model.compile(loss="sparse_categorical_crossentropy")
        norms = training.layer_gradient_norms(
            model, residual.kernel_layers(model), x, y, training=True
        )
        values = list(norms.values())
        ratios[skip] = values[0] / values[-2]
    assert ratios[False] > 5 * ratios[True], ratios
