"""No credit for calling the built-in that an exercise asks the learner to write.

An exercise may name objects its answer must not use: Keras's own version of
what it asks for (`keras.optimizers.Lion`, `keras.losses.huber`), or the
course_lib object that implements the same thing. Two checks enforce it, in
`check` (the public cases, in the learner's kernel) and in the grader's probes
(in the student's kernel, never in the reference's):

* `delegation(answer, names)`: the answer *is* one of them, a subclass of one,
  or a `functools.partial` of one (`Lion = keras.optimizers.Lion`);
* `Tripwire(names)`: while it is active, each named object raises
  `ForbiddenBuiltin` when it is called with learner code on the call stack
  (a function defined in a notebook cell), directly or through other
  libraries, and records that it was. Library code that calls it on its own,
  a harness for instance, is not affected. Every path reaches it: a class is
  guarded on itself (`__init__`, `__call__`), a function wherever a loaded
  module or the learner's namespace holds it (`keras.losses`, its defining
  `keras.src` module, `tf.keras`, names the learner imported).

Example:
    >>> import functools, keras
    >>> delegation(functools.partial(keras.losses.huber, delta=2.0), ["keras.losses.huber"])
    'keras.losses.huber'
    >>> with Tripwire(["keras.losses.huber"]) as wire:
    ...     value = keras.losses.huber([0.0], [1.0])  # no notebook code on the stack here
    >>> wire.used
    []
"""

from __future__ import annotations

import functools
import importlib
import sys
from collections.abc import Iterable
from typing import Any

#: The exception's name, as the grading kernel reports it.
FORBIDDEN = "ForbiddenBuiltin"


class ForbiddenBuiltin(Exception):
    """Raised when learner code calls a built-in its exercise asks the learner to write."""


def message(name: str) -> str:
    """What the learner is told: which built-in the exercise asks them to write themselves."""
    return f"the answer uses {name}, which this exercise asks you to write yourself"


def resolve(name: str) -> Any:
    """The object a dotted name refers to, e.g. `keras.optimizers.Lion`.

    Raises:
        ImportError: no importable prefix of the name, or no such attribute.
    """
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attribute in parts[cut:]:
            try:
                found = getattr(found, attribute)
            except AttributeError as error:
                raise ImportError(f"{name!r} names nothing: no attribute {attribute!r}") from error
        return found
    raise ImportError(f"{name!r} names nothing importable")


def delegation(answer: Any, names: Iterable[str]) -> str | None:
    """The forbidden name `answer` is, subclasses or partially applies; None if none."""
    target = answer
    while isinstance(target, functools.partial):
        target = target.func
    for name in names:
        forbidden = resolve(name)
        if target is forbidden:
            return name
        if (
            isinstance(target, type)
            and isinstance(forbidden, type)
            and issubclass(target, forbidden)
        ):
            return name
    return None


def _is_notebook_code(code) -> bool:
    filename = code.co_filename
    cell = "ipykernel_" in filename or filename.startswith("<ipython-input-")
    return cell and code.co_name != "<module>"


def _called_from_notebook() -> bool:
    frame = sys._getframe(2)
    while frame is not None:
        if _is_notebook_code(frame.f_code):
            return True
        frame = frame.f_back
    return False


class Tripwire:
    """While active, the named objects refuse calls from learner code, and say so.

    Args:
        names: dotted names of the forbidden objects.
        namespace: more globals to guard names in, besides every loaded module's
            (a notebook's own namespace is `__main__`'s, so it is among those).
    """

    def __init__(self, names: Iterable[str], namespace: dict[str, Any] | None = None):
        self.names = tuple(names)
        self.namespace = namespace if namespace is not None else {}
        #: The names learner code called while the wire was active.
        self.used: list[str] = []
        self._undo: list[tuple[Any, str, Any, bool]] = []

    def _guard(self, name: str, original):
        @functools.wraps(original)
        def guarded(*args, **kwargs):
            if _called_from_notebook():
                self.used.append(name)
                raise ForbiddenBuiltin(message(name))
            return original(*args, **kwargs)

        return guarded

    def _set(self, owner: Any, attribute: str, value: Any) -> None:
        had = attribute in vars(owner) if isinstance(owner, type) else attribute in owner
        before = (vars(owner) if isinstance(owner, type) else owner).get(attribute)
        self._undo.append((owner, attribute, before, had))
        if isinstance(owner, type):
            setattr(owner, attribute, value)
        else:
            owner[attribute] = value

    def __enter__(self) -> Tripwire:
        for name in self.names:
            forbidden = resolve(name)
            if isinstance(forbidden, type):
                for method in ("__init__", "__call__"):
                    defined = [vars(c)[method] for c in forbidden.__mro__[:-1] if method in vars(c)]
                    if defined:  # its own or an ancestor's, not object's or the metaclass's
                        self._set(forbidden, method, self._guard(name, defined[0]))
                continue
            places = [vars(module) for module in list(sys.modules.values()) if module]
            for place in [*places, self.namespace]:
                for attribute, value in list(place.items()):
                    if value is forbidden:
                        self._set(place, attribute, self._guard(name, forbidden))
        return self

    def __exit__(self, *exc_info) -> None:
        for owner, attribute, before, had in reversed(self._undo):
            if isinstance(owner, type):
                if had:
                    setattr(owner, attribute, before)
                else:
                    delattr(owner, attribute)
            elif had:
                owner[attribute] = before
            else:
                owner.pop(attribute, None)
        self._undo.clear()
