"""The hand-written forward pass compiled to WebAssembly (``wasm32-unknown-unknown``) and
run by the ``wasmtime`` package: ``inference_rs.wasm.WasmMlp``.

One thread, 128-bit vectors (simd128), and every call copies X into the module's memory
and the probabilities out of it: what a browser or an edge runtime would do.
"""

from __future__ import annotations

import numpy as np
from inference_data import digits_pipeline, noisy_digits

import inference_rs
from inference_rs.wasm import WasmMlp


def load_model() -> WasmMlp:
    args, kwargs = inference_rs.scratch_arguments(digits_pipeline())
    return WasmMlp(*args, **kwargs)


def main(model: WasmMlp, X: np.ndarray) -> np.ndarray:
    return model.predict_proba(X)


if __name__ == "__main__":
    X = noisy_digits(5, seed=0)
    print(main(load_model(), X).argmax(axis=1))
