"""Stage v3: as v2, with the allocation-free distance of ``src/lib_v3.rs``.

Only the Rust side changed: this file is v2 importing ``poly_match_rs.v3``.
Ties: see poly_match_v0.py.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import poly_match_rs.v3
from poly_match_rs.v3 import find_close_polygons

MAX_DIST = 10.0
AREA_RTOL = 1e-9  # relative difference below which two areas count as equal
NUM_POLYGONS = 1000
NUM_POINTS = 100
WORLD_SIZE = 100.0


class Polygon(poly_match_rs.v3.Polygon):
    # x, y and center are Rust getters returning NumPy arrays; the area stays in Python.

    @cached_property
    def area(self) -> float:
        # The shoelace formula.
        return 0.5 * abs(np.dot(self.x, np.roll(self.y, 1)) - np.dot(self.y, np.roll(self.x, 1)))


def generate_one_polygon() -> Polygon:
    """A quarter of a unit disc, sampled every 0.1 along x."""
    x = np.arange(0.0, 1.0, 0.1)
    y = np.sqrt(1.0 - x**2)
    return Polygon(x=x, y=y)


def generate_example(seed: int = 0, scale: int = 1) -> tuple[list[Polygon], list[np.ndarray]]:
    """`scale` x 1000 translated copies of one polygon and `scale` x 100 points."""
    rng = np.random.default_rng(seed)
    template = generate_one_polygon()
    offsets = rng.integers(0, int(WORLD_SIZE), size=(NUM_POLYGONS * scale, 2)).astype(float)
    polygons = [Polygon(x=template.x + dx, y=template.y + dy) for dx, dy in offsets]
    points = [np.array(p) for p in rng.uniform(0.0, WORLD_SIZE, size=(NUM_POINTS * scale, 2))]
    return polygons, points


def select_best_polygon(
    polygon_sets: list[tuple[np.ndarray, list[Polygon]]],
) -> list[tuple[np.ndarray, Polygon]]:
    best_polygons = []
    for point, polygons in polygon_sets:
        best_polygon = polygons[0]
        # A polygon replaces the best one only if its area is below this threshold.
        threshold = best_polygon.area * (1.0 - AREA_RTOL)
        for poly in polygons[1:]:
            if poly.area < threshold:
                best_polygon = poly
                threshold = poly.area * (1.0 - AREA_RTOL)
        best_polygons.append((point, best_polygon))
    return best_polygons


def main(
    polygons: list[Polygon], points: list[np.ndarray], max_dist: float = MAX_DIST
) -> list[tuple[np.ndarray, Polygon]]:
    polygon_sets = []
    for point in points:
        close_polygons = find_close_polygons(polygons, point, max_dist)
        if len(close_polygons) == 0:
            continue
        polygon_sets.append((point, close_polygons))
    return select_best_polygon(polygon_sets)


if __name__ == "__main__":
    polygons, points = generate_example()
    print(f"{len(main(polygons, points))} of {len(points)} points matched a polygon")
