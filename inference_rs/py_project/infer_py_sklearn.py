"""The baseline: scikit-learn's own ``Pipeline.predict_proba`` on the fitted model."""

from __future__ import annotations

import numpy as np
from inference_data import digits_pipeline, noisy_digits


def load_model():
    return digits_pipeline()


def main(model, X: np.ndarray) -> np.ndarray:
    return model.predict_proba(X)


if __name__ == "__main__":
    X = noisy_digits(5, seed=0)
    print(main(load_model(), X).argmax(axis=1))
