"""Every stage returns exactly v0's (point, polygon) pairs, and the pieces behave.

v0 (``py_project/poly_match_v0.py``) is the reference. The examples: the canonical one
(translated copies of one polygon, so every area ties and input order decides), other
seeds and sizes, and examples mixing shapes of genuinely different areas.
"""

from __future__ import annotations

import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from poly_match_testing import (
    NUMPY_VERSIONS,
    RUST_STAGES,
    canonical,
    mixed_shapes_example,
    run_main,
    stage,
    v0_canonical_example,
)

import poly_match_rs

OTHER_VERSIONS = NUMPY_VERSIONS + RUST_STAGES


def positions(found, inputs) -> list[int]:
    """Where each object of `found` is in `inputs`, by identity (not by ==)."""
    index_of = {id(item): i for i, item in enumerate(inputs)}
    return [index_of[id(item)] for item in found]


@pytest.mark.parametrize("version", OTHER_VERSIONS)
def test_canonical_example_equals_v0(version):
    module = stage(version)
    polygons, points = module.generate_example(seed=0)
    got = canonical(module.main(polygons, points), polygons)
    expected = v0_canonical_example(0, 1)
    assert len(expected) > 50  # most of the 100 points have a polygon nearby
    assert got == expected


@pytest.mark.parametrize("seed, scale", [(1, 1), (7, 1), (3, 2)], ids=lambda v: str(v))
@pytest.mark.parametrize("version", OTHER_VERSIONS)
def test_other_seeds_and_sizes_equal_v0(version, seed, scale):
    module = stage(version)
    polygons, points = module.generate_example(seed=seed, scale=scale)
    assert len(polygons) == 1000 * scale and len(points) == 100 * scale
    assert canonical(module.main(polygons, points), polygons) == v0_canonical_example(seed, scale)


def test_canonical_areas_tie_only_up_to_rounding():
    """Why the tie rule exists: the copies' areas differ, but only by rounding noise."""
    v0 = stage("poly_match_v0")
    polygons, _ = v0.generate_example(seed=0)
    areas = np.array([poly.area for poly in polygons])
    spread = (areas.max() - areas.min()) / areas.min()
    # About 2e-10 here: below AREA_RTOL (1e-9), so the rule sees them as equal.
    assert 0 < spread < v0.AREA_RTOL / 2


# (seed, polygons, points, max_dist): small and large sizes, sparse and crowded.
MIXED_CASES = [
    (11, 300, 80, 10.0),
    (12, 60, 200, 25.0),
    (13, 800, 60, 3.0),
    (14, 5, 10, 60.0),
    (15, 1500, 150, 8.0),
]


def mixed_case_id(case) -> str:
    seed, n_polygons, n_points, max_dist = case
    return f"seed{seed}-{n_polygons}x{n_points}-d{max_dist:g}"


def test_mixed_shape_examples_exercise_the_tie_rule():
    """The mixed examples are worth testing: some winners are not the first close polygon
    (a genuinely smaller one came later), and some points see exact-shape ties."""
    v0 = stage("poly_match_v0")
    not_first = ties = 0
    for seed, n_polygons, n_points, max_dist in MIXED_CASES:
        shapes, points = mixed_shapes_example(seed, n_polygons, n_points)
        polygons = [v0.Polygon(x=x, y=y) for x, y in shapes]
        for point, best in v0.main(polygons, points, max_dist):
            close = v0.find_close_polygons(polygons, point, max_dist)
            not_first += best is not close[0]
            areas = np.array([poly.area for poly in close])
            ties += np.sum(np.isclose(areas, best.area, rtol=1e-12)) > 1
    assert not_first > 20
    assert ties > 20


@pytest.mark.parametrize("case", MIXED_CASES, ids=mixed_case_id)
@pytest.mark.parametrize("version", OTHER_VERSIONS)
def test_mixed_shape_examples_equal_v0(version, case):
    seed, n_polygons, n_points, max_dist = case
    shapes, points = mixed_shapes_example(seed, n_polygons, n_points)
    expected = run_main(stage("poly_match_v0"), shapes, points, max_dist)
    assert run_main(stage(version), shapes, points, max_dist) == expected


@st.composite
def small_examples(draw):
    """Small random examples: few or many polygons, points outside the polygons' area,
    repeated points, distances from tiny to larger than the world."""
    seed = draw(st.integers(0, 2**32 - 1))
    world = draw(st.sampled_from([1.0, 10.0, 100.0]))
    shapes, points = mixed_shapes_example(
        seed,
        n_polygons=draw(st.integers(1, 40)),
        n_points=draw(st.integers(1, 30)),
        world=world,
        n_templates=draw(st.integers(1, 4)),
    )
    repeats = draw(st.lists(st.integers(0, len(points) - 1), max_size=5))
    points += [points[i].copy() for i in repeats]
    max_dist = world * draw(st.sampled_from([0.001, 0.05, 0.2, 0.5, 3.0]))
    return shapes, points, max_dist


