"""The batch grader: untrusted submissions run in a sandboxed kernel on hidden probes.

Each assignment's probes, tolerances and points live in one file beside its
solution, `solutions/NN_slug_grading.py`; the grader reads that file and the
notebooks, and compares results outside the student's kernel with
`course_lib.checks.values.compare`, the comparison `check` uses. It never
imports the learner-side check modules (`course_lib.checks.chapterNN`).
`course_tools.grading.batch.grade_batch` is the entry point.
"""
