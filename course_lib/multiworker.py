"""Several training processes on one machine, as a `MultiWorkerMirroredStrategy` cluster.

Introduced in chapter 09 ("Distributed training on GPU and TPU").
`launch_workers` starts one Python process per worker, each with a
`TF_CONFIG` that names every worker's address on free loopback ports, waits
for all of them, and ends every process it started, also when one fails or
the time runs out. Each worker runs `python -m course_lib.multiworker`: a
small regression trained with a custom loop (`strategy.run`, the loss
averaged over the *global* batch with `tf.nn.compute_average_loss`, the
replicas' losses summed with `strategy.reduce`). A custom loop, because
`model.fit` under `MultiWorkerMirroredStrategy` fails in Keras 3
(`ValueError: Attempt to convert a value (PerReplica...)`, since Keras 3.5;
keras-team/keras#20585). Every worker saves its final weights, so a caller
can check that the workers agree.

Fault tolerance: every `save_every` steps each worker saves a
`tf.train.CheckpointManager` checkpoint of the model and optimiser. All
workers must take part in a save; only the chief's (worker 0) is kept, the
others write to a scratch folder they delete. With `crash_at`, the last worker
dies (`os._exit`) before that step: the chief then waits in an all-reduce
that never completes, and `launch_workers` kills the cluster and raises
`WorkerFailed`. Launched again in the same folder, the workers restore the
chief's latest checkpoint and go on from its step.

Example:
    >>> import tempfile
    >>> runs = launch_workers(2, tempfile.mkdtemp(), steps=3)
    >>> [run.index for run in runs], all(len(run.weights) == 4 for run in runs)
    ([0, 1], True)

A crashed worker and the relaunch that resumes from the chief's checkpoint:
`launch_workers(2, work_dir, steps=6, crash_at=5, save_every=2)` raises
`WorkerFailed` (its `index` is 1), and `launch_workers(2, work_dir, steps=6)`
then resumes from step 4 (tests/course_lib/test_multiworker.py runs both).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from course_lib.environment import cpu_subprocess_environment

#: Examples per step across all workers.
GLOBAL_BATCH = 32


@dataclass(frozen=True)
class WorkerRun:
    """One worker's outcome: its index, final weights, the losses of the steps it ran,
    the step it resumed from (0 for a fresh start) and its output."""

    index: int
    weights: list[np.ndarray]
    losses: np.ndarray
    resumed_from: int
    output: str


class WorkerFailed(RuntimeError):
    """A worker exited with an error; the cluster was killed. `index` names the worker."""

    def __init__(self, index: int, output: str):
        super().__init__(f"worker {index} failed:\n{output[-2000:]}")
        self.index = index


def free_ports(count: int) -> list[int]:
    """`count` TCP ports on 127.0.0.1 that were free a moment ago."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def launch_workers(
    count: int,
    work_dir: str | Path,
    steps: int = 20,
    seed: int = 0,
    timeout: float = 180.0,
    crash_at: int | None = None,
    save_every: int = 5,
) -> list[WorkerRun]:
    """Train on `count` worker processes on this machine; return every worker's run.

    Args:
        count: workers (one replica each, on the CPU).
        work_dir: where workers write their weights and output.
        steps: training steps of `GLOBAL_BATCH` examples.
        seed: seeds the data and the initial weights, identically on every worker.
        timeout: seconds for the whole cluster; then every worker is killed.
        crash_at: the last worker dies before this step (None: no crash).
        save_every: steps between checkpoints.

    Raises:
        WorkerFailed: a worker failed (its output is in the message).
        TimeoutError: the cluster ran past `timeout`.
    """
    work_dir = Path(work_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    cluster = {"worker": [f"127.0.0.1:{port}" for port in free_ports(count)]}
    processes, logs = [], []
    try:
        for index in range(count):
            task = {"cluster": cluster, "task": {"type": "worker", "index": index}}
            environment = cpu_subprocess_environment(
                TF_CONFIG=json.dumps(task), TF_CPP_MIN_LOG_LEVEL="3"
            )
            log = (work_dir / f"worker-{index}.log").open("w")
            logs.append(log)
            command = [
                sys.executable,
                "-m",
                "course_lib.multiworker",
                str(work_dir),
                str(steps),
                str(seed),
                str(-1 if crash_at is None else crash_at),
                str(save_every),
            ]
            processes.append(
                subprocess.Popen(command, env=environment, stdout=log, stderr=subprocess.STDOUT)
            )
        _wait_for_all(processes, work_dir, timeout)
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
            process.wait()
        for log in logs:
            log.close()
    runs = []
    for index in range(count):
        saved = np.load(work_dir / f"worker-{index}.npz")
        weights = [saved[f"w{i}"] for i in range(len(saved.files) - 2)]
        output = (work_dir / f"worker-{index}.log").read_text()
        resumed_from = int(saved["resumed_from"])
        runs.append(WorkerRun(index, weights, saved["losses"], resumed_from, output))
    return runs


def _wait_for_all(processes: list[subprocess.Popen], work_dir: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while any(process.poll() is None for process in processes):
        for index, process in enumerate(processes):
            if process.poll() not in (None, 0):
                raise WorkerFailed(index, (work_dir / f"worker-{index}.log").read_text())
        if time.monotonic() > deadline:
            raise TimeoutError(f"the workers ran past {timeout} s")
        time.sleep(0.1)
    for index, process in enumerate(processes):
        if process.returncode != 0:
            raise WorkerFailed(index, (work_dir / f"worker-{index}.log").read_text())


def _regression(steps: int, seed: int):
    """The workers' data (all `steps` global batches) and model, identical on every worker."""
    import keras

    rng = np.random.default_rng(seed)
    x = rng.normal(size=(steps * GLOBAL_BATCH, 8)).astype("float32")
    y = (np.sin(x[:, :1]) + 0.5 * x[:, 1:2] ** 2).astype("float32")
    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [keras.Input((8,)), keras.layers.Dense(16, activation="tanh"), keras.layers.Dense(1)]
    )
    return x, y, model, keras.optimizers.SGD(0.05)


def _replica_step(model, optimizer, x_batch, y_batch):
    """One replica's step: its share of the global batch, its loss divided by the global size."""
    import keras
    import tensorflow as tf

    with tf.GradientTape() as tape:
        per_example = keras.losses.mean_squared_error(y_batch, model(x_batch, training=True))
        loss = tf.nn.compute_average_loss(per_example, global_batch_size=GLOBAL_BATCH)
    gradients = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(gradients, model.trainable_variables, strict=True))
    return loss


