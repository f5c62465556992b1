"""Puts this lesson's py_project on sys.path before the test modules import from it."""

import gil_pool_testing  # noqa: F401
