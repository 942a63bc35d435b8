import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_lib import plots


def teardown_function():
    plt.close("all")


def test_best_epoch_minimises_losses_and_maximises_accuracies():
    assert plots.best_epoch([3.0, 1.0, 2.0], "val_loss") == 2
    assert plots.best_epoch([0.5, 0.7, 0.9], "val_accuracy") == 3
    assert plots.best_epoch([0.5, 0.9, 0.7], "auc") == 2


def test_plot_history_draws_both_curves_labels_and_best_epoch():
    logs = {"loss": [1.0, 0.6, 0.4, 0.3], "val_loss": [1.1, 0.7, 0.65, 0.8]}
    ax = plots.plot_history(logs)
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["train loss", "validation loss", "best epoch (3)"]
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "loss"
    assert ax.get_title() == "loss (best validation epoch: 3)"
    assert ax.get_lines()[2].get_xdata()[0] == 3


def test_plot_history_accepts_a_keras_history_without_validation():
    class FakeHistory:
        def __init__(self):
            self.history = {"accuracy": [0.2, 0.9, 0.8]}

    ax = plots.plot_history(FakeHistory(), "accuracy")
    assert ax.get_title() == "accuracy (best training epoch: 2)"


def test_plot_complexity_curve_marks_lowest_validation_error():
    ax = plots.plot_complexity_curve([1, 2, 3], [3.0, 2.0, 1.0], [3.0, 1.5, 2.5])
    assert ax.get_lines()[2].get_label() == "best validation (2)"
    assert ax.get_yscale() == "log" and ax.get_xlabel() == "model complexity"


def _class_extent(ax, band: int) -> tuple[float, float]:
    """Horizontal extent of one filled band of the decision-region contour plot."""
    vertices = ax.collections[0].get_paths()[band].vertices
    return float(vertices[:, 0].min()), float(vertices[:, 0].max())


def test_plot_decision_boundary_colours_each_class_region_where_the_model_predicts_it():
    x = np.array([[0.0, 0.0], [1.0, 1.0]], "float32")  # the grid spans -0.3..1.3
    y = np.array([0, 1])
    step = 1.6 / 19  # grid spacing at resolution 20: the drawn boundary is this sharp
    for predict, boundary in [
        (lambda g: np.stack([-g[:, 0], g[:, 0]], 1), 0.0),  # class scores: argmax
        (lambda g: g[:, :1] > 0.5, 0.5),  # one probability column: threshold 0.5
    ]:
        ax = plots.plot_decision_boundary(predict, x, y, resolution=20)
        class_0, class_1 = _class_extent(ax, 0), _class_extent(ax, -1)
        assert class_0[0] == pytest.approx(-0.3) and abs(class_0[1] - boundary) < step
        assert class_1[1] == pytest.approx(1.3) and abs(class_1[0] - boundary) < step
        assert ax.get_xlabel() == "$x_1$" and ax.get_title() == "decision regions"


def test_reliability_diagram_draws_the_diagonal_once_and_returns_bin_counts():
    y = np.array([0, 1, 1, 0])
    probabilities = np.array([[0.92, 0.08], [0.34, 0.66], [0.17, 0.83], [0.74, 0.26]])
    _, ax = plt.subplots()
    counts = plots.plot_reliability_diagram(y, probabilities, ax=ax, label="seed 0")
    plots.plot_reliability_diagram(y, probabilities, ax=ax, label=None)  # another seed
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend == ["perfect calibration", "seed 0"]
    assert len(ax.get_lines()) == 3
    assert counts.tolist() == [0, 0, 0, 0, 0, 0, 1, 1, 1, 1]  # confidences 0.66-0.92
