"""Stratified k-fold by scikit-learn: `StratifiedKFold(k, shuffle=True)`.

`split` yields (train, test) index pairs; the k test arrays are the folds.
"""

from __future__ import annotations

import numpy as np
from sklearn.model_selection import StratifiedKFold


def main(y: np.ndarray, k: int = 5, seed: int = 0):
    """Stratified k-fold of the samples labelled `y`: a list of `k` index arrays."""
    splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    return [test for _, test in splitter.split(np.zeros(len(y)), y)]


if __name__ == "__main__":
    from ml_data import class_labels

    y = class_labels(100_000, seed=0)
    print([len(fold) for fold in main(y)])
