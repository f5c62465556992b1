"""k-means in Rust with Hamerly's bounds (`ml_demos_rs.kmeans(..., algorithm="hamerly")`,
src/kmeans/bounds.rs): Lloyd's iterations, most distances skipped."""

from __future__ import annotations

import numpy as np

import ml_demos_rs


def main(data: np.ndarray, init: np.ndarray, max_iter: int = 300, tol: float = 0.0):
    """Cluster `data` starting from `init`: `(centroids, labels, inertia, n_iter)`."""
    fit = ml_demos_rs.kmeans(
        data, len(init), init=init, max_iter=max_iter, tol=tol, algorithm="hamerly"
    )
    return fit.centroids, fit.labels, fit.inertia, fit.n_iter


if __name__ == "__main__":
    from ml_data import kmeans_problem

    problem = kmeans_problem(10_000, 2, 5, seed=0)
    centroids, labels, inertia, n_iter = main(problem.data, problem.init, problem.max_iter)
    print(f"{n_iter} iterations, inertia {inertia:.6g}, cluster sizes {np.bincount(labels)}")
