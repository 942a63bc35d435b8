"""Labelled plots used across the chapters.

Introduced in chapter 00 ("The training loop"). Every function draws on a
Matplotlib `Axes` (a new figure when none is given), labels its axes and
returns the `Axes`, so cells can combine plots in one figure.

Example:
    >>> from course_lib.plots import plot_history
    >>> ax = plot_history({"loss": [1.0, 0.5, 0.4], "val_loss": [1.1, 0.7, 0.8]})
    >>> ax.get_title()
    'loss (best validation epoch: 2)'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

HIGHER_IS_BETTER = ("acc", "auc", "precision", "recall", "f1", "r2")


def _axes(ax):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.figure(figsize=(6, 4)).add_subplot()


def _logs(history: Any) -> Mapping[str, Sequence[float]]:
    return history.history if hasattr(history, "history") else history


def best_epoch(values: Sequence[float], metric: str) -> int:
    """1-based epoch of the best value: the maximum for accuracy-like metrics.

    Example:
        >>> best_epoch([0.9, 0.5, 0.7], "val_loss"), best_epoch([0.6, 0.9, 0.8], "val_accuracy")
        (2, 2)
    """
    higher = any(word in metric for word in HIGHER_IS_BETTER)
    index = int(np.argmax(values)) if higher else int(np.argmin(values))
    return index + 1


def plot_history(history: Any, metric: str = "loss", ax=None, title: str | None = None):
    """Training vs validation curve of one metric, with the best epoch marked.

    Args:
        history: a `keras.callbacks.History` or its `.history` dict.
        metric: key to plot; `"val_" + metric` is drawn too when present.
        ax: Matplotlib axes to draw on.
        title: defaults to the metric and the best validation epoch.
    """
    logs = _logs(history)
    ax = _axes(ax)
    train = logs[metric]
    epochs = np.arange(1, len(train) + 1)
    ax.plot(epochs, train, label=f"train {metric}")
    val_key = f"val_{metric}"
    marked_key = val_key if val_key in logs else metric
    if val_key in logs:
        ax.plot(epochs, logs[val_key], label=f"validation {metric}")
    best = best_epoch(logs[marked_key], marked_key)
    ax.axvline(best, color="grey", linestyle="--", label=f"best epoch ({best})")
    ax.set_xlabel("epoch")
    ax.set_ylabel(metric)
    which = "validation" if marked_key == val_key else "training"
    ax.set_title(title or f"{metric} (best {which} epoch: {best})")
    ax.legend()
    return ax


def plot_complexity_curve(
    complexity: Sequence[float],
    train_error: Sequence[float],
    val_error: Sequence[float],
    xlabel: str = "model complexity",
    ylabel: str = "error",
    ax=None,
    log_scale: bool = True,
):
    """Training and validation error against model complexity (bias-variance).

    The complexity with the lowest validation error is marked.
    """
    ax = _axes(ax)
    ax.plot(complexity, train_error, "o-", label="training error")
    ax.plot(complexity, val_error, "s-", label="validation error")
    best = complexity[int(np.argmin(val_error))]
    ax.axvline(best, color="grey", linestyle="--", label=f"best validation ({best})")
    if log_scale:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title("training vs validation error")
    ax.legend()
    return ax


def plot_decision_boundary(
    predict: Callable[[np.ndarray], np.ndarray],
    x: np.ndarray,
    y: np.ndarray,
    ax=None,
    resolution: int = 200,
    title: str = "decision regions",
):
    """Colour the plane by the class `predict` gives, with the points on top.

    Args:
        predict: maps `(n, 2)` inputs to class scores `(n, k)` or labels `(n,)`.
        x: `(n, 2)` points; y: their integer labels.
    """
    ax = _axes(ax)
    margin = 0.3
    x0 = np.linspace(x[:, 0].min() - margin, x[:, 0].max() + margin, resolution)
    x1 = np.linspace(x[:, 1].min() - margin, x[:, 1].max() + margin, resolution)
    grid0, grid1 = np.meshgrid(x0, x1)
    grid = np.stack([grid0.ravel(), grid1.ravel()], axis=1).astype("float32")
    scores = np.asarray(predict(grid))
    if scores.ndim == 2 and scores.shape[1] > 1:
        labels = scores.argmax(axis=1)
    else:
        labels = (scores.reshape(-1) > 0.5).astype(int)
    ax.contourf(grid0, grid1, labels.reshape(grid0.shape), alpha=0.3, cmap="viridis")
    ax.scatter(x[:, 0], x[:, 1], c=y, s=12, cmap="viridis", edgecolors="k", linewidths=0.3)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_title(title)
    return ax


def _per_layer(stats: Mapping[str, Any], statistic: str, epoch: int) -> dict[str, float]:
    if "layers" in stats:  # a callback's history: pick one epoch
        return {name: values[statistic][epoch] for name, values in stats["layers"].items()}
    return {name: values[statistic] for name, values in stats.items()}


def plot_layer_stats(
    stats: Mapping[str, Any],
    statistic: str = "std",
    epoch: int = -1,
    ax=None,
    label: str | None = None,
    log_scale: bool = False,
    style: str = "o-",
):
    """One statistic of every layer against its depth (chapter 02).

    Args:
        stats: `course_lib.callbacks.layer_activation_stats(...)` output, or the
            `history` of an `ActivationStats` / `GradientStats` callback.
        statistic: `"std"`, `"mean"`, `"saturated"` or `"gradient_norm"`.
        epoch: which recorded epoch of a callback history (default: the last).
        label: legend entry, to compare several networks on one axes.
        style: Matplotlib's line and marker format, so that curves that coincide
            stay distinguishable.
    """
    ax = _axes(ax)
    values = list(_per_layer(stats, statistic, epoch).values())
    ax.plot(np.arange(1, len(values) + 1), values, style, label=label)
    if log_scale:
        ax.set_yscale("log")
    ax.set_xlabel("layer (depth)")
    ax.set_ylabel(statistic.replace("_", " "))
    ax.set_title(f"{statistic.replace('_', ' ')} by layer")
    if label:
        ax.legend()
    return ax


def plot_reliability_diagram(
    y_true, probabilities, bins: int = 10, ax=None, label: str | None = "model", color=None
):
    """Accuracy against confidence per bin, with the diagonal of perfect calibration.

    Chapter 01. `probabilities` are class probabilities `(n, classes)` or, for a
    binary problem, the probability of class 1; `y_true` are integer labels.
    Called again on the same axes (other seeds, other models) it adds a curve and
    draws the diagonal once; `label=None` leaves a curve out of the legend.
    Returns the bin counts, so a caller can show how many examples each point rests on.

    Example:
        >>> import numpy as np
        >>> counts = plot_reliability_diagram(np.array([0, 1, 1]),
        ...                                   np.array([[0.9, 0.1], [0.4, 0.6], [0.2, 0.8]]))
        >>> int(counts.sum())
        3
    """
    from course_lib.metrics import reliability_table

    ax = _axes(ax)
    table = reliability_table(y_true, probabilities, bins)
    filled = table["count"] > 0
    centres, accuracies = table["confidence"][filled], table["accuracy"][filled]
    diagonal = "perfect calibration"
    if not any(line.get_label() == diagonal for line in ax.lines):
        ax.plot([0, 1], [0, 1], color="grey", linestyle="--", label=diagonal)
    ax.plot(centres, accuracies, "o-", color=color, label=label or "_nolegend_")
    ax.set_xlabel("confidence (mean predicted probability in bin)")
    ax.set_ylabel("accuracy in bin")
    ax.set_title("reliability diagram")
    ax.legend()
    return table["count"]


def plot_trajectories(
    function: Callable,
    paths: Mapping[str, np.ndarray],
    window: tuple[tuple[float, float], tuple[float, float]] | None = None,
    minima: Sequence[tuple[float, float]] = (),
    ax=None,
    log_levels: bool = True,
):
    """Optimiser paths drawn over the contour lines of a 2-D function (chapter 05).

    Args:
        function: a function of a point `(x, y)` written with `keras.ops`, as in
            `course_lib.surfaces`; it is evaluated on a grid.
        paths: label -> array `(steps + 1, 2)` of visited points, as
            `course_lib.surfaces.descend` returns.
        window: `((x_min, x_max), (y_min, y_max))`; defaults to the function's
            entry in `course_lib.surfaces.WINDOWS`.
        minima: points to mark with a star.
        log_levels: space the contour levels logarithmically, which suits
            functions with a deep, flat valley (Rosenbrock).

    Example:
        >>> from course_lib.surfaces import ill_conditioned_quadratic
        >>> path = np.array([[2.0, 1.0], [1.0, -0.5], [0.5, 0.2]])
        >>> ax = plot_trajectories(ill_conditioned_quadratic, {"SGD": path})
        >>> ax.get_xlabel(), len(ax.get_lines())
        ('x', 1)
    """
    from keras import ops

    from course_lib.surfaces import WINDOWS

    ax = _axes(ax)
    (x_min, x_max), (y_min, y_max) = window or WINDOWS[function.__name__]
    grid_x, grid_y = np.meshgrid(np.linspace(x_min, x_max, 200), np.linspace(y_min, y_max, 200))
    values = ops.convert_to_numpy(function(np.stack([grid_x, grid_y])))
    if log_levels:
        shifted = values - values.min() + 1e-3
        levels = np.geomspace(shifted.min(), shifted.max(), 25)
        ax.contour(grid_x, grid_y, shifted, levels=levels, cmap="Greys", linewidths=0.6)
    else:
        ax.contour(grid_x, grid_y, values, levels=25, cmap="Greys", linewidths=0.6)
    for label, path in paths.items():
        ax.plot(path[:, 0], path[:, 1], ".-", markersize=3, linewidth=1, label=label)
    for point in minima:
        ax.plot(*point, "*", color="black", markersize=12)
    ax.set_xlim(x_min, x_max)
    ax.set_ylim(y_min, y_max)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title(function.__name__.replace("_", " "))
    if paths:
        ax.legend(fontsize="small")
    return ax


def plot_range_test(result: Any, ax=None):
    """A learning-rate range test's loss against the rate, its bracket shaded (chapter 06).

    Args:
        result: a `course_lib.callbacks.RangeTestResult`.

    Example:
        >>> from course_lib.callbacks import RangeTestResult
        >>> rates = np.geomspace(1e-4, 1.0, 5)
        >>> result = RangeTestResult.from_sweep(rates, [2, 1.9, 1, 0.5, 3], [2, 1.9, 1.2, 0.8, 1.5],
        ...                                     diverged=True)
        >>> ax = plot_range_test(result)
        >>> ax.get_xscale(), ax.get_xlabel()
        ('log', 'learning rate')
    """
    ax = _axes(ax)
    ax.plot(result.learning_rates, result.losses, alpha=0.3, label="batch loss")
    ax.plot(result.learning_rates, result.smoothed, label="smoothed loss")
    ax.axvspan(result.lower, result.upper, color="tab:green", alpha=0.15, label="suggested range")
    ax.axvline(result.steepest, color="tab:red", linestyle=":", label="steepest descent")
    ax.set_xscale("log")
    top = np.nanmax(result.smoothed[: max(1, int(np.nanargmin(result.smoothed)))])
    ax.set_ylim(np.nanmin(result.losses), 1.5 * top)
    ax.set_xlabel("learning rate")
    ax.set_ylabel("training loss")
    ax.set_title("learning-rate range test" + (" (stopped: diverged)" if result.diverged else ""))
    ax.legend(fontsize="small")
    return ax
