"""NumPy comparator, a little vectorised: one NumPy call per point, not per (point, polygon).

What a Python user might write instead of Rust, starting from the same inputs as v0
(its ``Polygon`` objects and points, made by the same ``generate_example``). Each call
gathers the centres and areas into arrays once; then, for each point, the distances to
all the centres are one NumPy expression, and the smallest close polygon is picked with
v0's tie rule.
"""

from __future__ import annotations

import numpy as np
from poly_match_v0 import AREA_RTOL, MAX_DIST, Polygon, generate_example

__all__ = ["AREA_RTOL", "MAX_DIST", "Polygon", "first_smallest", "generate_example", "main"]


def gather(polygons: list[Polygon]) -> tuple[np.ndarray, np.ndarray]:
    """The centres, shape (n, 2), and the areas, shape (n,), of the polygons."""
    centers = np.array([poly.center for poly in polygons])
    areas = np.array([poly.area for poly in polygons])
    return centers, areas


def first_smallest(areas: np.ndarray) -> int:
    """The position that v0's scan keeps among `areas` (in input order).

    v0 starts with the first polygon and lets a later one replace the current best
    only when its area is below ``best * (1 - AREA_RTOL)``. So the next replacement
    is the first later area under that threshold: jump to it, and repeat.
    """
    best = 0
    while True:
        smaller = np.flatnonzero(areas[best + 1 :] < areas[best] * (1.0 - AREA_RTOL))
        if smaller.size == 0:
            return best
        best += 1 + int(smaller[0])


def main(
    polygons: list[Polygon], points: list[np.ndarray], max_dist: float = MAX_DIST
) -> list[tuple[np.ndarray, Polygon]]:
    centers, areas = gather(polygons)
    best_polygons = []
    for point in points:
        distances = np.sqrt(((centers - point) ** 2).sum(axis=1))
        close = np.flatnonzero(distances < max_dist)
        if close.size == 0:
            continue
        best = close[first_smallest(areas[close])]
        best_polygons.append((point, polygons[best]))
    return best_polygons


if __name__ == "__main__":
    polygons, points = generate_example()
    print(f"{len(main(polygons, points))} of {len(points)} points matched a polygon")
