"""Type stubs of the compiled module `ml_demos_rs._ml_demos_rs` (written in Rust)."""

from typing import Literal, final

import numpy as np
from numpy.typing import NDArray

_InitArg = Literal["kmeans++", "k-means++", "random"] | NDArray[np.float64] | None

@final
class KMeansResult:
    """What `kmeans` and `kmeans_linfa` found."""

    @property
    def centroids(self) -> NDArray[np.float64]:
        """`(n_clusters, n_features)`: the centre of each cluster."""
    @property
    def labels(self) -> NDArray[np.int64]:
        """`(n_samples,)`: the cluster of each row."""
    @property
    def inertia(self) -> float:
        """Sum of the squared distances from each row to its centroid."""
    @property
    def n_iter(self) -> int | None:
        """Iterations run; `None` for linfa, which does not report it."""

def kmeans_alamano(
    data: NDArray[np.float64],
    n_clusters: int,
    max_iter: int = 300,
    tol: float = 1e-6,
    init: _InitArg = "kmeans++",
    seed: int | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """k-means (Lloyd's algorithm): `(centroids, labels)`."""

def kmeans(
    data: NDArray[np.float64],
    n_clusters: int,
    *,
    init: _InitArg = "kmeans++",
    max_iter: int = 300,
    tol: float = 1e-6,
    seed: int | None = None,
    algorithm: Literal["lloyd", "hamerly"] = "lloyd",
) -> KMeansResult:
    """k-means written from scratch in Rust: Lloyd's iterations, every distance
    computed ("lloyd") or most of them skipped by Hamerly's bounds ("hamerly")."""

def kmeans_linfa(
    data: NDArray[np.float64],
    n_clusters: int,
    *,
    init: _InitArg = "kmeans++",
    max_iter: int = 300,
    tol: float = 1e-6,
    seed: int | None = None,
) -> KMeansResult:
    """k-means by the linfa library (`n_iter` is None)."""

def kmeans_bounds_floor(
    data: NDArray[np.float64], centroids: NDArray[np.float64], n_iter: int
) -> float:
    """The k-means floor: one pass of `n x k x d` multiply-adds, then `n_iter - 1`
    passes over one number per row (no answer)."""

def kmeans_distance_floor(
    data: NDArray[np.float64], centroids: NDArray[np.float64], n_iter: int
) -> float:
    """The k-means floor: `n_iter` passes of `n x k x d` multiply-adds (no answer)."""

def stratified_train_test_indices(
    y: NDArray[np.integer],
    test_size: float | None = 0.2,
    train_size: float | None = None,
    seed: int | None = None,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Stratified train/test split: `(train_idx, test_idx)`."""

def stratified_kfold_indices(
    y: NDArray[np.integer], k: int, seed: int | None = None
) -> list[NDArray[np.int64]]:
    """Stratified k-fold: `k` disjoint index arrays covering every row."""
