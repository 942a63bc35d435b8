import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np

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


def test_plot_decision_boundary_handles_scores_and_probabilities():
    x = np.array([[0.0, 0.0], [1.0, 1.0]], "float32")
    y = np.array([0, 1])
    two_class = plots.plot_decision_boundary(
        lambda g: np.stack([-g[:, 0], g[:, 0]], 1), x, y, resolution=20
    )
    sigmoid = plots.plot_decision_boundary(lambda g: g[:, :1] > 0.5, x, y, resolution=20)
    for ax in (two_class, sigmoid):
        assert ax.get_xlabel() == "$x_1$" and ax.get_title() == "decision regions"
