"""Watching a run: live learning curves, throughput, and TensorBoard logs read back.

Introduced in chapter 08 ("Callbacks, checkpoints and monitoring").
`LiveHistoryPlot` redraws the learning curves after every epoch in a
notebook and draws them once at the end anywhere else. `Throughput` times
every training step and separates the first step, which traces and compiles
the training function, from the steady state. `read_scalars` reads what
`keras.callbacks.TensorBoard` wrote. Keras 3 writes every scalar as a
*tensor* summary, so TensorBoard's `EventAccumulator.Scalars()` finds
nothing; this reader goes through its tensors instead and returns plain rows.

Example:
    >>> import keras, numpy as np
    >>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    >>> model.compile("sgd", "mse")
    >>> timer = Throughput(batch_size=8)
    >>> _ = model.fit(np.ones((32, 3)), np.ones(32), batch_size=8, epochs=2, verbose=0,
    ...               callbacks=[timer])
    >>> len(timer.step_seconds), timer.examples_per_second() > 0
    (8, True)
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import keras
import numpy as np


class Throughput(keras.callbacks.Callback):
    """Wall-clock time of every training step, and what it says about speed.

    The first step of a `fit` traces the training function and compiles it
    (with XLA when `jit_compile` is on); later steps run the compiled graph.
    The median of the later steps is the steady-state step time, and the
    first step's excess over it is the compile time.

    Args:
        batch_size: examples per step (the global batch under a strategy),
            for `examples_per_second`.

    Attributes:
        step_seconds: every step's duration, in order, across epochs.
        epoch_seconds: every epoch's duration.
    """

    def __init__(self, batch_size: int):
        super().__init__()
        self.batch_size = batch_size
        self.step_seconds: list[float] = []
        self.epoch_seconds: list[float] = []

    def on_train_begin(self, logs=None):
        self.step_seconds, self.epoch_seconds = [], []

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch_start = time.perf_counter()

    def on_train_batch_begin(self, batch, logs=None):
        self._step_start = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        self.step_seconds.append(time.perf_counter() - self._step_start)

    def on_epoch_end(self, epoch, logs=None):
        self.epoch_seconds.append(time.perf_counter() - self._epoch_start)

    def steady_step_seconds(self) -> float:
        """The median step time after the first step."""
        if len(self.step_seconds) < 2:
            raise ValueError("need at least two training steps to tell compiling from running")
        return float(np.median(self.step_seconds[1:]))

    def compile_seconds(self) -> float:
        """How much longer the first step took than a steady one: tracing and compiling."""
        return self.step_seconds[0] - self.steady_step_seconds()

    def examples_per_second(self) -> float:
        """Steady-state throughput: `batch_size` over the median step time."""
        return self.batch_size / self.steady_step_seconds()


def _in_notebook() -> bool:
    """True inside a Jupyter (or Colab) kernel, where a figure can be redrawn in place."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


