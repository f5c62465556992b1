"""NumPy comparator, fully vectorised: every point against every polygon at once.

What a Python user fluent in NumPy might write instead of Rust, starting from the same
inputs as v0 (its ``Polygon`` objects and points, made by the same ``generate_example``).
Each call gathers the centres, areas and points into arrays, computes the whole
point-by-polygon matrix of squared distances (in blocks of rows, to bound the memory),
and applies v0's tie rule to all points together.
"""

from __future__ import annotations

import numpy as np
from poly_match_v0 import AREA_RTOL, MAX_DIST, Polygon, generate_example

__all__ = ["AREA_RTOL", "MAX_DIST", "Polygon", "generate_example", "main"]

# At most this many (point, polygon) pairs in one distance matrix: 16 MiB of float64.
MAX_PAIRS_PER_BLOCK = 2**21


def gather(polygons: list[Polygon]) -> tuple[np.ndarray, np.ndarray]:
    """The centres, shape (n, 2), and the areas, shape (n,), of the polygons."""
    centers = np.array([poly.center for poly in polygons])
    areas = np.array([poly.area for poly in polygons])
    return centers, areas


def best_of_each_row(close: np.ndarray, areas: np.ndarray) -> np.ndarray:
    """For each row of the boolean matrix `close` (at least one True per row), the
    column that v0's scan keeps: the first close polygon, replaced by the first later
    close polygon whose area is below ``best * (1 - AREA_RTOL)``, and so on. Each round
    handles the rows whose best changed in the previous round."""
    columns = np.arange(close.shape[1])
    best = close.argmax(axis=1)  # the first close polygon of each row
    active = np.arange(close.shape[0])
    while active.size:
        current = best[active]
        threshold = areas[current] * (1.0 - AREA_RTOL)
        better = (
            close[active]
            & (areas[None, :] < threshold[:, None])
            & (columns[None, :] > current[:, None])
        )
        found = better.any(axis=1)
        best[active[found]] = better[found].argmax(axis=1)
        active = active[found]
    return best


def main(
    polygons: list[Polygon], points: list[np.ndarray], max_dist: float = MAX_DIST
) -> list[tuple[np.ndarray, Polygon]]:
    centers, areas = gather(polygons)
    centers_x, centers_y = centers[:, 0].copy(), centers[:, 1].copy()  # contiguous columns
    xy = np.array(points)
    block = max(1, MAX_PAIRS_PER_BLOCK // len(polygons))
    best_polygons = []
    for start in range(0, len(xy), block):
        # Squared distances, as in v4 and v5 (no square root), computed in place
        # to make as few temporary matrices as possible.
        dx = xy[start : start + block, 0, None] - centers_x
        dy = xy[start : start + block, 1, None] - centers_y
        dx *= dx
        dy *= dy
        dx += dy
        close = dx < max_dist * max_dist
        rows = np.flatnonzero(close.any(axis=1))
        best = best_of_each_row(close[rows], areas)
        best_polygons.extend(
            (points[start + row], polygons[col])
            for row, col in zip(rows.tolist(), best.tolist(), strict=True)
        )
    return best_polygons


if __name__ == "__main__":
    polygons, points = generate_example()
    print(f"{len(main(polygons, points))} of {len(points)} points matched a polygon")
