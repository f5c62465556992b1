"""The exported ONNX file run by ONNX Runtime from Rust, through its C API: the ``ort``
crate (``inference_rs.OrtModel``), with the library of the installed onnxruntime wheel.

The same engine as infer_py_onnxruntime; what differs is the way in (Rust, no Python
objects per call) and the input, handed over in place.
"""

from __future__ import annotations

import numpy as np
from inference_data import digits_onnx, noisy_digits

import inference_rs
from workshop.bench import pinned_threads


def load_model() -> inference_rs.OrtModel:
    return inference_rs.OrtModel(digits_onnx(), threads=pinned_threads())


def main(model: inference_rs.OrtModel, X: np.ndarray) -> np.ndarray:
    return model.predict_proba(X)


if __name__ == "__main__":
    X = noisy_digits(5, seed=0)
    print(main(load_model(), X).argmax(axis=1))
