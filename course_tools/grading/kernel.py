"""A Jupyter kernel for untrusted code: sandboxed, limited, always ended.

Each kernel runs in its own process group, with an `RLIMIT_DATA` memory
limit (measured: `RLIMIT_AS` aborts TensorFlow at import, whose virtual size
is several times its resident size; `RLIMIT_DATA` lets it run and turns a
memory bomb into `MemoryError`), a file-size limit, and, when bubblewrap is
installed, inside a sandbox with no network, its own PID namespace, no
capabilities and only the paths the grader chooses visible. The grader talks
to it over Unix sockets (`ipc` transport), so it needs no network either.

A cell that runs past its timeout is interrupted; a kernel that does not
answer the interrupt is killed with its whole process tree. Instructor cells
(set-up, data, helpers) get a longer limit than the student's answers
(`Limits.setup_timeout`): importing TensorFlow alone takes 10-30 s on a slow,
loaded laptop, while an endless loop in an answer should cost little.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import queue
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from course_lib.checks.status import Status
from course_tools.notebooks import kernel_environment

INTERRUPT_GRACE_SECONDS = 5.0
START_TIMEOUT_SECONDS = 60.0
#: Default seconds for a student's answer cell, a check cell, or one call on a probe.
CELL_TIMEOUT_SECONDS = 60.0
#: Default seconds for an instructor cell (set-up, data, helpers).
SETUP_TIMEOUT_SECONDS = 120.0
#: Default wall-clock seconds for all of one submission.
SUBMISSION_TIMEOUT_SECONDS = 600.0
#: Default memory per grading kernel, in MiB.
MEMORY_MB = 4096
#: Default number of submissions graded at once.
WORKERS = 1
#: A cell's printed output kept in its `CellResult`; the rest is dropped.
MAX_OUTPUT_CHARS = 20_000


@dataclass(frozen=True)
class CellResult:
    """How one cell ended: OK, ERROR, TIMEOUT or KERNEL_DIED, and what it printed."""

    status: Status
    ename: str = ""
    message: str = ""
    output: str = ""  # stdout and stderr, cut at MAX_OUTPUT_CHARS


@dataclass(frozen=True)
class Limits:
    """What one grading kernel may use.

    Args:
        cell_timeout: seconds for each cell of student code (an answer cell,
            a check cell, one call of an answer on a probe).
        setup_timeout: seconds for each instructor cell (set-up, data,
            helpers), which import and prepare more than an answer does.
        memory_mb: the kernel's data segment, in MiB (`RLIMIT_DATA`).
        file_size_mb: the largest file the kernel may write, in MiB.

    Example:
        >>> Limits(cell_timeout=10.0).setup_timeout == SETUP_TIMEOUT_SECONDS
        True
    """

    cell_timeout: float = CELL_TIMEOUT_SECONDS
    setup_timeout: float = SETUP_TIMEOUT_SECONDS
    memory_mb: int = MEMORY_MB
    file_size_mb: int = 256


@dataclass(frozen=True)
class Sandbox:
    """What a bubblewrap sandbox hides from the kernel (read-only elsewhere)."""

    hidden: tuple[Path, ...] = ()
    visible_inside_hidden: tuple[Path, ...] = ()

    @staticmethod
    def available() -> bool:
        return shutil.which("bwrap") is not None

    def command(self, runtime_dir: Path) -> list[str]:
        args = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
        args += ["--size", str(512 * 2**20), "--tmpfs", "/tmp"]
        for path in self.hidden:
            args += ["--tmpfs", str(path)]
        for path in self.visible_inside_hidden:
            args += ["--ro-bind", str(path), str(path)]
        args += ["--bind", str(runtime_dir), str(runtime_dir)]
        args += ["--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts"]
        args += ["--cap-drop", "ALL", "--die-with-parent", "--chdir", str(runtime_dir), "--"]
        return args


def _limit_resources(limits: Limits):
    def apply() -> None:
        memory = limits.memory_mb * 2**20
        resource.setrlimit(resource.RLIMIT_DATA, (memory, memory))
        size = limits.file_size_mb * 2**20
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return apply


def _environment(home: Path) -> dict[str, str]:
    """A small, explicit environment: nothing of the grader's leaks in."""
    base = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "MPLCONFIGDIR": str(home),
    }
    return kernel_environment(base)


