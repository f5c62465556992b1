"""k-means written by hand in plain Python: the baseline ("manual implementation").

This is the code a Python programmer writes first: lists of floats and loops over the
rows. It follows scikit-learn's Lloyd algorithm step by step (same stopping rules, same
handling of empty clusters), so that given the same initial centroids it finds the same
labels and centroids as scikit-learn and the Rust versions.
"""

from __future__ import annotations

import math
import random

import numpy as np


def squared_distance(a: list[float], b: list[float]) -> float:
    total = 0.0
    for x, y in zip(a, b, strict=True):
        diff = x - y
        total += diff * diff
    return total


def nearest_centroid(point: list[float], centroids: list[list[float]]) -> int:
    """Index of the centroid closest to `point` (the first one on a tie)."""
    best, best_distance = 0, math.inf
    for j, centroid in enumerate(centroids):
        distance = squared_distance(point, centroid)
        if distance < best_distance:
            best, best_distance = j, distance
    return best


def kmeans_plus_plus(points: list[list[float]], k: int, rng: random.Random) -> list[list[float]]:
    """First centroid at random; each next one drawn with probability ~ squared distance."""
    centroids = [list(points[rng.randrange(len(points))])]
    nearest = [squared_distance(p, centroids[0]) for p in points]
    while len(centroids) < k:
        total = sum(nearest)
        if total == 0.0:  # every point sits on a centroid already
            chosen = rng.randrange(len(points))
        else:
            target, chosen = rng.random() * total, len(points) - 1
            running = 0.0
            for i, weight in enumerate(nearest):
                running += weight
                if running > target:
                    chosen = i
                    break
        centroids.append(list(points[chosen]))
        for i, p in enumerate(points):
            nearest[i] = min(nearest[i], squared_distance(p, centroids[-1]))
    return centroids


def mean_variance(points: list[list[float]]) -> float:
    n, d = len(points), len(points[0])
    means = [sum(p[t] for p in points) / n for t in range(d)]
    return sum(squared_distance(p, means) for p in points) / (n * d)


def relocate_empty_clusters(points, labels, old_centroids, sums, counts) -> None:
    """Give each empty cluster one of the points farthest from their centroid."""
    empty = [j for j, count in enumerate(counts) if count == 0]
    if not empty:
        return
    distances = [
        squared_distance(p, old_centroids[label]) for p, label in zip(points, labels, strict=True)
    ]
    if max(distances) == 0.0:
        return
    farthest = sorted(range(len(points)), key=lambda i: (-distances[i], i))[: len(empty)]
    for cluster, i in zip(empty, farthest, strict=False):
        old = labels[i]
        sums[old] = [s - x for s, x in zip(sums[old], points[i], strict=True)]
        counts[old] -= 1
        sums[cluster] = list(points[i])
        counts[cluster] = 1


def kmeans(points, k, init, max_iter=300, tol=0.0, seed=None):
    """Lloyd's algorithm on a list of points. Returns (centroids, labels, inertia, n_iter)."""
    rng = random.Random(seed)
    if isinstance(init, str):
        if init == "random":
            centroids = [list(points[i]) for i in rng.sample(range(len(points)), k)]
        else:
            centroids = kmeans_plus_plus(points, k, rng)
    else:
        centroids = [list(c) for c in init]
    d = len(points[0])
    tol = tol * mean_variance(points) if tol > 0 else 0.0
    labels = [-1] * len(points)
    labels_stable = False
    n_iter = 0
    while n_iter < max_iter:
        n_iter += 1
        sums = [[0.0] * d for _ in range(k)]
        counts = [0] * k
        changed = 0
        for i, point in enumerate(points):
            j = nearest_centroid(point, centroids)
            if labels[i] != j:
                labels[i] = j
                changed += 1
            counts[j] += 1
            total = sums[j]
            for t in range(d):
                total[t] += point[t]
        relocate_empty_clusters(points, labels, centroids, sums, counts)
        biggest = max(range(k), key=lambda j: (counts[j], -j))
        new_centroids = [
            [s / count for s in total] if count else None
            for total, count in zip(sums, counts, strict=True)
        ]
        new_centroids = [c if c is not None else new_centroids[biggest] for c in new_centroids]
        shift = sum(squared_distance(a, b) for a, b in zip(centroids, new_centroids, strict=True))
        centroids = new_centroids
        if changed == 0:
            labels_stable = True
            break
        if shift <= tol:
            break
    if not labels_stable:  # the labels must belong to the centroids returned
        labels = [nearest_centroid(p, centroids) for p in points]
    inertia = sum(squared_distance(p, centroids[j]) for p, j in zip(points, labels, strict=True))
    return centroids, labels, inertia, n_iter


def main(data: np.ndarray, init: np.ndarray, max_iter: int = 300, tol: float = 0.0):
    """Cluster `data` starting from `init`: `(centroids, labels, inertia, n_iter)`."""
    centroids, labels, inertia, n_iter = kmeans(
        data.tolist(), len(init), np.asarray(init).tolist(), max_iter, tol
    )
    return np.array(centroids), np.array(labels, dtype=np.int64), inertia, n_iter


if __name__ == "__main__":
    from ml_data import kmeans_problem

    problem = kmeans_problem(10_000, 2, 5, seed=0)
    centroids, labels, inertia, n_iter = main(problem.data, problem.init, problem.max_iter)
    print(f"{n_iter} iterations, inertia {inertia:.6g}, cluster sizes {np.bincount(labels)}")
