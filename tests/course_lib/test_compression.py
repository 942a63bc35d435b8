"""course_lib.compression: pruning, masks held in training, distillation, int8, measurement."""

import keras
import numpy as np
import pytest

from course_lib import compression
from course_lib.training import fit_steps


def _model(seed=0):
    keras.utils.set_random_seed(seed)
    return keras.Sequential(
        [keras.Input((6,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dense(3)]
    )


def _data(seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(96, 6)).astype("float32")
    return x, (x[:, 0] > 0).astype("int64") + (x[:, 1] > 0.5).astype("int64")


def test_prune_zeroes_the_smallest_weights_of_each_kernel():
    model = _model()
    before = [np.asarray(layer.kernel) for layer in model.layers]
    masks = compression.prune(model, 0.75)
    for kernel, mask, layer in zip(before, masks, model.layers, strict=True):
        assert (mask == 0).sum() == round(0.75 * kernel.size)
        assert np.abs(kernel[mask == 0]).max() <= np.abs(kernel[mask == 1]).min()
        np.testing.assert_array_equal(np.asarray(layer.kernel), kernel * mask)
        assert np.count_nonzero(np.asarray(layer.bias) == 0) == layer.bias.shape[0]  # untouched
    assert compression.sparsity(model) == pytest.approx(0.75, abs=0.01)
    with pytest.raises(ValueError, match="target sparsity"):
        compression.prune(model, 1.0)


def test_keep_pruned_holds_the_zeros_that_training_would_move():
    x, y = _data()
    for keep in (False, True):
        model = _model()
        model.compile(
            optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        )
        masks = compression.prune(model, 0.8)
        callbacks = [compression.KeepPruned(masks)] if keep else None
        fit_steps(model, x, y, steps=30, callbacks=callbacks)
        if keep:
            assert compression.sparsity(model) == pytest.approx(0.8, abs=0.01)
        else:
            assert compression.sparsity(model) < 0.5


def test_distillation_loss_is_cross_entropy_plus_scaled_kl_and_round_trips(tmp_path):
    logits = np.array([[2.0, 0.5, -1.0]], "float32")
    label = np.array([[0.0, 1.0, 0.0]], "float32")
    teacher = np.array([[0.5, 0.3, 0.2]], "float32")
    loss = compression.DistillationLoss(temperature=3.0, alpha=0.25)
    hard = keras.losses.CategoricalCrossentropy(from_logits=True)(label, logits)
    student = keras.ops.softmax(logits / 3.0)
    soft = keras.losses.KLDivergence()(teacher, student)
    expected = 0.25 * float(hard) + 0.75 * 9.0 * float(soft)
    assert float(loss(np.concatenate([label, teacher], 1), logits)) == pytest.approx(expected)
    again = keras.losses.deserialize(keras.losses.serialize(loss))
    assert (again.temperature, again.alpha) == (3.0, 0.25)


def test_soft_targets_pack_labels_and_softened_probabilities():
    model = _model()
    x, y = _data()
    targets = compression.soft_targets(model, x[:5], y[:5], classes=3, temperature=2.0)
    assert targets.shape == (5, 6)
    np.testing.assert_array_equal(targets[:, :3], np.eye(3)[y[:5]])
    np.testing.assert_allclose(
        targets[:, 3:], keras.ops.softmax(model(x[:5]) / 2.0), rtol=1e-5, atol=1e-6
    )


def test_tflite_int8_agrees_with_the_float_model_and_measurements_line_up(tmp_path):
    x, y = _data(1)
    model = _model(1)
    model.compile(
        optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    )
    fit_steps(model, x, y, steps=60)
    flat = compression.tflite_int8(model, x[:50], tmp_path)
    tflite = compression.tflite_predict(flat, x)
    float_predictions = np.asarray(model(x)).argmax(axis=1)
    assert np.mean(tflite.argmax(axis=1) == float_predictions) > 0.95
    float_row = compression.measure("float", model, x, y, repeats=2)
    int8_row = compression.measure_tflite("int8", flat, x, y, repeats=2)
    assert float_row.size_kb == pytest.approx(sum(w.size for w in model.get_weights()) * 4 / 1024)
    assert int8_row.size_kb == len(flat) / 1024
    assert float_row.accuracy == np.mean(float_predictions == y)
    assert len(float_row.row()) == len(compression.HEADER)


def test_a_model_compiled_with_the_distillation_loss_round_trips_through_a_keras_file(tmp_path):
    model = _model()
    model.compile(optimizer="adam", loss=compression.DistillationLoss(temperature=5.0, alpha=0.3))
    x, y = _data()
    targets = compression.soft_targets(model, x, y, classes=3, temperature=5.0)
    fit_steps(model, x, targets, steps=3)
    model.save(tmp_path / "student.keras")
    loaded = keras.models.load_model(tmp_path / "student.keras")
    assert isinstance(loaded.loss, compression.DistillationLoss)
    assert (loaded.loss.temperature, loaded.loss.alpha) == (5.0, 0.3)
    np.testing.assert_array_equal(loaded(x), model(x))