def kernel_package_dirs() -> tuple[Path, ...]:
    """The folders of `course_lib` and `course_tools` as a grading kernel imports them.

    A kernel starts without the grader's `PYTHONPATH`, so when the grader runs
    from a second checkout, its kernels import the installed copy, from another
    folder than the grader's own.
    """
    code = "import course_lib, course_tools; print(course_lib.__file__, course_tools.__file__)"
    with tempfile.TemporaryDirectory(prefix="course-kernel-") as home:
        printed = subprocess.run(
            [sys.executable, "-c", code],
            env=_environment(Path(home)),
            cwd=home,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    return tuple(Path(path).resolve().parent for path in printed.split())


class GradingKernel:
    """One sandboxed kernel: `start()`, `run(code)` cells, and always `kill()` it."""

    def __init__(
        self,
        runtime_dir: Path,
        limits: Limits,
        sandbox: Sandbox | None,
        stop_at: float | None = None,
    ):
        self.runtime_dir = runtime_dir
        self.limits = limits
        self.sandbox = sandbox
        self.stop_at = stop_at
        self.manager = None
        self.client = None

    def start(self) -> None:
        from jupyter_client import KernelManager

        prefix = self.sandbox.command(self.runtime_dir) if self.sandbox else []

        class PrefixedKernelManager(KernelManager):
            def format_kernel_cmd(self, extra_arguments=None):
                return prefix + super().format_kernel_cmd(extra_arguments)

        self.runtime_dir.mkdir(parents=True, exist_ok=True)
        manager = PrefixedKernelManager(
            kernel_name="python3", transport="ipc", ip=str(self.runtime_dir / "kernel")
        )
        manager.connection_file = str(self.runtime_dir / "connection.json")
        self.manager = manager
        log_path = self.runtime_dir / "kernel.log"
        with open(log_path, "wb") as log:
            manager.start_kernel(
                env=_environment(self.runtime_dir),
                cwd=str(self.runtime_dir),
                preexec_fn=_limit_resources(self.limits),
                stdout=log,
                stderr=subprocess.STDOUT,
                # Inside a PID namespace the kernel cannot see the grader's PID, and
                # ipykernel's parent poller would shut it down; bubblewrap's
                # --die-with-parent ties the two together instead.
                independent=self.sandbox is not None,
            )
        self.client = manager.client()
        self.client.start_channels()
        try:
            self.client.wait_for_ready(timeout=START_TIMEOUT_SECONDS)
        except RuntimeError as error:
            self.kill()
            tail = log_path.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"the kernel did not start: {error}\n{tail}") from error

    def alive(self) -> bool:
        return self.manager is not None and self.manager.is_alive()

    def kill(self) -> None:
        """End the kernel and every process it started, whatever state it is in."""
        if self.client is not None:
            self.client.stop_channels()
            self.client = None
        manager, self.manager = self.manager, None
        if manager is None:
            return
        process = getattr(manager.provisioner, "process", None)
        if process is not None:
            _kill_tree(process.pid)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)
        manager.cleanup_resources()

    def run(self, code: str, timeout: float | None = None) -> CellResult:
        """Execute `code`; never waits past `timeout` or the kernel's stop time.

        `timeout` defaults to `Limits.cell_timeout`.
        """
        timeout = self.limits.cell_timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        if self.stop_at is not None:
            deadline = min(deadline, self.stop_at)
        if self.client is None or not self.alive():
            return CellResult(Status.KERNEL_DIED, message="the kernel is not running")
        message_id = self.client.execute(code, store_history=False, allow_stdin=False)
        outcome = self._wait_idle(message_id, deadline)
        if outcome is None:
            outcome = self._reply(message_id)
        return dataclasses.replace(outcome, output="".join(self._output)[:MAX_OUTPUT_CHARS])

    def _wait_idle(self, message_id: str, deadline: float) -> CellResult | None:
        self._error = ("", "")
        self._output: list[str] = []
        self._output_chars = 0
        if self._drain_until_idle(message_id, deadline):
            return None
        if not self.alive():
            return CellResult(Status.KERNEL_DIED, message="the kernel died")
        self._interrupt()
        grace = time.monotonic() + INTERRUPT_GRACE_SECONDS
        if self._drain_until_idle(message_id, grace):
            self._reply(message_id)
            return CellResult(Status.TIMEOUT, message="interrupted after the time limit")
        self.kill()
        return CellResult(Status.TIMEOUT, message="killed: did not stop when interrupted")

    def _interrupt(self) -> None:
        """SIGINT to the Python kernel process only, not to the sandbox around it."""
        import psutil

        try:
            root = psutil.Process(self.manager.provisioner.process.pid)
            family = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return
        for process in family:
            try:
                if process.name() != "bwrap" and "ipykernel" in " ".join(process.cmdline()):
                    process.send_signal(signal.SIGINT)
                    return
            except psutil.NoSuchProcess:
                continue

    def _drain_until_idle(self, message_id: str, deadline: float) -> bool:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            try:
                message = self.client.get_iopub_msg(timeout=min(remaining, 0.5))
            except queue.Empty:
                if not self.alive():
                    return False
                continue
            if message["parent_header"].get("msg_id") != message_id:
                continue
            kind, content = message["msg_type"], message["content"]
            if kind == "error":
                self._error = (content.get("ename", ""), content.get("evalue", ""))
            elif kind == "stream" and self._output_chars < MAX_OUTPUT_CHARS:
                text = str(content.get("text", ""))[:MAX_OUTPUT_CHARS]
                self._output.append(text)
                self._output_chars += len(text)
            elif kind == "status" and content.get("execution_state") == "idle":
                return True

    def _reply(self, message_id: str) -> CellResult:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                reply = self.client.get_shell_msg(timeout=1)
            except queue.Empty:
                if not self.alive():
                    return CellResult(Status.KERNEL_DIED, message="the kernel died")
                continue
            if reply["parent_header"].get("msg_id") == message_id:
                content = reply["content"]
                if content.get("status") == "ok" and not self._error[0]:
                    return CellResult(Status.OK)
                ename = content.get("ename") or self._error[0] or "Error"
                evalue = content.get("evalue") or self._error[1]
                return CellResult(Status.ERROR, ename, str(evalue)[:500])
        return CellResult(Status.KERNEL_DIED, message="the kernel stopped answering")


def _kill_tree(pid: int) -> None:
    import psutil

    try:
        root = psutil.Process(pid)
        family = [*root.children(recursive=True), root]
    except psutil.NoSuchProcess:
        family = []
    for process in family:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.kill()
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)  # the kernel leads its own session
