"""Shared helpers of the lesson-1 tests: the stage modules of py_project/ and examples.

(A plain module with a name of its own rather than a conftest.py, so that it cannot be
mixed up with another lesson's test helpers when pytest runs every lesson at once; the
shared part is workshop/testing.py.)

The stage drivers (``poly_match_v0.py`` ... ``poly_match_v6.py`` and the NumPy
comparators) live in ``poly_match_rs/py_project/``, which is put on ``sys.path`` here.
Tests that decide whether exercise ``poly_match_vN`` is done carry ``poly_match_vN`` in
their id, so ``pytest poly_match_rs/tests -k poly_match_vN`` selects them.
"""

from __future__ import annotations

from functools import cache
from types import ModuleType

import numpy as np

from workshop.testing import LessonTesting

TESTING = LessonTesting("poly_match_rs")
PY_PROJECT = TESTING.py_project
lesson_suites = TESTING.suites
run_script = TESTING.run_script

RUST_STAGES = [
    "poly_match_v1",
    "poly_match_v2",
    "poly_match_v3",
    "poly_match_v4",
    "poly_match_v5",
    "poly_match_v6",
]
NUMPY_VERSIONS = ["poly_match_np_partial", "poly_match_np_full"]
ALL_VERSIONS = ["poly_match_v0", *NUMPY_VERSIONS, *RUST_STAGES]


def stage(name: str) -> ModuleType:
    return TESTING.version(name)


def canonical(result, polygons) -> list[tuple[tuple[float, float], int]]:
    """The pairs as (point coordinates, index of the polygon in the input list)."""
    index_of = {id(poly): i for i, poly in enumerate(polygons)}
    pairs = []
    for point, poly in result:
        assert id(poly) in index_of, f"returned a polygon that is not an input: {poly!r}"
        pairs.append(((float(point[0]), float(point[1])), index_of[id(poly)]))
    return pairs


def run_main(module: ModuleType, shapes, points, max_dist: float):
    """`module.main` on polygons of `module`'s own class built from `shapes`."""
    polygons = [module.Polygon(x=x.copy(), y=y.copy()) for x, y in shapes]
    result = module.main(polygons, points, max_dist)
    return canonical(result, polygons)


@cache
def v0_canonical_example(seed: int, scale: int):
    v0 = stage("poly_match_v0")
    polygons, points = v0.generate_example(seed=seed, scale=scale)
    return canonical(v0.main(polygons, points), polygons)


def star_polygon(rng: np.random.Generator, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """A random star-shaped polygon (3 to 12 vertices around the origin)."""
    n_vertices = int(rng.integers(3, 13))
    angles = np.sort(rng.uniform(0.0, 2.0 * np.pi, n_vertices))
    radii = scale * rng.uniform(0.3, 1.0, n_vertices)
    return radii * np.cos(angles), radii * np.sin(angles)


def mixed_shapes_example(
    seed: int, n_polygons: int, n_points: int, world: float = 100.0, n_templates: int = 4
):
    """Translated copies of a few random templates at several scales.

    Copies of one template have the same area up to rounding noise (ties, decided by
    input order); different templates or scales have genuinely different areas.
    """
    rng = np.random.default_rng(seed)
    templates = [
        star_polygon(rng, scale) for scale in rng.choice([0.5, 1.0, 1.5, 2.5], n_templates)
    ]
    shapes = []
    for _ in range(n_polygons):
        x, y = templates[int(rng.integers(n_templates))]
        dx, dy = rng.uniform(0.0, world, 2)
        shapes.append((x + dx, y + dy))
    margin = 0.05 * world
    points = [np.array(p) for p in rng.uniform(-margin, world + margin, size=(n_points, 2))]
    return shapes, points
