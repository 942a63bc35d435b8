"""course_tools: the tooling of the keras-training-course, apart from what learners import.

The `course` command line (`course_tools.cli`), the chapter layout, notebook
execution and normalisation, exercise generation, seed-offset verification
and the sandboxed batch grader (`course_tools.grading`). Learners import
`course_lib`; instructors and the test suite use this package.

Example:
    >>> from course_tools.chapters import colab_url
    >>> colab_url("notebooks/00_training_loop.ipynb").endswith("00_training_loop.ipynb")
    True
"""