class LiveHistoryPlot(keras.callbacks.Callback):
    """Learning curves redrawn after every epoch in a notebook, drawn once elsewhere.

    In a Jupyter or Colab kernel the figure is displayed after the first
    epoch and updated in place after each later one (an IPython display
    handle, not `clear_output`, which nbval cannot replay), so a long run
    shows its curves as they grow and the cell keeps one figure. Outside a
    kernel (a script, a headless job) nothing is drawn until training ends,
    and then one static figure is drawn. `figure` holds the last one drawn.

    Args:
        metrics: the logged quantities to plot, one panel each; the
            `val_` twin of each is drawn beside it when it is logged.
        title: the figure's title.
        live: force (True) or forbid (False) redrawing; None detects a kernel.

    Example:
        >>> import keras, numpy as np
        >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        >>> model.compile("sgd", "mse")
        >>> plot = LiveHistoryPlot(live=False)
        >>> _ = model.fit(np.ones((8, 2)), np.ones(8), epochs=3, verbose=0, callbacks=[plot])
        >>> plot.redraws, plot.history["loss"] == plot.model.history.history["loss"]
        (1, True)
    """

    def __init__(
        self, metrics: Sequence[str] = ("loss",), title: str | None = None, live: bool | None = None
    ):
        super().__init__()
        self.metrics, self.title = tuple(metrics), title
        self.live = _in_notebook() if live is None else live
        self.history: dict[str, list[float]] = {}
        self.redraws = 0
        self.figure = None
        self._display = None  # the notebook display handle, once the figure is shown

    def on_train_begin(self, logs=None):
        self.history, self.redraws, self._display = {}, 0, None

    def on_epoch_end(self, epoch, logs=None):
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(float(value))
        if self.live:
            import matplotlib.pyplot as plt
            from IPython.display import display

            figure = self._draw()
            if self._display is None:
                self._display = display(figure, display_id=True)
            else:
                self._display.update(figure)
            plt.close(figure)  # shown by the display handle, not again at the end of the cell

    def on_train_end(self, logs=None):
        if not self.live:
            self._draw()

    def _draw(self):
        import matplotlib.pyplot as plt

        if self.figure is not None:
            plt.close(self.figure)
        self.figure, axes = plt.subplots(
            1, len(self.metrics), figsize=(5 * len(self.metrics), 3.5), squeeze=False
        )
        for ax, metric in zip(axes[0], self.metrics, strict=True):
            for key, label in ((metric, "training"), (f"val_{metric}", "validation")):
                if key in self.history:
                    epochs = np.arange(1, len(self.history[key]) + 1)
                    ax.plot(epochs, self.history[key], marker="o", label=label)
            ax.set_xlabel("epoch")
            ax.set_ylabel(metric)
            ax.set_title(f"{metric} after {len(self.history.get(metric, []))} epochs")
            ax.legend()
        if self.title:
            self.figure.suptitle(self.title)
        self.figure.tight_layout()
        self.redraws += 1
        return self.figure


class Scalar(NamedTuple):
    """One logged value: which run wrote it (`train`, `validation`), its tag, step and value."""

    run: str
    tag: str
    step: int
    value: float


def read_scalars(log_dir: str | Path) -> list[Scalar]:
    """Every scalar that `keras.callbacks.TensorBoard` wrote under `log_dir`, as rows.

    Keras 3 writes `epoch_loss`, `epoch_<metric>` and `epoch_learning_rate`
    as tensor summaries in `train/` and `validation/` (and batch-level tags
    when `update_freq` is a number). Rows come sorted by run, tag and step.

    Example:
        >>> import keras, numpy as np, tempfile
        >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        >>> model.compile("sgd", "mse")
        >>> logs = tempfile.mkdtemp()
        >>> _ = model.fit(np.ones((8, 2)), np.ones(8), epochs=2, verbose=0,
        ...               callbacks=[keras.callbacks.TensorBoard(logs)])
        >>> [(row.run, row.tag, row.step) for row in read_scalars(logs)][:2]
        [('train', 'epoch_learning_rate', 0), ('train', 'epoch_learning_rate', 1)]
    """
    import tensorflow as tf
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    root = Path(log_dir)
    rows = []
    for run_dir in sorted({path.parent for path in root.rglob("events.out.tfevents.*")}):
        accumulator = EventAccumulator(str(run_dir), size_guidance={"tensors": 0})
        accumulator.Reload()
        run = run_dir.relative_to(root).as_posix()
        for tag in accumulator.Tags()["tensors"]:
            if accumulator.SummaryMetadata(tag).plugin_data.plugin_name != "scalars":
                continue  # the model's config, graphs, histograms
            for event in accumulator.Tensors(tag):
                value = float(tf.make_ndarray(event.tensor_proto))
                rows.append(Scalar(run, tag, int(event.step), value))
    return sorted(rows)


def curve(rows: Sequence[Scalar], run: str, tag: str) -> tuple[np.ndarray, np.ndarray]:
    """(steps, values) of one tag of one run, from `read_scalars`'s rows.

    Example:
        >>> rows = [Scalar("train", "epoch_loss", 1, 0.5), Scalar("train", "epoch_loss", 0, 0.9)]
        >>> curve(rows, "train", "epoch_loss")
        (array([0, 1]), array([0.9, 0.5]))
    """
    picked = sorted((row.step, row.value) for row in rows if row.run == run and row.tag == tag)
    if not picked:
        known = sorted({(row.run, row.tag) for row in rows})
        raise KeyError(f"no scalars for run {run!r}, tag {tag!r}; logged: {known}")
    steps, values = zip(*picked, strict=True)
    return np.array(steps), np.array(values)
