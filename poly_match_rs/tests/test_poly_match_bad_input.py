"""Bad input gets a TypeError or ValueError that names the argument (see docs/errors.md).

Every exported function of every Rust stage is called with a wrong dtype, a 2-D point,
empty lists, NaN, a non-positive ``max_dist``, malformed polygons and objects that are
not polygons. The test ids carry the stage name, so ``-k poly_match_vN`` selects them.
"""

from __future__ import annotations

import numpy as np
import pytest
from poly_match_testing import RUST_STAGES, stage

import poly_match_rs

X = np.array([0.0, 1.0, 1.0, 0.0])
Y = np.array([0.0, 0.0, 1.0, 1.0])
POINT = np.array([0.5, 0.5])


def good_polygons(stage_name: str) -> list:
    """Two valid polygons of the class the stage's function expects."""
    module = stage(stage_name)  # the py_project driver: its Polygon is what main() uses
    return [module.Polygon(x=X.copy(), y=Y.copy()), module.Polygon(x=X + 3.0, y=Y.copy())]


class NoCenter:
    """Not a polygon."""


class BrokenCenter:
    @property
    def center(self):
        raise RuntimeError("the centre could not be computed")


class IntCenter:
    center = np.array([1, 2])


class LongCenter:
    center = np.array([1.0, 2.0, 3.0])


# (what is wrong, point, exception, message pattern): the same checks in every stage
BAD_POINTS = [
    ("int-dtype", np.array([1, 2]), TypeError, r"point.* dtype float64, got int64"),
    (
        "2d-point",
        np.array([[0.5, 0.5]]),
        ValueError,
        r"point must be a 1-D array, got shape \(1, 2\)",
    ),
    ("3-values", np.array([1.0, 2.0, 3.0]), ValueError, r"point must hold 2 numbers"),
    ("nan", np.array([np.nan, 1.0]), ValueError, r"point must hold finite numbers"),
    ("infinite", np.array([np.inf, 1.0]), ValueError, r"point must hold finite numbers"),
    ("list", [0.5, 0.5], TypeError, r"point must be a NumPy array of float64, got list"),
    ("none", None, TypeError, r"point must be a NumPy array of float64, got NoneType"),
]

BAD_MAX_DIST = [
    ("zero", 0.0, ValueError, r"max_dist must be a positive finite number, got 0"),
    ("negative", -1.0, ValueError, r"max_dist must be a positive finite number"),
    ("nan", float("nan"), ValueError, r"max_dist must be a positive finite number, got NaN"),
    ("infinite", float("inf"), ValueError, r"max_dist must be a positive finite number"),
    ("tiny", 1e-200, ValueError, r"max_dist must be between about 1e-154 and 1e154"),
    ("text", "10", TypeError, r"max_dist"),
]


def cases_single_point(stage_name: str, function):
    """Cases for find_close_polygons(polygons, point, max_dist) (v1, v2, v3).

    The polygons are built when a case runs, not when pytest collects the cases: in an
    exercise the Polygon constructor may be an unfinished stub.
    """

    def polygons():
        return good_polygons(stage_name)

    for what, point, error, pattern in BAD_POINTS:
        yield pytest.param(
            lambda p=point: function(polygons(), p, 10.0), error, pattern, id=f"{stage_name}-{what}"
        )
    for what, max_dist, error, pattern in BAD_MAX_DIST:
        yield pytest.param(
            lambda d=max_dist: function(polygons(), POINT, d),
            error,
            pattern,
            id=f"{stage_name}-max-dist-{what}",
        )
    yield pytest.param(
        lambda: function([], POINT, 10.0),
        ValueError,
        r"polygons must not be empty",
        id=f"{stage_name}-empty-polygons",
    )
    yield pytest.param(
        lambda: function(42, POINT, 10.0), TypeError, r"polygons", id=f"{stage_name}-polygons-int"
    )
    yield pytest.param(
        lambda: function("abc", POINT, 10.0),
        TypeError,
        r"polygons",
        id=f"{stage_name}-polygons-str",
    )


def cases_not_polygons(stage_name: str, function, class_name: str):
    for what, intruder in [("text", "polygon"), ("none", None), ("number", 3.5)]:
        yield pytest.param(
            lambda x=intruder: function([good_polygons(stage_name)[0], x], POINT, 10.0),
            TypeError,
            rf"polygons\[1\] must be a {class_name}",
            id=f"{stage_name}-not-a-polygon-{what}",
        )


def cases_many_points(stage_name: str, function):
    """Cases for f(polygons, points, max_dist) (v4 to v6); polygons built when a case runs."""

    def polygons():
        return good_polygons(stage_name)

    for what, point, error, pattern in BAD_POINTS:
        pattern = pattern.replace("point", r"points\[1\]", 1)
        yield pytest.param(
            lambda p=point: function(polygons(), [POINT, p], 10.0),
            error,
            pattern,
            id=f"{stage_name}-points-{what}",
        )
    for what, max_dist, error, pattern in BAD_MAX_DIST:
        yield pytest.param(
            lambda d=max_dist: function(polygons(), [POINT], d),
            error,
            pattern,
            id=f"{stage_name}-max-dist-{what}",
        )
    yield pytest.param(
        lambda: function([], [POINT], 10.0),
        ValueError,
        r"polygons must not be empty",
        id=f"{stage_name}-empty-polygons",
    )
    yield pytest.param(
        lambda: function(polygons(), [], 10.0),
        ValueError,
        r"points must not be empty",
        id=f"{stage_name}-empty-points",
    )
    yield pytest.param(
        lambda: function(polygons(), None, 10.0),
        TypeError,
        r"points",
        id=f"{stage_name}-points-none",
    )
    yield pytest.param(
        lambda: function("abc", [POINT], 10.0),
        TypeError,
        r"polygons",
        id=f"{stage_name}-polygons-str",
    )
    class_name = f"poly_match_rs.{stage_name[-2:]}.Polygon"
    intruders = [
        ("text", lambda: "polygon"),
        ("none", lambda: None),
        ("v2-polygon", lambda: poly_match_rs.v2.Polygon(X, Y)),
    ]
    for what, intruder in intruders:
        yield pytest.param(
            lambda x=intruder: function([polygons()[0], x()], [POINT], 10.0),
            TypeError,
            rf"polygons\[1\] must be a {class_name}",
            id=f"{stage_name}-not-a-polygon-{what}",
        )


