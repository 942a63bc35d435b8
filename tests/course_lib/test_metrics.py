import keras
import numpy as np
import pytest

from course_lib.metrics import ExpectedCalibrationError


def numpy_ece(labels, probabilities, bins=10):
    confidence = probabilities.max(1)
    correct = probabilities.argmax(1) == labels
    index = np.minimum((confidence * bins).astype(int), bins - 1)
    return sum(
        abs(correct[index == b].mean() - confidence[index == b].mean()) * (index == b).mean()
        for b in range(bins)
        if (index == b).any()
    )


def test_ece_matches_a_direct_computation_across_batches():
    rng = np.random.default_rng(0)
    probabilities = rng.dirichlet(np.ones(4) * 0.5, 500).astype("float32")
    labels = rng.integers(0, 4, 500)
    metric = ExpectedCalibrationError(bins=15)
    for part in np.array_split(np.arange(500), 7):
        metric.update_state(labels[part], probabilities[part])
    assert float(metric.result()) == pytest.approx(numpy_ece(labels, probabilities, 15), abs=1e-5)
    metric.reset_state()
    assert float(metric.result()) == 0.0


def test_ece_is_near_zero_for_a_calibrated_binary_model():
    rng = np.random.default_rng(1)
    p = rng.uniform(0, 1, 200_000)
    labels = (rng.uniform(0, 1, p.size) < p).astype(int)  # right with probability p
    metric = ExpectedCalibrationError()
    metric.update_state(labels, p.astype("float32"))
    assert float(metric.result()) < 0.01


def test_ece_accepts_one_hot_labels_and_works_in_compile():
    metric = ExpectedCalibrationError()
    metric.update_state(np.eye(3)[[0, 1]], np.array([[0.7, 0.2, 0.1], [0.6, 0.3, 0.1]]))
    # Confidences 0.7 (right) and 0.6 (wrong) fall in different bins: (0.3 + 0.6) / 2.
    assert float(metric.result()) == pytest.approx(0.45)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3, activation="softmax")])
    model.compile(
        optimizer="sgd",
        loss="sparse_categorical_crossentropy",
        metrics=[ExpectedCalibrationError()],
    )
    logs = model.evaluate(np.zeros((8, 2)), np.zeros(8), verbose=0, return_dict=True)
    assert 0.0 <= logs["ece"] <= 1.0


def test_model_compiled_with_ece_saves_and_loads(tmp_path):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3, activation="softmax")])
    model.compile(
        optimizer="sgd",
        loss="sparse_categorical_crossentropy",
        metrics=[ExpectedCalibrationError(bins=7)],
    )
    model.evaluate(np.zeros((4, 2)), np.zeros(4), verbose=0)
    model.save(tmp_path / "m.keras")
    restored = keras.saving.load_model(tmp_path / "m.keras")
    logs = restored.evaluate(np.zeros((4, 2)), np.zeros(4), verbose=0, return_dict=True)
    assert 0.0 <= logs["ece"] <= 1.0
    config = ExpectedCalibrationError.from_config(ExpectedCalibrationError(bins=7).get_config())
    assert config.bins == 7


@pytest.mark.parametrize("classes", [2, 5])
def test_numpy_ece_matches_the_direct_computation_and_the_streaming_metric(classes):
    from course_lib.metrics import expected_calibration_error, reliability_table

    rng = np.random.default_rng(classes)
    labels = rng.integers(0, classes, 400)
    probabilities = rng.dirichlet(np.ones(classes), 400)
    ece = expected_calibration_error(labels, probabilities, 10)
    assert ece == pytest.approx(numpy_ece(labels, probabilities, 10), abs=1e-12)
    metric = ExpectedCalibrationError(bins=10)
    metric.update_state(labels, probabilities)
    assert ece == pytest.approx(float(metric.result()), abs=1e-6)
    table = reliability_table(labels, probabilities, 10)
    assert table["count"].sum() == 400 and table["count"].shape == (10,)
