"""Stage v6 (beyond the original): v5 plus a spatial index (``src/lib_v6.rs``).

Same inputs as v4 (a list of ``Polygon`` objects and a list of points): the Rust
side reads the polygons once into columns and computes the areas, as v5 does; then
it copies the points into bands, so that each polygon only tests the points near its
centre, and keeps the smallest close polygon with the tie rule of poly_match_v0.py
(``AREA_RTOL`` here is the Rust constant, equal to v0's), the GIL released for the
search.
"""

from __future__ import annotations

import numpy as np
from poly_match_rs.v6 import AREA_RTOL, Polygon, find_best_polygons

__all__ = ["AREA_RTOL", "MAX_DIST", "Polygon", "find_best_polygons", "generate_example", "main"]

MAX_DIST = 10.0
NUM_POLYGONS = 1000
NUM_POINTS = 100
WORLD_SIZE = 100.0


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


def main(
    polygons: list[Polygon], points: list[np.ndarray], max_dist: float = MAX_DIST
) -> list[tuple[np.ndarray, Polygon]]:
    # Reads the polygons, computes their areas, finds the close ones through the bands
    # and keeps the smallest, all in Rust; the pairs hold the same point and polygon objects.
    return find_best_polygons(polygons, points, max_dist)


if __name__ == "__main__":
    polygons, points = generate_example()
    print(f"{len(main(polygons, points))} of {len(points)} points matched a polygon")