def cases_polygon_class(stage_name: str):
    cls = getattr(poly_match_rs, stage_name[-2:]).Polygon
    bad = [
        ("x-int", lambda: cls(np.array([0, 1, 1]), Y[:3]), TypeError, r"x must have dtype float64"),
        ("x-list", lambda: cls([0.0, 1.0, 1.0], Y[:3]), TypeError, r"x must be a NumPy array"),
        ("x-2d", lambda: cls(X.reshape(2, 2), Y), ValueError, r"x must be a 1-D array"),
        ("lengths", lambda: cls(X, Y[:3]), ValueError, r"x and y must have the same length"),
        ("two-vertices", lambda: cls(X[:2], Y[:2]), ValueError, r"at least 3 vertices, got 2"),
        ("empty", lambda: cls(X[:0], Y[:0]), ValueError, r"at least 3 vertices, got 0"),
        ("y-nan", lambda: cls(X, np.array([0.0, np.nan, 1.0, 1.0])), ValueError, r"y must hold"),
        ("x-inf", lambda: cls(np.array([0.0, np.inf, 1.0, 0.0]), Y), ValueError, r"x must hold"),
        ("missing-y", lambda: cls(X), TypeError, r"y"),
    ]
    for what, call, error, pattern in bad:
        yield pytest.param(call, error, pattern, id=f"{stage_name}-polygon-{what}")


CASES = [
    *cases_single_point("poly_match_v1", poly_match_rs.v1.find_close_polygons),
    *cases_single_point("poly_match_v2", poly_match_rs.v2.find_close_polygons),
    *cases_single_point("poly_match_v3", poly_match_rs.v3.find_close_polygons),
    *cases_not_polygons(
        "poly_match_v2", poly_match_rs.v2.find_close_polygons, "poly_match_rs.v2.Polygon"
    ),
    *cases_not_polygons(
        "poly_match_v3", poly_match_rs.v3.find_close_polygons, "poly_match_rs.v3.Polygon"
    ),
    *cases_many_points("poly_match_v4", poly_match_rs.v4.find_all_close_polygons),
    *cases_many_points("poly_match_v5", poly_match_rs.v5.find_best_polygons),
    *cases_many_points("poly_match_v6", poly_match_rs.v6.find_best_polygons),
    *cases_polygon_class("poly_match_v2"),
    *cases_polygon_class("poly_match_v3"),
    *cases_polygon_class("poly_match_v4"),
    *cases_polygon_class("poly_match_v5"),
    *cases_polygon_class("poly_match_v6"),
    # v1 reads `center` from any object: objects without a usable one are rejected.
    pytest.param(
        lambda: poly_match_rs.v1.find_close_polygons([NoCenter()], POINT, 10.0),
        TypeError,
        r"polygons\[0\] must be a polygon with a `center` attribute, got NoCenter",
        id="poly_match_v1-no-center",
    ),
    pytest.param(
        lambda: poly_match_rs.v1.find_close_polygons([IntCenter()], POINT, 10.0),
        TypeError,
        r"polygons\[0\]\.center must have dtype float64",
        id="poly_match_v1-int-center",
    ),
    pytest.param(
        lambda: poly_match_rs.v1.find_close_polygons([LongCenter()], POINT, 10.0),
        ValueError,
        r"polygons\[0\]\.center must hold 2 numbers",
        id="poly_match_v1-long-center",
    ),
    pytest.param(
        lambda: poly_match_rs.v1.find_close_polygons([BrokenCenter()], POINT, 10.0),
        RuntimeError,  # an error raised by the object itself is passed on unchanged
        r"the centre could not be computed",
        id="poly_match_v1-center-raises",
    ),
]


@pytest.mark.parametrize("call, error, pattern", CASES)
def test_bad_input_raises_a_clear_error(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()


@pytest.mark.parametrize("stage_name", RUST_STAGES)
def test_good_input_of_the_bad_input_tests_is_accepted(stage_name):
    """The baseline of the cases above is valid: only the one changed argument is wrong."""
    polygons = good_polygons(stage_name)
    module = getattr(poly_match_rs, stage_name[-2:])
    if stage_name in ("poly_match_v1", "poly_match_v2", "poly_match_v3"):
        found = module.find_close_polygons(polygons, POINT, 10.0)
        assert found[0] is polygons[0] and found[1] is polygons[1]
    elif stage_name == "poly_match_v4":
        [(point, found)] = module.find_all_close_polygons(polygons, [POINT], 10.0)
        assert point is POINT and found[0] is polygons[0]
    else:
        [(point, best)] = module.find_best_polygons(polygons, [POINT], 10.0)
        assert point is POINT and best is polygons[0]
