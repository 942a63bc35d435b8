"""One call at the top of every chapter: seeds, determinism, quiet logs, report.

Introduced in chapter 00 ("The training loop") and used by every chapter.
"""

from __future__ import annotations

import contextlib
import os
import sys
from dataclasses import dataclass

#: Environment variables that keep TensorFlow's C++ logging and the oneDNN
#: banner out of notebook outputs. They only work when set before TensorFlow
#: is imported, which is why `import course_lib` never imports TensorFlow.
QUIET_TENSORFLOW_ENV = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}
#: The environment variable that moves every seed of a run at once (default 0).
SEED_OFFSET_VARIABLE = "COURSE_SEED"
#: How far apart the seeds of two offsets lie, so that seeds 0, 1, 2 of one
#: offset never coincide with seeds of another.
SEED_STRIDE = 1000


@dataclass(frozen=True)
class Environment:
    """What `setup` detected and configured."""

    seed: int
    seed_offset: int
    deterministic: bool
    tensorflow_version: str
    keras_version: str
    backend: str
    accelerator: str
    gpu_count: int
    in_colab: bool
    logs_quiet: bool
    #: TensorFlow's oneDNN kernels are on: `setup` turns them off, unless
    #: TensorFlow was imported earlier or `TF_ENABLE_ONEDNN_OPTS=1` was set.
    #: The last digits of training numbers then differ from the recordings.
    onednn: bool = False

    def report(self) -> str:
        """The one-line report `setup` prints."""
        from course_lib import __version__

        device = self.accelerator
        if self.accelerator == "GPU":  # `setup` turns TensorFlow's TF32 matmuls off on GPUs
            device = f"GPU x{self.gpu_count}, TF32 off"
        parts = [
            f"course_lib {__version__}",
            f"TensorFlow {self.tensorflow_version}",
            f"Keras {self.keras_version} ({self.backend} backend)",
            f"device: {device}",
            "Colab" if self.in_colab else "not Colab",
            f"seed {self.seed}"
            + (f" (offset {self.seed_offset})" if self.seed_offset else "")
            + (", deterministic ops" if self.deterministic else ""),
        ]
        if self.onednn:
            parts.append("oneDNN on: last digits differ from the recorded outputs")
        return " | ".join(parts)


def seed_offset() -> int:
    """The seed offset of this run: the integer in `$COURSE_SEED`, 0 when unset.

    Raises:
        ValueError: when the variable is set to something other than an integer.
    """
    value = os.environ.get(SEED_OFFSET_VARIABLE, "").strip() or "0"
    try:
        return int(value)
    except ValueError:
        raise ValueError(
            f"{SEED_OFFSET_VARIABLE} must be an integer seed offset, got {value!r}"
        ) from None


def seed(number: int = 0) -> int:
    """The seed numbered `number` in this run: `number + 1000 * $COURSE_SEED`.

    Every random choice in a chapter (weights, data splits, shuffles, dropout
    masks, sampled data) takes its seed from this one helper, so a single
    variable moves all of them: `COURSE_SEED=1 course run 02` re-runs chapter
    02 with other seeds, which is how the course checks that each claim is a
    property of the method and not of one lucky draw. With the variable unset,
    `seed(n)` is `n`.

    Example:
        >>> import os
        >>> from course_lib import seed
        >>> os.environ.pop("COURSE_SEED", None) and None
        >>> seed(0), seed(7)
        (0, 7)
        >>> os.environ["COURSE_SEED"] = "2"
        >>> seed(0), seed(7)
        (2000, 2007)
        >>> del os.environ["COURSE_SEED"]
    """
    return _shifted(number, seed_offset())


def cpu_subprocess_environment(**variables: str) -> dict[str, str]:
    """The environment for a training subprocess that runs on the CPU.

    This process's environment with every GPU hidden (`CUDA_VISIBLE_DEVICES`
    empty), so that a child started from a notebook on a GPU runtime does not
    try to claim the GPU memory the notebook's kernel holds, plus `variables`.

    Example:
        >>> cpu_subprocess_environment(TF_CPP_MIN_LOG_LEVEL="3")["CUDA_VISIBLE_DEVICES"]
        ''
    """
    return dict(os.environ, CUDA_VISIBLE_DEVICES="", **variables)


