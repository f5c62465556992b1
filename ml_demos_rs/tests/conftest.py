"""Lesson-2 tests: make py_project importable (see ml_demos_testing.py)."""

import ml_demos_testing  # noqa: F401  (puts py_project on sys.path)
