"""Type stubs of the compiled module `ml_demos_rs._ml_demos_rs` (written in Rust)."""

import os
from collections.abc import Collection, Hashable, Iterable
from typing import Literal, final

import numpy as np
from numpy.typing import NDArray

InitArg = Literal["kmeans++", "k-means++", "random"] | NDArray[np.float64] | None

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
    init: InitArg = "kmeans++",
    seed: int | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """k-means (Lloyd's algorithm): `(centroids, labels)`."""

def kmeans(
    data: NDArray[np.float64],
    n_clusters: int,
    *,
    init: InitArg = "kmeans++",
    max_iter: int = 300,
    tol: float = 1e-6,
    seed: int | None = None,
) -> KMeansResult:
    """k-means (Lloyd's algorithm) written from scratch in Rust."""

def kmeans_linfa(
    data: NDArray[np.float64],
    n_clusters: int,
    *,
    init: InitArg = "kmeans++",
    max_iter: int = 300,
    tol: float = 1e-6,
    seed: int | None = None,
) -> KMeansResult:
    """k-means by the linfa library (`n_iter` is None)."""

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

def preprocess_text(text: str) -> list[str]:
    """``[w.lower() for w in text.split() if len(w) > 3]``, in Rust."""

def preprocess_text_buffered(text: str) -> list[str]:
    """The same list as ``preprocess_text``, without one Rust ``String`` per word."""

def preprocess_text_interned(text: str) -> list[str]:
    """The same list as ``preprocess_text``, one string object per distinct word."""

def count_approx_rust_naive(
    items: Collection[Hashable],
    epsilon: float = 0.5,
    delta: float = 0.001,
    seed: int | None = None,
) -> int:
    """Approximate number of distinct items (CVM), ported line by line: a Python set inside."""

def count_approx_rust(
    items: Collection[Hashable],
    epsilon: float = 0.5,
    delta: float = 0.001,
    seed: int | None = None,
) -> int:
    """Approximate number of distinct items (CVM) on 64-bit hashes in a Rust set."""

def count_approx_array(
    items: NDArray[np.integer],
    epsilon: float = 0.5,
    delta: float = 0.001,
    seed: int | None = None,
) -> int:
    """Approximate number of distinct values of a 1-D integer array (CVM), GIL released."""

def take_iter(
    iterator: Iterable[bytes],
    np_vectors: NDArray[np.float32],
    *,
    skip_wrong_length: bool = True,
) -> int:
    """Copy float32 vectors given as bytes into the rows of `np_vectors` (modified in
    place, GIL released for the copies); returns the number of rows written."""

def read_msgpack_vectors(
    path: str | os.PathLike[str], dim: int, *, skip_wrong_length: bool = True
) -> NDArray[np.float32]:
    """Read a whole msgpack file of float32 vectors in Rust: an `(n, dim)` array."""
