"""The inference tests: make py_project importable first (see inference_testing.py)."""

import inference_testing  # noqa: F401  (puts py_project on sys.path)
