"""A training process that can be killed part-way, and resumed with `BackupAndRestore`.

Introduced in chapter 08 ("Callbacks, checkpoints and monitoring"). A crash
is only convincing in another process: `train_in_subprocess` starts
`python -m course_lib.interruption`, which trains the digits MLP under
`keras.callbacks.BackupAndRestore` and, when asked, kills itself with
SIGKILL from inside a training batch, as a power cut or an out-of-memory
kill would: no `finally`, no `on_train_end`, nothing flushed. Started again
on the same folder, it resumes from the last backup. Every process it
starts ends before it returns, also on a timeout.

Example:
    >>> import tempfile
    >>> run = train_in_subprocess(tempfile.mkdtemp(), epochs=2, kill_at_step=50)
    >>> run.killed, run.epochs_begun, run.weights is None
    (True, [0, 1], True)
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from course_lib.environment import cpu_subprocess_environment

#: The worker's batch size: the digits' 1,257 training examples make 40 steps an epoch.
BATCH_SIZE = 32


@dataclass(frozen=True)
class TrainingRun:
    """What one training process did.

    Attributes:
        killed: it died of SIGKILL (the planned crash).
        epochs_begun: the epochs it started, in order (a resumed run starts
            after the last backed-up epoch).
        steps: the training steps it ran.
        optimizer_steps: the optimiser's iteration count at the end (None if
            killed): counts steps of earlier processes restored from a backup.
        weights: the final weights (None if killed).
        output: what the process printed, for diagnosis.
    """

    killed: bool
    epochs_begun: list[int]
    steps: int
    optimizer_steps: int | None
    weights: list[np.ndarray] | None
    output: str


def train_in_subprocess(
    work_dir: str | Path,
    epochs: int = 4,
    kill_at_step: int | None = None,
    save_freq: str | int = "epoch",
    dropout: float = 0.0,
    seed: int = 0,
    timeout: float = 300.0,
) -> TrainingRun:
    """Train the digits MLP in a new Python process, backing up to `work_dir`.

    Args:
        work_dir: the run's folder: the backup lives in `work_dir/backup`, and
            a second call on the same folder resumes from it.
        epochs: epochs to train in all (as given to `fit`).
        kill_at_step: SIGKILL the process at the end of this step (counted
            from 1 within this process); None trains to the end.
        save_freq: `BackupAndRestore`'s: "epoch", or a number of steps.
        dropout: the rate of a `Dropout` layer after the hidden layer.
        seed: `keras.utils.set_random_seed` and the data split's seed.
        timeout: seconds before the process is killed and `TimeoutError` raised.
    """
    work_dir = Path(work_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    log, weights_file = work_dir / "steps.jsonl", work_dir / "final.npz"
    log.unlink(missing_ok=True)
    weights_file.unlink(missing_ok=True)
    command = [
        sys.executable,
        "-m",
        "course_lib.interruption",
        str(work_dir),
        str(epochs),
        str(save_freq),
        str(dropout),
        str(seed),
        str(kill_at_step or 0),
    ]
    environment = cpu_subprocess_environment(TF_CPP_MIN_LOG_LEVEL="3", PYTHONHASHSEED="0")
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, env=environment, check=False
        )
    except subprocess.TimeoutExpired as error:  # subprocess.run has killed it
        raise TimeoutError(f"the training process ran past {timeout} s") from error
    killed = done.returncode == -signal.SIGKILL
    if done.returncode != 0 and not killed:
        raise RuntimeError(f"the training process failed:\n{done.stderr[-2000:]}")
    events = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    final = None if killed else np.load(weights_file)
    return TrainingRun(
        killed=killed,
        epochs_begun=[event["epoch"] for event in events if "epoch" in event],
        steps=sum("step" in event for event in events),
        optimizer_steps=None if final is None else int(final["optimizer_steps"]),
        weights=None if final is None else [final[f"w{i}"] for i in range(len(final.files) - 1)],
        output=done.stdout + done.stderr,
    )


def _train(
    work_dir: Path, epochs: int, save_freq: str | int, dropout: float, seed: int, kill_at_step: int
) -> None:
    import keras

    from course_lib import data

    class Journal(keras.callbacks.Callback):
        """Writes each epoch and step to the log at once, and crashes on request."""

        def __init__(self):
            super().__init__()
            self.steps = 0
            self.file = (work_dir / "steps.jsonl").open("a", buffering=1)

        def on_epoch_begin(self, epoch, logs=None):
            self.file.write(json.dumps({"epoch": epoch}) + "\n")

        def on_train_batch_end(self, batch, logs=None):
            self.steps += 1
            self.file.write(json.dumps({"step": self.steps}) + "\n")
            if self.steps == kill_at_step:
                os.kill(os.getpid(), signal.SIGKILL)

    keras.utils.set_random_seed(seed)
    digits = data.load_digits(flat=True, seed=seed)
    model = keras.Sequential(
        [
            keras.Input((64,)),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dropout(dropout),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(keras.optimizers.SGD(0.1, momentum=0.9), "sparse_categorical_crossentropy")
    backup = keras.callbacks.BackupAndRestore(str(work_dir / "backup"), save_freq=save_freq)
    model.fit(
        *digits.train,
        epochs=epochs,
        batch_size=BATCH_SIZE,
        verbose=0,
        callbacks=[backup, Journal()],
    )
    weights = {f"w{i}": w for i, w in enumerate(model.get_weights())}
    np.savez(work_dir / "final.npz", optimizer_steps=int(model.optimizer.iterations), **weights)


def main(argv: list[str] | None = None) -> None:
    """The worker: `python -m course_lib.interruption DIR EPOCHS SAVE_FREQ DROPOUT SEED KILL`."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    for name in ("work_dir", "epochs", "save_freq", "dropout", "seed", "kill_at_step"):
        parser.add_argument(name)
    args = parser.parse_args(argv)
    save_freq = args.save_freq if args.save_freq == "epoch" else int(args.save_freq)
    _train(
        Path(args.work_dir),
        int(args.epochs),
        save_freq,
        float(args.dropout),
        int(args.seed),
        int(args.kill_at_step),
    )


if __name__ == "__main__":
    main()
