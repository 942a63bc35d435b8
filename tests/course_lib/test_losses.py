import keras
import numpy as np
import pytest
import tensorflow as tf

from course_lib import losses

RNG = np.random.default_rng(0)
N, K = 64, 5
PROBS = RNG.dirichlet(np.ones(K), N).astype("float32")
ONE_HOT = np.eye(K, dtype="float32")[RNG.integers(0, K, N)]
LOGITS = RNG.normal(0, 3, (N, K)).astype("float32")
BINARY_TRUE = RNG.integers(0, 2, (N, 1)).astype("float32")
BINARY_PROB = RNG.uniform(0, 1, (N, 1)).astype("float32")
WEIGHTS = RNG.uniform(0, 2, N).astype("float32")

CASES = [
    (
        "huber",
        lambda: losses.Huber(delta=0.7),
        lambda: keras.losses.Huber(delta=0.7),
        lambda: (
            RNG.normal(size=(N, 3)).astype("float32"),
            RNG.normal(size=(N, 3)).astype("float32") * 3,
        ),
    ),
    (
        "binary focal",
        lambda: losses.BinaryFocalLoss(gamma=2.0),
        lambda: keras.losses.BinaryFocalCrossentropy(gamma=2.0),
        lambda: (BINARY_TRUE, BINARY_PROB),
    ),
    (
        "binary focal balanced",
        lambda: losses.BinaryFocalLoss(1.5, 0.3, True),
        lambda: keras.losses.BinaryFocalCrossentropy(
            apply_class_balancing=True, alpha=0.3, gamma=1.5
        ),
        lambda: (BINARY_TRUE, BINARY_PROB),
    ),
    (
        "binary focal logits",
        lambda: losses.BinaryFocalLoss(from_logits=True),
        lambda: keras.losses.BinaryFocalCrossentropy(from_logits=True),
        lambda: (BINARY_TRUE, LOGITS[:, :1]),
    ),
    (
        "categorical focal",
        lambda: losses.CategoricalFocalLoss(gamma=2.0, alpha=0.25),
        lambda: keras.losses.CategoricalFocalCrossentropy(gamma=2.0, alpha=0.25),
        lambda: (ONE_HOT, PROBS),
    ),
    (
        "categorical focal logits",
        lambda: losses.CategoricalFocalLoss(from_logits=True),
        lambda: keras.losses.CategoricalFocalCrossentropy(from_logits=True),
        lambda: (ONE_HOT, LOGITS),
    ),
    (
        "label smoothing",
        lambda: losses.LabelSmoothedCrossentropy(0.1),
        lambda: keras.losses.CategoricalCrossentropy(label_smoothing=0.1),
        lambda: (ONE_HOT, PROBS),
    ),
    (
        "label smoothing logits",
        lambda: losses.LabelSmoothedCrossentropy(0.2, from_logits=True),
        lambda: keras.losses.CategoricalCrossentropy(label_smoothing=0.2, from_logits=True),
        lambda: (ONE_HOT, LOGITS),
    ),
]


@pytest.mark.parametrize(("name", "ours", "theirs", "data"), CASES, ids=[c[0] for c in CASES])
def test_matches_keras_with_and_without_sample_weights(name, ours, theirs, data):
    y_true, y_pred = data()
    for weights in (None, WEIGHTS):
        mine = float(ours()(y_true, y_pred, sample_weight=weights))
        builtin = float(theirs()(y_true, y_pred, sample_weight=weights))
        assert mine == pytest.approx(builtin, rel=1e-6, abs=1e-6)


def test_sparse_label_smoothing_matches_one_hot():
    labels = ONE_HOT.argmax(axis=1)
    sparse = losses.LabelSmoothedCrossentropy(0.1, sparse=True)(labels, PROBS)
    builtin = keras.losses.CategoricalCrossentropy(label_smoothing=0.1)(ONE_HOT, PROBS)
    assert float(sparse) == pytest.approx(float(builtin), rel=1e-6)


@pytest.mark.parametrize(
    ("loss", "y_true", "y_pred"),
    [
        (losses.BinaryFocalLoss(), [[1.0], [0.0]], [[0.0], [1.0]]),
        (losses.CategoricalFocalLoss(), [[1.0, 0.0]], [[0.0, 1.0]]),
        (losses.LabelSmoothedCrossentropy(0.1), [[1.0, 0.0]], [[0.0, 1.0]]),
        (losses.LabelSmoothedCrossentropy(0.1, from_logits=True), [[1.0, 0.0]], [[-80.0, 80.0]]),
        (losses.Huber(), [[0.0]], [[1e30]]),
    ],
    ids=["binary focal", "categorical focal", "smoothing", "smoothing logits", "huber"],
)
def test_gradients_are_finite_at_saturated_predictions(loss, y_true, y_pred):
    prediction = tf.Variable(np.array(y_pred, "float32"))
    with tf.GradientTape() as tape:
        value = loss(np.array(y_true, "float32"), prediction)
    gradient = tape.gradient(value, prediction)
    assert np.isfinite(float(value)) and np.all(np.isfinite(gradient.numpy()))


@pytest.mark.parametrize(
    "loss",
    [
        losses.Huber(0.5),
        losses.BinaryFocalLoss(3.0, 0.4, True),
        losses.CategoricalFocalLoss(1.0),
        losses.LabelSmoothedCrossentropy(0.2, sparse=True),
    ],
    ids=lambda loss: type(loss).__name__,
)
def test_model_compiled_with_the_loss_saves_and_loads(loss, tmp_path):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(5, activation="softmax")])
    model.compile(optimizer="sgd", loss=loss)
    path = tmp_path / "m.keras"
    model.save(path)
    restored = keras.saving.load_model(path).loss
    assert type(restored) is type(loss) and restored.get_config() == loss.get_config()


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (losses.Huber(), keras.losses.Huber()),
        (losses.BinaryFocalLoss(), keras.losses.BinaryFocalCrossentropy()),
    ],
    ids=["huber", "binary focal"],
)
def test_flat_labels_with_column_predictions_match_keras(ours, theirs):
    # (n,) labels against (n, 1) predictions must not broadcast to (n, n).
    y_true = BINARY_TRUE[:, 0]
    assert float(ours(y_true, BINARY_PROB)) == pytest.approx(
        float(theirs(y_true, BINARY_PROB)), rel=1e-6
    )
