"""course_lib: the helper library of the keras-training-course.

Importing it never imports TensorFlow, so that `course_lib.setup()` can still
quieten TensorFlow's logs before TensorFlow loads.

Example:
    >>> import course_lib
    >>> course_lib.__version__
    '0.1.0'
"""

from course_lib.claims import claim
from course_lib.environment import Environment, seed, setup

__version__ = "0.1.0"

__all__ = ["Environment", "__version__", "claim", "predict_with_uncertainty", "seed", "setup"]


def __getattr__(name: str):
    # Imported on first use: it needs Keras, and `import course_lib` must not.
    if name == "predict_with_uncertainty":
        from course_lib.uncertainty import predict_with_uncertainty

        return predict_with_uncertainty
    raise AttributeError(f"module 'course_lib' has no attribute {name!r}")
