"""k-means by the linfa library, called from Rust (`ml_demos_rs.kmeans_linfa`).

linfa does not report its iteration count (`n_iter` is None); the benchmark gives it
the number of iterations the other versions need, as `max_iter`.
"""

from __future__ import annotations

import numpy as np

import ml_demos_rs


def main(data: np.ndarray, init: np.ndarray, max_iter: int = 300, tol: float = 0.0):
    """Cluster `data` starting from `init`: `(centroids, labels, inertia, None)`."""
    fit = ml_demos_rs.kmeans_linfa(data, len(init), init=init, max_iter=max_iter, tol=tol)
    return fit.centroids, fit.labels, fit.inertia, fit.n_iter


if __name__ == "__main__":
    from ml_data import kmeans_problem

    problem = kmeans_problem(10_000, 2, 5, seed=0)
    centroids, labels, inertia, _ = main(problem.data, problem.init, problem.max_iter)
    print(f"inertia {inertia:.6g}, cluster sizes {np.bincount(labels)}")
