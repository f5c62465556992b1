"""Stratified train/test split by scikit-learn: `train_test_split(..., stratify=y)`.

Splitting `np.arange(n)` instead of the data gives the row indices.
"""

from __future__ import annotations

import numpy as np
from sklearn.model_selection import train_test_split


def main(y: np.ndarray, test_size: float = 0.2, seed: int = 0):
    """Stratified split of the samples labelled `y`: `(train_idx, test_idx)`."""
    train, test = train_test_split(
        np.arange(len(y)), test_size=test_size, stratify=y, random_state=seed
    )
    return train, test


if __name__ == "__main__":
    from ml_data import class_labels

    y = class_labels(100_000, seed=0)
    train, test = main(y)
    print(f"{len(train)} train / {len(test)} test rows")