@pytest.mark.parametrize("version", OTHER_VERSIONS)
@settings(max_examples=30, deadline=None, derandomize=True)
@given(example=small_examples())
def test_random_small_examples_equal_v0(version, example):
    shapes, points, max_dist = example
    expected = run_main(stage("poly_match_v0"), shapes, points, max_dist)
    assert run_main(stage(version), shapes, points, max_dist) == expected


# --------------------------------------------------------------------------------------
# The Rust functions on their own


@pytest.mark.parametrize("version", ["poly_match_v1", "poly_match_v2", "poly_match_v3"])
def test_find_close_polygons_equals_v0_for_each_point(version):
    module, v0 = stage(version), stage("poly_match_v0")
    shapes, points = mixed_shapes_example(21, 200, 30)
    polygons = [module.Polygon(x=x, y=y) for x, y in shapes]
    v0_polygons = [v0.Polygon(x=x, y=y) for x, y in shapes]
    for point in points:
        for max_dist in (2.0, 10.0, 40.0):
            got = module.find_close_polygons(polygons, point, max_dist)
            want = v0.find_close_polygons(v0_polygons, point, max_dist)
            # The very objects of the input list come back, in input order.
            assert positions(got, polygons) == positions(want, v0_polygons)


def test_find_all_close_polygons_poly_match_v4():
    v4, v0 = stage("poly_match_v4"), stage("poly_match_v0")
    shapes, points = mixed_shapes_example(22, 300, 40)
    polygons = [v4.Polygon(x=x, y=y) for x, y in shapes]
    v0_polygons = [v0.Polygon(x=x, y=y) for x, y in shapes]
    got = poly_match_rs.v4.find_all_close_polygons(polygons, points, 10.0)
    expected = []
    for i, point in enumerate(points):
        close = v0.find_close_polygons(v0_polygons, point, 10.0)
        if close:
            expected.append((i, positions(close, v0_polygons)))
    assert [(positions([p], points)[0], positions(close, polygons)) for p, close in got] == expected


ONE_CALL_STAGES = ["poly_match_v5", "poly_match_v6"]


def rust_module(stage_name: str):
    """`poly_match_rs.vN` for the stage `poly_match_vN`."""
    return getattr(poly_match_rs, stage_name.removeprefix("poly_match_"))


@pytest.mark.parametrize("stage_name", ONE_CALL_STAGES)
def test_find_best_polygons(stage_name):
    module = stage(stage_name)
    shapes, points = mixed_shapes_example(23, 300, 40)
    polygons = [module.Polygon(x=x, y=y) for x, y in shapes]
    got = rust_module(stage_name).find_best_polygons(polygons, points, 10.0)
    assert canonical(got, polygons) == run_main(stage("poly_match_v0"), shapes, points, 10.0)
    assert all(any(p is q for q in points) for p, _ in got)
    # Any sequence works, not only lists.
    again = rust_module(stage_name).find_best_polygons(tuple(polygons), tuple(points), 10.0)
    assert canonical(again, polygons) == canonical(got, polygons)


