"""Stratified train/test split written from scratch in Rust (src/stratified.rs)."""

from __future__ import annotations

import numpy as np

import ml_demos_rs


def main(y: np.ndarray, test_size: float = 0.2, seed: int = 0):
    """Stratified split of the samples labelled `y`: `(train_idx, test_idx)`."""
    return ml_demos_rs.stratified_train_test_indices(y, test_size, seed=seed)


if __name__ == "__main__":
    from ml_data import class_labels

    y = class_labels(100_000, seed=0)
    train, test = main(y)
    print(f"{len(train)} train / {len(test)} test rows")