def single_device_weights(steps: int = 20, seed: int = 0) -> list[np.ndarray]:
    """The same training in this process on one device: what the workers must match.

    Example:
        >>> [w.shape for w in single_device_weights(steps=2)]
        [(8, 16), (16,), (16, 1), (1,)]
    """
    import tensorflow as tf

    x, y, model, optimizer = _regression(steps, seed)
    step = tf.function(lambda x_batch, y_batch: _replica_step(model, optimizer, x_batch, y_batch))
    for start in range(0, len(x), GLOBAL_BATCH):
        step(x[start : start + GLOBAL_BATCH], y[start : start + GLOBAL_BATCH])
    return model.get_weights()


def _train(work_dir: Path, steps: int, seed: int, crash_at: int, save_every: int) -> None:
    import tensorflow as tf

    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    index = strategy.cluster_resolver.task_id
    with strategy.scope():
        x, y, model, optimizer = _regression(steps, seed)
    checkpoint = tf.train.Checkpoint(model=model, optimizer=optimizer)
    chief_dir = work_dir / "checkpoints"
    # Every worker writes its checkpoint; only the chief's is kept.
    write_dir = chief_dir if index == 0 else work_dir / f"scratch-worker-{index}"
    manager = tf.train.CheckpointManager(checkpoint, str(write_dir), max_to_keep=1)
    latest = tf.train.latest_checkpoint(str(chief_dir))
    if latest:
        checkpoint.restore(latest)
    start = int(optimizer.iterations.numpy())
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(GLOBAL_BATCH).skip(start)

    @tf.function
    def step(batch):
        losses = strategy.run(lambda *b: _replica_step(model, optimizer, *b), args=batch)
        return strategy.reduce(tf.distribute.ReduceOp.SUM, losses, axis=None)

    losses = []
    for number, batch in enumerate(strategy.experimental_distribute_dataset(dataset), start):
        if number == crash_at and index == strategy.num_replicas_in_sync - 1:
            print(f"worker {index}: dying before step {number}", flush=True)
            os._exit(3)
        losses.append(float(step(batch)))
        if (number + 1) % save_every == 0:
            manager.save(checkpoint_number=number + 1)
            if index != 0:
                tf.io.gfile.rmtree(str(write_dir))
    weights = {f"w{i}": w for i, w in enumerate(model.get_weights())}
    np.savez(
        work_dir / f"worker-{index}.npz", losses=np.array(losses), resumed_from=start, **weights
    )


def main(argv: list[str] | None = None) -> None:
    """One worker: `python -m course_lib.multiworker DIR STEPS SEED CRASH_AT SAVE_EVERY`,
    with `TF_CONFIG` set (CRASH_AT -1: no crash)."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("work_dir", type=Path)
    for name in ("steps", "seed", "crash_at", "save_every"):
        parser.add_argument(name, type=int)
    args = parser.parse_args(argv)
    _train(args.work_dir, args.steps, args.seed, args.crash_at, args.save_every)


if __name__ == "__main__":
    main()
