"""Stratified k-fold written by hand in plain Python: the baseline.

Same rule as scikit-learn's `StratifiedKFold(shuffle=True)`: the samples, sorted by
class (classes in order of first appearance), are dealt to the folds in turn; that
decides how many samples of each class each fold gets, and which ones is shuffled.
Returns the k index arrays (the test rows of each fold).
"""

from __future__ import annotations

import random

import numpy as np


def kfold_indices(labels: list[int], k: int, rng: random.Random) -> list[list[int]]:
    if k < 2 or k > len(labels):
        raise ValueError(f"k must be between 2 and the number of samples, got {k}")
    code_of: dict[int, int] = {}  # class label -> class number, by first appearance
    codes = []
    for label in labels:
        if label not in code_of:
            code_of[label] = len(code_of)
        codes.append(code_of[label])
    counts = [0] * len(code_of)
    for code in codes:
        counts[code] += 1
    if all(count < k for count in counts):
        raise ValueError(f"k={k} is larger than the number of samples in every class")
    # Deal the samples, sorted by class, to the folds in turn.
    allocation = [[0] * len(counts) for _ in range(k)]
    position = 0
    for code, count in enumerate(counts):
        for _ in range(count):
            allocation[position % k][code] += 1
            position += 1
    fold_of_member = []
    for code in range(len(counts)):
        folds = [fold for fold in range(k) for _ in range(allocation[fold][code])]
        rng.shuffle(folds)
        fold_of_member.append(folds)
    next_member = [0] * len(counts)
    folds: list[list[int]] = [[] for _ in range(k)]
    for i, code in enumerate(codes):
        folds[fold_of_member[code][next_member[code]]].append(i)
        next_member[code] += 1
    return folds


def main(y: np.ndarray, k: int = 5, seed: int = 0):
    """Stratified k-fold of the samples labelled `y`: a list of `k` index arrays."""
    folds = kfold_indices(y.tolist(), k, random.Random(seed))
    return [np.array(fold, dtype=np.int64) for fold in folds]


if __name__ == "__main__":
    from ml_data import class_labels

    y = class_labels(100_000, seed=0)
    for i, fold in enumerate(main(y)):
        labels, counts = np.unique(y[fold], return_counts=True)
        per_class = dict(zip(labels.tolist(), counts.tolist(), strict=True))
        print(f"fold {i}: {len(fold)} rows, per class {per_class}")
