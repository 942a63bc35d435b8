"""The code the grader runs inside a kernel: call a function on probe inputs.

It reads encoded inputs from a file, calls the named function once per probe
and writes encoded results (or the exception each call raised) to another
file. An exercise whose answer is a Keras object (a Loss, Layer, Callback,
initialiser subclass, or a training step) names a *harness* in its grading
file, `"module:function"`: the harness receives the student's object and the
probe's inputs, uses the object for real in a small model, and returns
numbers. It never sees expected values: comparing happens in the grader process.
A student who patches this module only changes what their own kernel reports.
"""

from __future__ import annotations

import functools
import importlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from course_lib.checks.forbid import FORBIDDEN, Tripwire, delegation, message
from course_lib.checks.values import NotGradable, decode, encode


def _error(error: BaseException) -> dict[str, str]:
    return {"error": type(error).__name__, "message": str(error)[-500:]}


def _forbidden(wire: Tripwire) -> dict[str, str] | None:
    return {"error": FORBIDDEN, "message": message(wire.used[0])} if wire.used else None


def load_harness(spec: str) -> Callable[..., Any]:
    """The function `"package.module:function"` names."""
    module, _, function = spec.partition(":")
    return getattr(importlib.import_module(module), function)


def run_probes(
    namespace: dict[str, Any],
    name: str,
    inputs_path: str,
    results_path: str,
    harness: str | None = None,
    forbid: tuple[str, ...] = (),
) -> None:
    """Call `namespace[name]` (through `harness`, if named) on every probe; write `results_path`.

    An answer that is, or calls, one of the `forbid` built-ins gets a `ForbiddenBuiltin`
    error for that probe (`course_lib.checks.forbid`), even if it caught the refusal.
    """
    probes = [decode(item) for item in json.loads(Path(inputs_path).read_text())]
    answer = namespace.get(name)
    results: list[dict[str, Any]] = []
    delegated = delegation(answer, forbid) if callable(answer) else None
    if not callable(answer):
        results = [{"error": "NameError", "message": f"nothing callable named {name!r} is defined"}]
    elif delegated:
        results = [{"error": FORBIDDEN, "message": message(delegated)}] * len(probes)
    else:
        call = answer if harness is None else functools.partial(load_harness(harness), answer)
        for args in probes:
            wire = Tripwire(forbid, namespace)
            try:
                with wire:
                    value = call(*args)
            except NotImplementedError as error:
                results.append(_error(error))
                break
            except (Exception, SystemExit) as error:  # graded, never raised
                results.append(_forbidden(wire) or _error(error))
                continue
            if wire.used:  # the answer caught the refusal and went on
                results.append(_forbidden(wire))
                continue
            try:
                results.append({"value": encode(value)})
            except NotGradable as error:
                results.append({"unencodable": str(error)})
            except Exception as error:  # an adversarial __array__ or __len__
                results.append({"unencodable": _error(error)["message"]})
    Path(results_path).write_text(json.dumps(results))
