"""Lesson 2 of the workshop: machine-learning building blocks written in Rust.

- ``kmeans`` / ``kmeans_alamano``: k-means (Lloyd's algorithm, k-means++), from scratch;
  ``kmeans(..., algorithm="hamerly")`` skips the distances that bounds prove useless;
- ``kmeans_linfa``: the same through the linfa library, for comparison;
- ``stratified_train_test_indices`` / ``stratified_train_test_split``: a stratified
  train/test split (index arrays, or the rows themselves);
- ``stratified_kfold_indices`` / ``stratified_kfold_split``: a stratified k-fold;
- ``kmeans_bounds_floor``: the floor of the k-means benchmark (its limit row): one
  iteration's multiply-adds, then one number per row per iteration; no answer;
- ``kmeans_distance_floor``: the floor of Lloyd's full comparison, the multiply-adds of
  the distances in every iteration and nothing else; no answer.

The index functions are the Rust ones; the ``*_split`` functions build the row arrays
from those indices with NumPy.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ml_demos_rs._ml_demos_rs import (
    KMeansResult,
    kmeans,
    kmeans_alamano,
    kmeans_bounds_floor,
    kmeans_distance_floor,
    kmeans_linfa,
    stratified_kfold_indices,
    stratified_train_test_indices,
)

__all__ = [
    "KMeansResult",
    "kmeans",
    "kmeans_alamano",
    "kmeans_bounds_floor",
    "kmeans_distance_floor",
    "kmeans_linfa",
    "stratified_kfold_indices",
    "stratified_kfold_split",
    "stratified_train_test_indices",
    "stratified_train_test_split",
]


def _rows_of(data: Any, y: Any) -> np.ndarray:
    """`data` as an array of rows (axis 0), checked against the labels `y`."""
    rows = np.asarray(data)
    if rows.ndim == 0:
        raise ValueError("data must be an array of rows (at least 1-D), got a scalar")
    if isinstance(y, np.ndarray) and y.ndim == 1 and len(rows) != len(y):
        raise ValueError(
            f"data and y must have the same length: data has {len(rows)} rows, "
            f"y has {len(y)} labels"
        )
    return rows


def stratified_train_test_split(
    data: Any,
    y: np.ndarray,
    test_size: float | None = 0.2,
    train_size: float | None = None,
    seed: int | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Stratified train/test split of the rows of `data`: ``(X_train, X_test, y_train, y_test)``.

    The row indices come from :func:`stratified_train_test_indices` (Rust); the rows
    are copied out of `data` (any dtype, rows along axis 0), which is left untouched.
    """
    rows = _rows_of(data, y)
    train, test = stratified_train_test_indices(y, test_size, train_size, seed)
    return rows[train], rows[test], y[train], y[test]


def stratified_kfold_split(
    data: Any, y: np.ndarray, k: int, seed: int | None = None
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Stratified k-fold of the rows of `data`: ``(list of X folds, list of y folds)``.

    Fold ``i`` holds the rows whose indices are the ``i``-th array of
    :func:`stratified_kfold_indices` (Rust); `data` is left untouched.
    """
    rows = _rows_of(data, y)
    folds = stratified_kfold_indices(y, k, seed)
    return [rows[fold] for fold in folds], [y[fold] for fold in folds]
