"""k-means by scikit-learn: `KMeans(algorithm="lloyd", n_init=1)` from given centroids."""

from __future__ import annotations

import numpy as np
from sklearn.cluster import KMeans


def main(data: np.ndarray, init: np.ndarray, max_iter: int = 300, tol: float = 0.0):
    """Cluster `data` starting from `init`: `(centroids, labels, inertia, n_iter)`."""
    model = KMeans(len(init), init=init, n_init=1, algorithm="lloyd", max_iter=max_iter, tol=tol)
    model.fit(data)
    return model.cluster_centers_, model.labels_.astype(np.int64), model.inertia_, model.n_iter_


if __name__ == "__main__":
    from ml_data import kmeans_problem

    problem = kmeans_problem(10_000, 2, 5, seed=0)
    centroids, labels, inertia, n_iter = main(problem.data, problem.init, problem.max_iter)
    print(f"{n_iter} iterations, inertia {inertia:.6g}, cluster sizes {np.bincount(labels)}")
