"""course_lib: the helper library of the keras-training-course.

Importing it never imports TensorFlow, so that `course_lib.setup()` can still
quieten TensorFlow's logs before TensorFlow loads.

Example:
    >>> import course_lib
    >>> course_lib.__version__
    '0.1.0'
"""

import importlib

from course_lib.claims import claim
from course_lib.environment import Environment, seed, setup

__version__ = "0.1.0"

__all__ = ["Environment", "__version__", "claim", "predict_with_uncertainty", "seed", "setup"]


#: Names imported on first use, with their module: they need Keras, and
#: `import course_lib` must not import it.
_LAZY = {"predict_with_uncertainty": "course_lib.uncertainty"}


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'course_lib' has no attribute {name!r}")
