"""Stratified train/test split written by hand in plain Python: the baseline.

Same rule as scikit-learn's `train_test_split(..., stratify=y)`: each class gets its
share of the train set rounded down, the missing samples go to the classes with the
largest remainders (ties at random), and the test set is drawn the same way from the
rest. Returns index arrays.
"""

from __future__ import annotations

import math
import random

import numpy as np


def approximate_mode(class_counts: list[int], n_draws: int, rng: random.Random) -> list[int]:
    """How many of `n_draws` samples each class gets (scikit-learn's rounding rule)."""
    total = sum(class_counts)
    continuous = [count / total * n_draws for count in class_counts]
    drawn = [math.floor(c) for c in continuous]
    missing = n_draws - sum(drawn)
    remainders = [c - f for c, f in zip(continuous, drawn, strict=True)]
    for level in sorted(set(remainders), reverse=True):
        if missing <= 0:
            break
        tied = [i for i, r in enumerate(remainders) if r == level]
        for i in rng.sample(tied, min(len(tied), missing)):
            drawn[i] += 1
        missing -= min(len(tied), missing)
    return drawn


def train_test_indices(labels: list[int], test_size: float, rng: random.Random):
    n = len(labels)
    n_test = math.ceil(test_size * n)
    n_train = n - n_test
    members: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        members.setdefault(label, []).append(i)
    classes = sorted(members)
    counts = [len(members[c]) for c in classes]
    if min(counts) < 2:
        raise ValueError("every class needs at least 2 samples for a stratified split")
    if n_train < len(classes) or n_test < len(classes):
        raise ValueError("train and test sets must hold at least one sample of each class")
    train_counts = approximate_mode(counts, n_train, rng)
    left = [c - t for c, t in zip(counts, train_counts, strict=True)]
    test_counts = approximate_mode(left, n_test, rng)
    train: list[int] = []
    test: list[int] = []
    for c, n_class_train, n_class_test in zip(classes, train_counts, test_counts, strict=True):
        chosen = members[c][:]
        rng.shuffle(chosen)
        train.extend(chosen[:n_class_train])
        test.extend(chosen[n_class_train : n_class_train + n_class_test])
    rng.shuffle(train)
    rng.shuffle(test)
    return train, test


def main(y: np.ndarray, test_size: float = 0.2, seed: int = 0):
    """Stratified split of the samples labelled `y`: `(train_idx, test_idx)`."""
    train, test = train_test_indices(y.tolist(), test_size, random.Random(seed))
    return np.array(train, dtype=np.int64), np.array(test, dtype=np.int64)


if __name__ == "__main__":
    from ml_data import class_labels

    y = class_labels(100_000, seed=0)
    train, test = main(y)
    print(f"{len(train)} train / {len(test)} test rows")
    for label in np.unique(y):
        in_train, in_test = np.sum(y[train] == label), np.sum(y[test] == label)
        print(f"  class {label}: {in_train} train, {in_test} test")
