"""Shared helpers of the inference lesson's tests: py_project on ``sys.path``, the four
engines built from one fitted pipeline, and the lesson's results rule.

Test names carry the stage name of what they decide (``infer_rust_scratch``,
``infer_wasm_scratch``, ...), so ``pytest inference_rs/tests -k <stage>`` runs exactly
the tests of one exercise.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path
from types import ModuleType

PY_PROJECT = Path(__file__).resolve().parent.parent / "py_project"
if str(PY_PROJECT) not in sys.path:
    sys.path.insert(0, str(PY_PROJECT))

import numpy as np  # noqa: E402
from inference_data import export_onnx  # noqa: E402

import inference_rs  # noqa: E402
from inference_rs.wasm import WasmMlp  # noqa: E402

# The stage that each engine is: the ids of the parametrised tests.
ENGINES = ["infer_rust_scratch", "infer_rust_tract", "infer_rust_ort", "infer_wasm_scratch"]


def version(name: str) -> ModuleType:
    """A stage module of py_project, e.g. ``version("infer_rust_scratch")``."""
    return importlib.import_module(name)


def lesson_suites() -> ModuleType:
    return importlib.import_module("inference_suites")


def engine(stage: str, pipe, name: str = "model", folder: Path | None = None):
    """The engine of `stage` for a fitted pipeline (the ONNX engines load its export)."""
    if stage in ("infer_rust_scratch", "infer_wasm_scratch"):
        args, kwargs = inference_rs.scratch_arguments(pipe)
        cls = inference_rs.ScratchMlp if stage == "infer_rust_scratch" else WasmMlp
        return cls(*args, **kwargs)
    path = export_onnx(pipe, name, folder) if folder else export_onnx(pipe, name)
    if stage == "infer_rust_tract":
        return inference_rs.TractModel(path, threads=2)
    if stage == "infer_rust_ort":
        return inference_rs.OrtModel(path, threads=2)
    raise ValueError(stage)


def assert_results_rule(expected: np.ndarray, actual: np.ndarray) -> None:
    """Probabilities within 1e-4, same classes except near-ties (inference_suites.py)."""
    lesson_suites().check_results(np.asarray(expected, dtype=np.float32), actual)


def run_script(*args: str) -> subprocess.CompletedProcess:
    """Run a py_project script (``measure.py``, ``measure_all.py``) with this Python."""
    return subprocess.run(
        [sys.executable, *args], cwd=PY_PROJECT, capture_output=True, text=True, timeout=900
    )
