"""Stratified k-fold written from scratch in Rust (src/stratified.rs)."""

from __future__ import annotations

import numpy as np

import ml_demos_rs


def main(y: np.ndarray, k: int = 5, seed: int = 0):
    """Stratified k-fold of the samples labelled `y`: a list of `k` index arrays."""
    return ml_demos_rs.stratified_kfold_indices(y, k, seed=seed)


if __name__ == "__main__":
    from ml_data import class_labels

    y = class_labels(100_000, seed=0)
    print([len(fold) for fold in main(y)])
