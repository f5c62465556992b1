"""The exported ONNX file run by tract, the pure-Rust engine: ``inference_rs.TractModel``.

Loaded once, with the input fact set to (B, 64) float32 and optimised (``into_optimized``)
for any batch size B; tract's matrix products get as many threads as the others.
"""

from __future__ import annotations

import numpy as np
from inference_data import digits_onnx, noisy_digits

import inference_rs
from workshop.bench import pinned_threads


def load_model() -> inference_rs.TractModel:
    return inference_rs.TractModel(digits_onnx(), threads=pinned_threads())


def main(model: inference_rs.TractModel, X: np.ndarray) -> np.ndarray:
    return model.predict_proba(X)


if __name__ == "__main__":
    X = noisy_digits(5, seed=0)
    print(main(load_model(), X).argmax(axis=1))
