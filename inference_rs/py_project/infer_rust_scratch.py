"""The forward pass written by hand in Rust: ``inference_rs.ScratchMlp`` (src/scratch.rs).

Built once from the fitted arrays; each call checks X, releases the GIL and runs the
layers on blocks of rows (in parallel with rayon for a large batch).
"""

from __future__ import annotations

import numpy as np
from inference_data import digits_pipeline, noisy_digits

import inference_rs


def load_model() -> inference_rs.ScratchMlp:
    args, kwargs = inference_rs.scratch_arguments(digits_pipeline())
    return inference_rs.ScratchMlp(*args, **kwargs)


def main(model: inference_rs.ScratchMlp, X: np.ndarray) -> np.ndarray:
    return model.predict_proba(X)


if __name__ == "__main__":
    X = noisy_digits(5, seed=0)
    print(main(load_model(), X).argmax(axis=1))
