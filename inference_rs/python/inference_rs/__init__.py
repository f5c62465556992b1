"""Inference of a scikit-learn model from Rust, three ways (the workshop's inference lesson).

- :class:`ScratchMlp`: the forward pass written by hand in Rust, from the fitted arrays;
- :class:`TractModel`: an exported ONNX file run by tract, an engine written in Rust;
- :class:`OrtModel`: an ONNX file run by ONNX Runtime (C++) through its C API from Rust;
- :class:`inference_rs.wasm.WasmMlp`: the hand-written forward pass compiled to
  WebAssembly and run by the ``wasmtime`` package.

Each has ``predict_proba(X) -> float32 (n, n_classes)`` and ``predict(X) -> int64 (n,)``
for ``X`` a float32 array ``(n, n_features)``.
"""

from __future__ import annotations

from pathlib import Path

from inference_rs._inference_rs import OrtModel, ScratchMlp, TractModel

__all__ = ["OrtModel", "ScratchMlp", "TractModel", "onnxruntime_library", "scratch_arguments"]


def onnxruntime_library() -> Path:
    """The ONNX Runtime shared library that the installed ``onnxruntime`` package ships
    (what :class:`OrtModel` loads when it is not given a ``library``)."""
    import importlib.util

    spec = importlib.util.find_spec("onnxruntime")
    if spec is None or spec.origin is None:
        raise ImportError("OrtModel needs the onnxruntime package: pip install onnxruntime")
    capi = Path(spec.origin).parent / "capi"
    found = sorted(capi.glob("libonnxruntime.so.*")) + sorted(capi.glob("libonnxruntime*.dylib"))
    found += sorted(capi.glob("onnxruntime.dll"))
    if not found:
        raise ImportError(f"no ONNX Runtime shared library in {capi}")
    return found[-1]


def scratch_arguments(pipe) -> tuple[tuple, dict]:
    """The arguments of :class:`ScratchMlp` (and ``WasmMlp``) for a fitted
    ``Pipeline(StandardScaler, MLPClassifier)``: ``ScratchMlp(*args, **kwargs)``."""
    steps = getattr(pipe, "steps", None)
    if not isinstance(steps, list) or len(steps) != 2:
        raise TypeError(
            "pipe must be a fitted Pipeline(StandardScaler, MLPClassifier), "
            f"got {type(pipe).__name__}"
        )
    scaler, mlp = steps[0][1], steps[1][1]
    for what, step, needs in (("first", scaler, "mean_"), ("last", mlp, "coefs_")):
        if not hasattr(step, needs):
            raise ValueError(
                f"the {what} step of pipe must be fitted and have {needs} "
                f"(a StandardScaler, then an MLPClassifier), got {type(step).__name__}"
            )
    return (scaler.mean_, scaler.scale_, mlp.coefs_, mlp.intercepts_), {
        "activation": mlp.activation
    }