@pytest.mark.parametrize("stage_name", ONE_CALL_STAGES)
def test_find_best_polygons_in_threads(stage_name):
    """The GIL is released for the search: calls from several threads at once still
    give the same answer."""
    module = stage(stage_name)
    polygons, points = module.generate_example(seed=5, scale=2)
    expected = canonical(module.main(polygons, points), polygons)
    results = [None] * 4

    def work(slot):
        results[slot] = [canonical(module.main(polygons, points), polygons) for _ in range(20)]

    threads = [threading.Thread(target=work, args=(slot,)) for slot in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(run == expected for runs in results for run in runs)


@pytest.mark.parametrize("stage_name", ONE_CALL_STAGES)
def test_area_rtol_is_the_same_in_rust(stage_name):
    assert rust_module(stage_name).AREA_RTOL == stage("poly_match_v0").AREA_RTOL


# --------------------------------------------------------------------------------------
# Polygon classes

UNIT_BOX = (np.array([0.0, 1.0, 1.0, 0.0]), np.array([0.0, 0.0, 1.0, 1.0]))


@pytest.mark.parametrize("version", ["poly_match_v0", *RUST_STAGES])
def test_unit_box_polygon(version):
    polygon = stage(version).Polygon(x=UNIT_BOX[0].copy(), y=UNIT_BOX[1].copy())
    assert polygon.area == pytest.approx(1.0, rel=1e-15)
    np.testing.assert_array_equal(polygon.center, [0.5, 0.5])
    np.testing.assert_array_equal(polygon.x, UNIT_BOX[0])
    np.testing.assert_array_equal(polygon.y, UNIT_BOX[1])


@pytest.mark.parametrize("version", ["poly_match_v0", *RUST_STAGES])
def test_triangle_polygon(version):
    polygon = stage(version).Polygon(x=np.array([0.0, 4.0, 0.0]), y=np.array([0.0, 0.0, 3.0]))
    assert polygon.area == pytest.approx(6.0, rel=1e-15)
    np.testing.assert_allclose(polygon.center, [4.0 / 3.0, 1.0], rtol=1e-15)


def polygon_class(stage_name: str):
    return getattr(poly_match_rs, stage_name.removeprefix("poly_match_")).Polygon


@pytest.mark.parametrize("stage_name", RUST_STAGES[1:])
def test_rust_polygon_copies_its_arrays(stage_name):
    x, y = UNIT_BOX[0].copy(), UNIT_BOX[1].copy()
    polygon = polygon_class(stage_name)(x, y)
    x[0] = 99.0  # changing the caller's array afterwards ...
    np.testing.assert_array_equal(polygon.x, UNIT_BOX[0])  # ... does not change the polygon
    returned = polygon.center
    returned[:] = -1.0  # nor does changing an array it returned
    np.testing.assert_array_equal(polygon.center, [0.5, 0.5])
    assert polygon.x.dtype == np.float64 and polygon.center.shape == (2,)
    assert repr(polygon) == "Polygon(center=(0.5, 0.5), vertices=4)"


@pytest.mark.parametrize("stage_name", ["poly_match_v2", "poly_match_v3", "poly_match_v4"])
def test_rust_polygon_is_subclassable(stage_name):
    base = polygon_class(stage_name)

    class Tagged(base):
        def describe(self) -> str:
            return f"tagged at {self.center.tolist()}"

    polygon = Tagged(x=UNIT_BOX[0], y=UNIT_BOX[1])
    polygon.note = "instances of Python subclasses take attributes"
    assert isinstance(polygon, base)
    assert polygon.describe() == "tagged at [0.5, 0.5]"


@pytest.mark.parametrize("stage_name", ["poly_match_v2", "poly_match_v3"])
def test_find_close_polygons_returns_the_subclass_objects(stage_name):
    base = polygon_class(stage_name)

    class Tagged(base):
        pass

    near, far = Tagged(x=UNIT_BOX[0], y=UNIT_BOX[1]), Tagged(x=UNIT_BOX[0] + 50, y=UNIT_BOX[1])
    module = getattr(poly_match_rs, stage_name.removeprefix("poly_match_"))
    found = module.find_close_polygons([far, near, far], np.array([0.5, 0.6]), 1.0)
    assert len(found) == 1 and found[0] is near


@pytest.mark.parametrize("stage_name", ONE_CALL_STAGES)
def test_polygon_area_computed_in_rust(stage_name):
    x, y = np.array([0.0, 2.0, 2.0, 0.0]), np.array([0.0, 0.0, 3.0, 3.0])
    polygon = rust_module(stage_name).Polygon(x, y)
    assert polygon.area == 6.0


# --------------------------------------------------------------------------------------
# The original workshop's API


def test_seed_api_imports():
    from poly_match_rs.v1 import find_close_polygons as v1_find
    from poly_match_rs.v2 import Polygon as V2Polygon
    from poly_match_rs.v4 import find_all_close_polygons
    from poly_match_rs.v5 import find_best_polygons
    from poly_match_rs.v6 import find_best_polygons as v6_find

    assert v1_find is poly_match_rs.v1.find_close_polygons
    assert V2Polygon is poly_match_rs.v2.Polygon
    assert callable(find_all_close_polygons) and callable(find_best_polygons)
    assert v6_find is poly_match_rs.v6.find_best_polygons
    for name in ("v0", "v1", "v2", "v3", "v4", "v5", "v6"):
        assert getattr(poly_match_rs, name).__doc__


# --------------------------------------------------------------------------------------
# Inputs are left alone


@pytest.mark.parametrize("version", OTHER_VERSIONS)
def test_inputs_are_not_modified(version):
    module = stage(version)
    shapes, points = mixed_shapes_example(31, 100, 20)
    polygons = [module.Polygon(x=x.copy(), y=y.copy()) for x, y in shapes]
    before_points = [p.copy() for p in points]
    before_polygons = [(np.array(p.x), np.array(p.y)) for p in polygons]
    order = list(polygons)
    module.main(polygons, points, 10.0)
    assert all(a is b for a, b in zip(polygons, order, strict=True))
    for point, before in zip(points, before_points, strict=True):
        np.testing.assert_array_equal(point, before)
        assert point.flags.writeable  # no borrow left behind
    for poly, (x, y) in zip(polygons, before_polygons, strict=True):
        np.testing.assert_array_equal(poly.x, x)
        np.testing.assert_array_equal(poly.y, y)
