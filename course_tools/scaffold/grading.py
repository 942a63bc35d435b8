"""Hidden probes (inputs only), tolerances and points: for the grader, never for students.

Expected values are never written here: the grader runs the answers of
`solution.ipynb` on these inputs and compares each submission's results with
them, outside the student's kernel.

PROBES     every exercise: a list of argument tuples (numbers, lists, tuples,
           strings, NumPy arrays). Keep them different from the public cases.
POINTS     every exercise: its points.
TOLERANCE  optional (rtol, atol) per exercise; the default is (1e-5, 1e-6).
HARNESS    an exercise answered by a Keras object: "module:function" that uses the
           object for real and returns numbers (here a function of public_cases.py).
BAND       an experiment, whose last argument is a seed: the solution runs every
           probe once per seed in "seeds"; a submission passes when its result on the
           probe's own seed lies within what those runs span, widened by "margin".
REVEAL     exercises whose feedback (`course grade --feedback`) may quote the grader's
           message in full: a hidden input, the expected value and the student's. Empty,
           students see each exercise's status and how many hidden cases passed.
EQUIVALENT optional: mutants of an answer that `course mutants` should not report as
           holes, each with why it behaves like the answer:
           {"exercise_id": {"L6:14-56 drop right term": "the reason"}}.
FORBID     optional: per exercise, the dotted names of built-ins its answer must not
           use (e.g. ["keras.layers.Dense"] for an exercise that writes a dense
           layer): an answer that is or calls one earns 0, status "forbidden".
"""

import numpy as np

_rng = np.random.default_rng(20261124)

PROBES = {
    # Labels as lists: the grader hands every NumPy array to the student as float64.
    "cross_entropy": [
        (_rng.normal(0, 3, (8, 5)), _rng.integers(0, 5, 8).tolist()),
        (_rng.normal(0, 1, (3, 2)), [1, 0, 1]),
        (np.array([[800.0, -800.0, 0.0, 1.0]]), [1]),  # overflows without the shift
    ],
    # (units, steps, seed), run through public_cases.train_with_layer.
    "MyDense": [(3, 5, 11), (8, 3, 12)],
    # (learning_rate, seed): graded against the solution's runs over BAND's seeds.
    "final_loss": [(0.01, 101), (0.3, 102)],
}

POINTS = {"cross_entropy": 2, "MyDense": 2, "final_loss": 2}

TOLERANCE = {"MyDense": (1e-4, 1e-6)}

HARNESS = {"MyDense": "public_cases:train_with_layer"}

BAND = {"final_loss": {"seeds": range(4), "margin": 0.025}}

REVEAL: set[str] = set()
