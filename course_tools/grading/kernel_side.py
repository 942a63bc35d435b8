"""The code the grader runs inside a kernel: call a function on probe inputs.

It reads encoded inputs from a file, calls the named function once per probe
and writes encoded results (or the exception each call raised) to another
file. It never sees expected values: comparing happens in the grader process.
A student who patches this module only changes what their own kernel reports.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from course_lib.checks.values import NotGradable, decode, encode


def _error(error: BaseException) -> dict[str, str]:
    return {"error": type(error).__name__, "message": str(error)[-500:]}


def run_probes(namespace: dict[str, Any], name: str, inputs_path: str, results_path: str) -> None:
    """Call `namespace[name]` on every probe in `inputs_path`; write `results_path`."""
    probes = [decode(item) for item in json.loads(Path(inputs_path).read_text())]
    function = namespace.get(name)
    results: list[dict[str, Any]] = []
    if not callable(function):
        results = [{"error": "NameError", "message": f"no function named {name!r} is defined"}]
    else:
        for args in probes:
            try:
                value = function(*args)
            except NotImplementedError as error:
                results.append(_error(error))
                break
            except (Exception, SystemExit) as error:  # graded, never raised
                results.append(_error(error))
                continue
            try:
                results.append({"value": encode(value)})
            except NotGradable as error:
                results.append({"unencodable": str(error)})
            except Exception as error:  # an adversarial __array__ or __len__
                results.append({"unencodable": _error(error)["message"]})
    Path(results_path).write_text(json.dumps(results))
