"""Pick a `tf.distribute` strategy for the hardware at hand, and split a CPU to practise on.

Introduced in chapter 09 ("Distributed training on GPU and TPU"). `get_strategy`
picks, in this order: a TPU (`TPUStrategy`), several GPUs (`MirroredStrategy`),
one GPU, several logical CPU devices (`MirroredStrategy` again), or the CPU
alone, and says what it picked and why. `split_cpu` makes the logical CPU
devices, so data parallelism runs for real on a laptop: the replicas share
the same cores, so it shows the mechanics and the overhead, not a speed-up.
`precision_policy` names the mixed-precision policy that pays on each kind
of device, CPUs with bfloat16 instructions included.

The TPU path follows Colab's TPU VM runtime (`TPUClusterResolver(tpu="local")`,
with TensorFlow's TPU build); the course has not run it on TPU hardware.

Example:
    >>> choose_strategy(tpu=False, gpus=0, cpu_devices=4).kind
    'cpu-replicas'
    >>> precision_policy("one-gpu"), precision_policy("cpu", native_bfloat16=False)
    ('mixed_float16', 'float32')
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "StrategyChoice",
    "choose_strategy",
    "cpu_bfloat16_instructions",
    "get_strategy",
    "gpu_compute_capability",
    "native_bfloat16_cpu",
    "precision_policy",
    "split_cpu",
]


@dataclass(frozen=True)
class StrategyChoice:
    """What `get_strategy` picked: `kind`, how many replicas, and why."""

    kind: str
    replicas: int
    reason: str


def choose_strategy(tpu: bool, gpus: int, cpu_devices: int) -> StrategyChoice:
    """The decision `get_strategy` makes, from what the machine has.

    Args:
        tpu: a TPU is attached (see `tpu_present`).
        gpus: physical GPUs TensorFlow sees.
        cpu_devices: logical CPU devices (more than one after `split_cpu`).

    Example:
        >>> choose_strategy(tpu=False, gpus=2, cpu_devices=1).reason
        '2 GPUs: MirroredStrategy, one replica per GPU, gradients all-reduced'
    """
    if tpu:
        return StrategyChoice("tpu", 0, "a TPU: TPUStrategy, one replica per TPU core")
    if gpus >= 2:
        return StrategyChoice(
            "multi-gpu",
            gpus,
            f"{gpus} GPUs: MirroredStrategy, one replica per GPU, gradients all-reduced",
        )
    if gpus == 1:
        return StrategyChoice("one-gpu", 1, "one GPU: OneDeviceStrategy on it")
    if cpu_devices >= 2:
        return StrategyChoice(
            "cpu-replicas",
            cpu_devices,
            f"no GPU, {cpu_devices} logical CPU devices: "
            "MirroredStrategy over them (they share the same cores)",
        )
    return StrategyChoice("cpu", 1, "no GPU or TPU: OneDeviceStrategy on the CPU")


def tpu_present() -> bool:
    """True on a TPU VM: TensorFlow's TPU build brings `libtpu`, and the chips appear as
    `/dev/accel*`. Not verified on TPU hardware by the course."""
    return importlib.util.find_spec("libtpu") is not None or any(Path("/dev").glob("accel*"))


def split_cpu(devices: int) -> list[str]:
    """Split the CPU into `devices` logical devices; return their names.

    It must run before TensorFlow sets up its devices, which happens at the
    first op (importing Keras or calling `keras.utils.set_random_seed` does
    not). Called again with the same number it does nothing.

    Raises:
        RuntimeError: TensorFlow's devices are already set up differently;
            the message says what to do.
    """
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    try:
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration() for _ in range(devices)]
        )
    except RuntimeError as error:
        existing = tf.config.list_logical_devices("CPU")
        if len(existing) != devices:
            raise RuntimeError(
                f"TensorFlow has already set up {len(existing)} CPU device(s), and they cannot "
                f"be split any more in this process. Restart the kernel and call "
                f"split_cpu({devices}) before anything runs a TensorFlow op."
            ) from error
    return [device.name for device in tf.config.list_logical_devices("CPU")]


def get_strategy():
    """The strategy for this machine, and a `StrategyChoice` saying what and why.

    Several logical CPU devices (from `split_cpu`) are mirrored with
    `ReductionToOneDevice`: a second `MirroredStrategy` with another replica
    count in the same process fails with collective all-reduce ("joining a
    group with size 4, but that group has size 2"), and a CPU has no NCCL.

    Example:
        >>> strategy, choice = get_strategy()
        >>> strategy.num_replicas_in_sync == choice.replicas
        True
    """
    import tensorflow as tf

    choice = choose_strategy(
        tpu_present(),
        len(tf.config.list_physical_devices("GPU")),
        len(tf.config.list_logical_devices("CPU")),
    )
    if choice.kind == "tpu":
        resolver = tf.distribute.cluster_resolver.TPUClusterResolver(tpu="local")
        tf.config.experimental_connect_to_cluster(resolver)
        tf.tpu.experimental.initialize_tpu_system(resolver)
        strategy = tf.distribute.TPUStrategy(resolver)
        return strategy, StrategyChoice("tpu", strategy.num_replicas_in_sync, choice.reason)
    if choice.kind == "multi-gpu":
        return tf.distribute.MirroredStrategy(), choice
    if choice.kind == "cpu-replicas":
        devices = [device.name for device in tf.config.list_logical_devices("CPU")]
        reduction = tf.distribute.ReductionToOneDevice()
        return tf.distribute.MirroredStrategy(devices, cross_device_ops=reduction), choice
    device = "/gpu:0" if choice.kind == "one-gpu" else "/cpu:0"
    return tf.distribute.OneDeviceStrategy(device), choice


def cpu_bfloat16_instructions() -> bool:
    """The CPU has bfloat16 instructions: Linux's `avx512_bf16` or `amx_bf16` flags."""
    cpuinfo = Path("/proc/cpuinfo")
    flags = cpuinfo.read_text() if cpuinfo.exists() else ""
    return " avx512_bf16" in flags or " amx_bf16" in flags


def native_bfloat16_cpu() -> bool:
    """The CPU has bfloat16 instructions and TensorFlow's oneDNN kernels, which use them,
    are on (`TF_ENABLE_ONEDNN_OPTS`, on by default on x86; `course_lib.setup` turns them
    off for reproducible numbers)."""
    onednn = os.environ.get("TF_ENABLE_ONEDNN_OPTS", "1") != "0"
    return onednn and cpu_bfloat16_instructions()


#: The first GPU generation with float16 tensor cores (Volta): its CUDA compute capability.
TENSOR_CORES_FROM = (7, 0)


def gpu_compute_capability() -> tuple[int, int] | None:
    """The first GPU's CUDA compute capability, as TensorFlow reports it; None without one."""
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if not gpus:
        return None
    capability = tf.config.experimental.get_device_details(gpus[0]).get("compute_capability")
    return tuple(capability) if capability else None


def precision_policy(
    kind: str,
    native_bfloat16: bool | None = None,
    compute_capability: tuple[int, int] | None = None,
) -> str:
    """The Keras dtype policy that pays on a kind of device (`StrategyChoice.kind`).

    float16 with loss scaling on GPUs with tensor cores (Volta, compute
    capability 7.0, and newer, Colab's T4 included; Keras wraps the optimiser
    in a `LossScaleOptimizer` at `compile`), float32 on older GPUs, which have
    no float16 tensor cores. bfloat16 would also do from Ampere (8.0) on, but
    not on the T4 (7.5), so float16 is the one policy for every GPU that has
    tensor cores. `compute_capability` is detected (`gpu_compute_capability`)
    when None; a GPU whose capability TensorFlow does not report gets float16.
    bfloat16 on TPUs, which need no loss scaling. On a CPU, bfloat16 only where
    the CPU computes in it natively (`native_bfloat16`, detected by
    `native_bfloat16_cpu` when None), else float32. Measured on a 2-core AMD
    EPYC with AVX512_BF16 (`benchmarks/results/throughput_cpu_onednn_*.md`):
    with oneDNN on, `mixed_bfloat16` trained 1.73x faster than float32 and
    `mixed_float16` 0.73x as fast; with oneDNN off neither gained.

    Example:
        >>> precision_policy("cpu", native_bfloat16=False), precision_policy("cpu", True)
        ('float32', 'mixed_bfloat16')
        >>> precision_policy("one-gpu", compute_capability=(6, 0))  # a P100
        'float32'
    """
    if kind in ("one-gpu", "multi-gpu"):
        if compute_capability is None:
            compute_capability = gpu_compute_capability()
        if compute_capability is not None and tuple(compute_capability) < TENSOR_CORES_FROM:
            return "float32"
        return "mixed_float16"
    if kind == "tpu":
        return "mixed_bfloat16"
    if native_bfloat16 is None:
        native_bfloat16 = native_bfloat16_cpu()
    return "mixed_bfloat16" if native_bfloat16 else "float32"
