"""What `measure.py` and `measure_all.py` time in lesson 1 (see workshop/bench.py)."""

from __future__ import annotations

from typing import Any

import numpy as np
import poly_match_rs.v6
from poly_match_rs._poly_match_rs import _floor_one_pass
from poly_match_v0 import MAX_DIST

from workshop.bench import Limit, ResultMismatch, Suite


def prepare(module, seed: int, scale: int) -> Any:
    # Each stage builds its own polygons (v2+ use the Rust Polygon class), all from the
    # same seed, so every stage sees the same coordinates.
    return module.generate_example(seed=seed, scale=scale)


def run(module, data) -> Any:
    polygons, points = data
    return module.main(polygons, points)


def canonical(result, data) -> list[tuple[tuple[float, float], int]]:
    """(point coordinates, index of the chosen polygon in the input list) per match."""
    polygons, _ = data
    index_of = {id(poly): i for i, poly in enumerate(polygons)}
    pairs = []
    for point, poly in result:
        if id(poly) not in index_of:
            raise ResultMismatch(f"returned a polygon that is not one of the inputs: {poly!r}")
        pairs.append(((float(point[0]), float(point[1])), index_of[id(poly)]))
    return pairs


def compare(expected, actual) -> None:
    if len(actual) != len(expected):
        raise ResultMismatch(f"{len(actual)} matches instead of {len(expected)}")
    for i, (want, got) in enumerate(zip(expected, actual, strict=True)):
        if want != got:
            bad = sum(w != g for w, g in zip(expected, actual, strict=True))
            raise ResultMismatch(
                f"{bad} of {len(expected)} matches differ; the first is match {i}: "
                f"point {got[0]} -> polygon {got[1]}, expected point {want[0]} -> polygon {want[1]}"
            )


# The floor of the table (the `limit` row): what every correct version pays for this
# input, whatever it does in between. It visits every polygon object and reads each of
# its vertices once (the areas need them), reads every point, and builds the output list
# of (point, polygon) pairs, as many as the answer holds: `_floor_one_pass` in
# src/floor.rs, one Rust pass. No area, no distance, no search; its result is no answer.
FLOOR_LABEL = "read every vertex and point once, build the output pairs (no search)"


def floor_input(data) -> tuple[list, list, np.ndarray]:
    """What the floor reads (made untimed from the baseline's input): the polygons as v6's
    `Polygon` (the cheapest form in the lesson: Rust objects holding their vertices side
    by side), the same point arrays, and one `[point, polygon]` index pair for every point
    that has a polygon closer than `MAX_DIST`, so that the floor builds as many pairs as
    the answer holds (the pair's polygon is any close one: the floor answers nothing)."""
    polygons, points = data
    fast = [poly_match_rs.v6.Polygon(poly.x, poly.y) for poly in polygons]
    centers = np.array([poly.center for poly in polygons])
    xy = np.array(points)
    pairs = []
    for start in range(0, len(xy), 64):  # blocks of points: a small distance matrix each
        block = xy[start : start + 64]
        close = ((block[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2) < MAX_DIST**2
        pairs += [
            (start + row, int(np.argmax(close[row]))) for row in np.flatnonzero(close.any(axis=1))
        ]
    return fast, points, np.array(pairs, dtype=np.int64).reshape(-1, 2)


def floor_run(floor_data) -> Any:
    return _floor_one_pass(*floor_data)


POLY_MATCH = Suite(
    name="poly_match",
    title="Polygon matching",
    versions=[
        "poly_match_v0",
        "poly_match_np_partial",
        "poly_match_np_full",
        "poly_match_v1",
        "poly_match_v2",
        "poly_match_v3",
        "poly_match_v4",
        "poly_match_v5",
        "poly_match_v6",
    ],
    prepare=prepare,
    run=run,
    canonical=canonical,
    compare=compare,
    params={"scale": 1},
    describe=lambda scale: f"{1000 * scale} polygons, {100 * scale} points",
    labels={
        "poly_match_v0": "pure Python + NumPy baseline",
        "poly_match_np_partial": "NumPy, one vectorised call per point",
        "poly_match_np_full": "NumPy, fully vectorised (all points at once)",
        "poly_match_v1": "Rust find_close_polygons, reads poly.center via getattr",
        "poly_match_v2": "Rust Polygon class",
        "poly_match_v3": "no temporary array: the norm by hand",
        "poly_match_v4": "outer loop in Rust, squared distances",
        "poly_match_v5": "one call: columns, areas in Rust, GIL released",
        "poly_match_v6": "v5 + spatial index: bands of points",
    },
    limit=Limit(FLOOR_LABEL, run=floor_run, prepare=floor_input),
)

SUITES = [POLY_MATCH]
