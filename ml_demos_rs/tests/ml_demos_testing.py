"""Shared helpers of the lesson-2 tests: the py_project folder on `sys.path`.

The version modules (`kmeans_rust_scratch`, ...) and `ml_data` have names of their own;
the lesson's `suites.py` shares its name with lesson 1's, so it is loaded under the
name `ml_demos_suites` instead of `suites`.
"""

from __future__ import annotations

import importlib
import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

PY_PROJECT = Path(__file__).resolve().parent.parent / "py_project"
if str(PY_PROJECT) not in sys.path:
    sys.path.insert(0, str(PY_PROJECT))


def version(name: str) -> ModuleType:
    """A version module of py_project, e.g. ``version("kmeans_rust_scratch")``."""
    return importlib.import_module(name)


def lesson_suites() -> ModuleType:
    """py_project/suites.py, imported as ``ml_demos_suites``."""
    if "ml_demos_suites" not in sys.modules:
        spec = importlib.util.spec_from_file_location("ml_demos_suites", PY_PROJECT / "suites.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules["ml_demos_suites"] = module
        spec.loader.exec_module(module)
    return sys.modules["ml_demos_suites"]


def run_script(*args: str) -> subprocess.CompletedProcess:
    """Run a py_project script (``measure.py``, ``measure_all.py``) with this Python."""
    return subprocess.run(
        [sys.executable, *args], cwd=PY_PROJECT, capture_output=True, text=True, timeout=600
    )