def onednn_enabled() -> bool:
    """Whether the loaded TensorFlow runs its oneDNN kernels (fixed when it was imported)."""
    try:
        from tensorflow.python.util import _pywrap_util_port
    except ImportError:  # a TensorFlow build without the probe
        return False
    return bool(_pywrap_util_port.IsMklEnabled())


def _shifted(number: int, offset: int) -> int:
    return number + SEED_STRIDE * offset


def quiet_tensorflow_logs() -> bool:
    """Silence TensorFlow's C++ logs; returns False when it is too late.

    The variables are read once, when TensorFlow is first imported; after that
    only the Python-side loggers can still be quietened.
    """
    already_imported = "tensorflow" in sys.modules
    for name, value in QUIET_TENSORFLOW_ENV.items():
        os.environ.setdefault(name, value)
    import logging

    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    return not already_imported


@contextlib.contextmanager
def _stderr_silenced():
    """Send file descriptor 2 to /dev/null for the duration of the block.

    TensorFlow's native code logs a few lines (CUDA stubs, CPU features) to
    the process's stderr before its logging is configured, ignoring
    `TF_CPP_MIN_LOG_LEVEL`; Jupyter would record them as cell output.
    Python exceptions are unaffected: they propagate as usual.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(devnull)
        os.close(saved)


def detect_accelerator() -> tuple[str, int]:
    """Return ("TPU" | "GPU" | "CPU", number of accelerator devices).

    It lists physical devices only, which leaves TensorFlow's devices unset, so
    `course_lib.distribute.split_cpu` still works after `setup`.
    """
    import tensorflow as tf

    from course_lib.distribute import tpu_present

    tpus = tf.config.list_physical_devices("TPU")
    if tpus or tpu_present():
        return "TPU", len(tpus)
    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        return "GPU", len(gpus)
    return "CPU", 0


def setup(seed: int = 42, deterministic: bool = True, verbose: bool = True) -> Environment:
    """Seed everything, make ops deterministic, quiet the logs and report.

    Call it once, at the top of a notebook, before building any model.

    Args:
        seed: seed for Python's `random`, NumPy and TensorFlow
            (through `keras.utils.set_random_seed`), moved by the seed offset
            in `$COURSE_SEED` like every seed of the course (see `seed`).
        deterministic: also call `tf.config.experimental.enable_op_determinism()`,
            so that a run gives the same bits on the same kind of machine.
        verbose: print the one-line report.

    Returns:
        The detected `Environment`.

    Raises:
        RuntimeError: when the installed Keras is not Keras 3.

    Example:
        >>> import course_lib
        >>> env = course_lib.setup(seed=0, verbose=False)
        >>> env.seed, env.accelerator in {"CPU", "GPU", "TPU"}
        (0, True)
    """
    logs_quiet = quiet_tensorflow_logs()
    with _stderr_silenced():
        import keras
        import tensorflow as tf

        accelerator, count = detect_accelerator()

    # TensorFlow resets its Python logger on import: quieten it again (this is
    # what prints retracing warnings into cells).
    tf.get_logger().setLevel("ERROR")
    if not keras.__version__.startswith("3."):
        raise RuntimeError(
            f"This course needs Keras 3, found Keras {keras.__version__}. "
            'Run: pip install --upgrade "keras>=3.8"'
        )
    offset = seed_offset()
    keras.utils.set_random_seed(_shifted(seed, offset))
    if deterministic:
        tf.config.experimental.enable_op_determinism()
    if accelerator == "GPU":
        # Ampere and newer GPUs multiply float32 matrices in TF32 (10-bit mantissa) by
        # default; the course's float32 comparisons (1e-5 and tighter) need float32.
        tf.config.experimental.enable_tensor_float_32_execution(False)
    env = Environment(
        seed=seed,
        seed_offset=offset,
        deterministic=deterministic,
        tensorflow_version=tf.__version__,
        keras_version=keras.__version__,
        backend=keras.backend.backend(),
        accelerator=accelerator,
        gpu_count=count if accelerator == "GPU" else 0,
        in_colab="google.colab" in sys.modules,
        logs_quiet=logs_quiet,
        onednn=onednn_enabled(),
    )
    if verbose:
        print(env.report())
    return env
