"""Synthetic, seeded inputs for the lesson-2 benchmarks, notebooks and tests.

The k-means problem is built once per (size, seed) and shared by every version, so
each one starts from the same data, the same initial centroids and runs the same
number of iterations; only the clustering itself is timed.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np


def blob_centers(n_clusters: int, n_features: int, rng: np.random.Generator) -> np.ndarray:
    """`n_clusters` centres at least 8 (blob standard deviations) apart.

    Drawn uniformly in a box that grows with the number of clusters, and drawn again
    while two centres are too close (the box grows a little after each miss).
    """
    half_width = 5.0 * n_clusters ** (1.0 / n_features) + 5.0
    for _ in range(1000):
        centers = rng.uniform(-half_width, half_width, size=(n_clusters, n_features))
        gaps = np.linalg.norm(centers[:, None, :] - centers[None, :, :], axis=-1)
        np.fill_diagonal(gaps, np.inf)
        if gaps.min() >= 8.0:
            return centers
        half_width *= 1.02
    raise RuntimeError("could not place the blob centres far enough apart")


def blobs(
    n_samples: int, n_features: int, n_clusters: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian blobs (standard deviation 1) around well-separated centres.

    Returns `(data, true_labels)`: `(n_samples, n_features)` float64 and `(n_samples,)`
    int64; each blob gets `n_samples / n_clusters` rows (give or take one).
    """
    rng = np.random.default_rng(seed)
    centers = blob_centers(n_clusters, n_features, rng)
    true_labels = rng.permutation(np.arange(n_samples) % n_clusters)
    data = centers[true_labels] + rng.standard_normal((n_samples, n_features))
    return data, true_labels.astype(np.int64)


@dataclass(frozen=True)
class KMeansProblem:
    """The input of every k-means version: data, initial centroids, iterations."""

    data: np.ndarray  # (n, d) float64, read-only
    init: np.ndarray  # (k, d) float64, read-only
    max_iter: int
    tol: float

    @property
    def n_clusters(self) -> int:
        return len(self.init)


@functools.lru_cache(maxsize=2)
def kmeans_problem(n: int, d: int, k: int, seed: int) -> KMeansProblem:
    """Blobs, k-means++ initial centroids and the iteration count, all from `seed`.

    The initial centroids come from scikit-learn's k-means++ (`kmeans_plusplus`). The
    iteration count is the number of Lloyd iterations those centroids need until no
    label changes (`tol=0`): every version then runs exactly that many, linfa
    included (it has no "labels stopped changing" test of its own).
    """
    data, _ = blobs(n, d, k, seed)
    return _problem(data, k, seed)


def _problem(data: np.ndarray, k: int, seed: int) -> KMeansProblem:
    """k-means++ centroids of `data` and the iterations they need (see kmeans_problem)."""
    from sklearn.cluster import KMeans, kmeans_plusplus

    init, _ = kmeans_plusplus(data, k, random_state=seed)
    reference = KMeans(k, init=init, n_init=1, algorithm="lloyd", tol=0.0, max_iter=300)
    n_iter = int(reference.fit(data).n_iter_)
    data.setflags(write=False)  # shared by every version: nobody may change it
    init.setflags(write=False)
    return KMeansProblem(data, init, max_iter=n_iter, tol=0.0)


def class_labels(
    n_samples: int, seed: int, weights: tuple[float, ...] = (0.55, 0.25, 0.12, 0.05, 0.03)
) -> np.ndarray:
    """Imbalanced integer class labels drawn with these weights (int64).

    The labels are not 0..n_classes-1 on purpose: any integers are class labels.
    """
    rng = np.random.default_rng(seed)
    values = np.array([3, -1, 7, 42, 0], dtype=np.int64)[: len(weights)]
    p = np.asarray(weights) / sum(weights)
    return values[rng.choice(len(weights), size=n_samples, p=p)]


# ------------------------------------------------------------------------------------
# Real input (`measure_all.py --data real`): tables shipped with scikit-learn, nothing
# downloaded.

REAL_KMEANS_NOISE = 0.05  # standard deviations of the noise added to each tiled copy


def real_table(n: int, d: int, seed: int) -> np.ndarray:
    """`n` rows of the first `d` columns of scikit-learn's breast-cancer table.

    The 569 x 30 measurements (`load_breast_cancer`, shipped with scikit-learn) are
    standardised (mean 0, standard deviation 1 per column, as one does before k-means),
    then tiled to `n` rows; every row after the first 569 gets a little Gaussian noise
    (`REAL_KMEANS_NOISE` standard deviations, drawn from `seed`) so that the copies are
    not exact duplicates of each other.
    """
    from sklearn.datasets import load_breast_cancer

    table = load_breast_cancer().data
    if not 1 <= d <= table.shape[1]:
        raise ValueError(f"the real table has {table.shape[1]} columns; d={d} is not in 1..30")
    table = (table - table.mean(axis=0)) / table.std(axis=0)
    table = table[:, :d]
    data = np.resize(table, (n, d))  # repeats the rows in order
    rng = np.random.default_rng(seed)
    data[len(table) :] += rng.normal(0.0, REAL_KMEANS_NOISE, (max(n - len(table), 0), d))
    return np.ascontiguousarray(data)


@functools.lru_cache(maxsize=2)
def real_kmeans_problem(n: int, d: int, k: int, seed: int) -> KMeansProblem:
    """:func:`kmeans_problem` on :func:`real_table` instead of blobs (same rules)."""
    return _problem(real_table(n, d, seed), k, seed)


def real_class_labels(n_samples: int) -> np.ndarray:
    """The class labels of scikit-learn's digits (1,797 labels, 10 classes), tiled to
    `n_samples` (int64)."""
    from sklearn.datasets import load_digits

    return np.resize(load_digits().target.astype(np.int64), n_samples)
