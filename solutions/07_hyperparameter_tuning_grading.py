"""Chapter 07: hidden probes (inputs only), tolerances and points; read by the grader."""

PROBES = {
    # (examples, folds, fold)
    "kfold_split": [(7, 2, 0), (7, 2, 1), (50, 4, 2), (101, 10, 9), (5, 5, 3)],
    # (top_fraction, confidence)
    "trials_needed": [(0.1, 0.95), (0.02, 0.99), (0.25, 0.5), (0.001, 0.9)],
    # (seed,), run through the harness below: a 3-trial RandomSearch with the hypermodel.
    "TunedMLP": [(41,), (42,)],
    # (learning_rate, seed): graded against the reference's runs over BAND's seeds.
    "cross_validated_accuracy": [(0.002, 131), (0.01, 132), (0.05, 133)],
}

TOLERANCE = {
    "kfold_split": (0.0, 0.0),
    "trials_needed": (0.0, 0.0),
    "TunedMLP": (1e-6, 1e-9),
}

HARNESS = {"TunedMLP": "course_lib.checks.harness:hypermodel_search"}

BAND = {"cross_validated_accuracy": {"seeds": range(4), "margin": 0.03}}

POINTS = {
    "kfold_split": 1,
    "trials_needed": 1,
    "TunedMLP": 2,
    "cross_validated_accuracy": 2,
}

# Built-ins (and course_lib counterparts) an answer must not use: it earns 0 if it does.
# The same as each exercise's `forbid` in course_lib/checks (a test keeps them equal).
FORBID = {
    "kfold_split": ["sklearn.model_selection.KFold"],
}
