"""The forward pass by hand in NumPy, from the fitted arrays (float32 all along).

What scikit-learn does too, minus its checks and its float64: scale, then each layer's
``x @ W + b`` and activation, then softmax (or one logistic unit for a binary model).
"""

from __future__ import annotations

import numpy as np
from inference_data import Weights, digits_pipeline, noisy_digits, weights_of

ACTIVATIONS = {
    "identity": lambda z: z,
    "relu": lambda z: np.maximum(z, 0, out=z),
    "tanh": lambda z: np.tanh(z, out=z),
    "logistic": lambda z: np.reciprocal(1 + np.exp(-z)),
}


def load_model() -> Weights:
    return weights_of(digits_pipeline())


def forward(weights: Weights, X: np.ndarray) -> np.ndarray:
    z = (X - weights.mean) / weights.scale
    activation = ACTIVATIONS[weights.activation]
    last = len(weights.coefs) - 1
    for i, (w, b) in enumerate(zip(weights.coefs, weights.intercepts, strict=True)):
        z = z @ w + b
        if i < last:
            z = activation(z)
    if z.shape[1] == 1:  # binary: one logistic unit gives p, the classes are [1 - p, p]
        p = 1 / (1 + np.exp(-z))
        return np.hstack([1 - p, p])
    z = np.exp(z - z.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


def main(model: Weights, X: np.ndarray) -> np.ndarray:
    return forward(model, X)


if __name__ == "__main__":
    X = noisy_digits(5, seed=0)
    print(main(load_model(), X).argmax(axis=1))
