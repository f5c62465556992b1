"""Random valid inputs give the baseline's answer, in every memory layout.

Baselines: ``poly_match_v0.py`` for lesson 1, scikit-learn for lesson 2 (``KMeans`` with
``algorithm="lloyd"``, ``n_init=1``; ``train_test_split(stratify=y)``; ``StratifiedKFold``).
Every NumPy array handed to the export is also passed as a strided view, a negative-
stride view, a Fortran-ordered copy or a read-only array (hypothesis draws which); the
answer must be the same as for the contiguous array, which is the baseline's.
"""

from __future__ import annotations

import warnings
from collections import Counter

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from reliability_exports import ml_suites, poly_project
from reliability_inputs import LAYOUTS, Snapshot
from reliability_support import STATS
from sklearn.cluster import KMeans
from sklearn.model_selection import StratifiedKFold, train_test_split

import ml_demos_rs
import poly_match_rs

SETTINGS = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

layouts = st.sampled_from([None, *LAYOUTS])


def in_layout(array: np.ndarray, layout: str | None) -> np.ndarray:
    return array if layout is None else LAYOUTS[layout](array)


def counted() -> None:
    STATS["hypothesis_valid"] += 1


# --- lesson 1 ------------------------------------------------------------------------


@st.composite
def polygon_scenes(draw):
    """Polygons (3 to 7 vertices) scattered over a 40 x 40 square, points, max_dist."""
    shapes = []
    for _ in range(draw(st.integers(1, 10))):
        n_vertices = draw(st.integers(3, 7))
        coordinate = st.floats(-3, 3, allow_subnormal=False)
        x = draw(hnp.arrays(np.float64, n_vertices, elements=coordinate))
        y = draw(hnp.arrays(np.float64, n_vertices, elements=coordinate))
        dx, dy = draw(st.floats(0, 40)), draw(st.floats(0, 40))
        shapes.append((x + dx, y + dy))
    point = hnp.arrays(np.float64, 2, elements=st.floats(-5, 45, allow_subnormal=False))
    points = draw(st.lists(point, min_size=1, max_size=8))
    max_dist = draw(st.floats(0.5, 30))
    layout = draw(layouts)
    return shapes, points, max_dist, layout


def baseline_scene(shapes, points, max_dist, ties: bool = False):
    """v0's polygons, and an `assume` that no case sits on a rounding boundary: a centre
    at max_dist from a point to 1e-9, or (`ties`) two areas at the tie threshold."""
    v0 = poly_project("poly_match_v0")
    polygons = [v0.Polygon(x=x.copy(), y=y.copy()) for x, y in shapes]
    for point in points:
        for polygon in polygons:
            distance = np.linalg.norm(polygon.center - point)
            assume(abs(distance - max_dist) > 1e-9 * max_dist)
    if not ties:
        return v0, polygons

    # The tie rule: b replaces a when b < a * (1 - AREA_RTOL). Rust sums the shoelace
    # products in another order than np.dot, so each area carries a rounding error of a
    # few ulps of the sum of |products|: a case with b that close to the threshold can go
    # either way, and is left out.
    def noise(polygon) -> float:
        x, y = polygon.x, polygon.y
        products = np.abs(x * np.roll(y, 1)).sum() + np.abs(y * np.roll(x, 1)).sum()
        return 8 * np.finfo(float).eps * products

    for a in polygons:
        for b in polygons:
            margin = noise(a) + noise(b)
            gap = abs(b.area - a.area * (1.0 - v0.AREA_RTOL))
            assume(gap > margin or margin == 0.0)
    return v0, polygons


def indices(found, polygons) -> list[int]:
    position = {id(p): i for i, p in enumerate(polygons)}
    return [position[id(p)] for p in found]


def stage_polygons(stage: str, shapes, layout):
    if stage == "v1":
        make = poly_project("poly_match_v1").Polygon
    else:
        make = getattr(poly_match_rs, stage).Polygon
    return [make(in_layout(x, layout), in_layout(y, layout)) for x, y in shapes]


@pytest.mark.parametrize("stage", ["v1", "v2", "v3"])
@SETTINGS
@given(scene=polygon_scenes())
def test_find_close_polygons_matches_v0(stage, scene):
    shapes, points, max_dist, layout = scene
    v0, baseline = baseline_scene(shapes, points, max_dist)
    polygons = stage_polygons(stage, shapes, layout)
    find = getattr(poly_match_rs, stage).find_close_polygons
    for point in points:
        expected = indices(v0.find_close_polygons(baseline, point, max_dist), baseline)
        view = in_layout(point, layout)
        snapshot = Snapshot((polygons, view), {})
        assert indices(find(polygons, view, max_dist), polygons) == expected
        assert not snapshot.changed()
    counted()


@SETTINGS
@given(scene=polygon_scenes())
def test_find_all_close_polygons_matches_v0(scene):
    shapes, points, max_dist, layout = scene
    v0, baseline = baseline_scene(shapes, points, max_dist)
    expected = []
    for i, point in enumerate(points):
        close = v0.find_close_polygons(baseline, point, max_dist)
        if close:
            expected.append((i, indices(close, baseline)))
    polygons = stage_polygons("v4", shapes, layout)
    views = [in_layout(p, layout) for p in points]
    snapshot = Snapshot((polygons, views), {})
    found = poly_match_rs.v4.find_all_close_polygons(polygons, views, max_dist)
    position = {id(p): i for i, p in enumerate(views)}
    assert [(position[id(point)], indices(close, polygons)) for point, close in found] == expected
    assert not snapshot.changed()
    counted()


@pytest.mark.parametrize("stage", ["v5", "v6"])
@SETTINGS
@given(scene=polygon_scenes())
def test_find_best_polygons_matches_v0(stage, scene):
    shapes, points, max_dist, layout = scene
    v0, baseline = baseline_scene(shapes, points, max_dist, ties=True)
    expected = [
        (i, indices([best], baseline)[0])
        for i, point in enumerate(points)
        for pair_point, best in v0.main(baseline, [point], max_dist)
    ]
    polygons = stage_polygons(stage, shapes, layout)
    views = [in_layout(p, layout) for p in points]
    snapshot = Snapshot((polygons, views), {})
    found = getattr(poly_match_rs, stage).find_best_polygons(polygons, views, max_dist)
    position = {id(p): i for i, p in enumerate(views)}
    assert [
        (position[id(point)], indices([best], polygons)[0]) for point, best in found
    ] == expected
    assert not snapshot.changed()
    counted()


@pytest.mark.parametrize("stage", ["v2", "v3", "v4", "v5", "v6"])
@SETTINGS
@given(
    vertices=st.integers(3, 30).flatmap(
        lambda n: hnp.arrays(np.float64, (2, n), elements=st.floats(-1e6, 1e6))
    ),
    layout=layouts,
)
def test_polygon_matches_v0(stage, vertices, layout):
    x, y = vertices[0].copy(), vertices[1].copy()
    baseline = poly_project("poly_match_v0").Polygon(x=x.copy(), y=y.copy())
    x_view, y_view = in_layout(x, layout), in_layout(y, layout)
    snapshot = Snapshot((x_view, y_view), {})
    polygon = getattr(poly_match_rs, stage).Polygon(x_view, y_view)
    assert not snapshot.changed()
    np.testing.assert_array_equal(polygon.x, x)
    np.testing.assert_array_equal(polygon.y, y)
    scale = max(1.0, float(np.abs(vertices).max()))
    np.testing.assert_allclose(polygon.center, baseline.center, rtol=1e-12, atol=1e-12 * scale)
    if stage in ("v5", "v6"):
        assert polygon.area == pytest.approx(baseline.area, rel=1e-9, abs=1e-9 * scale**2)
    # The getters hand out copies: changing one changes nothing inside the polygon.
    polygon.x[0] += 1.0
    np.testing.assert_array_equal(polygon.x, x)
    counted()


# --- lesson 2: k-means -----------------------------------------------------------------


@st.composite
def kmeans_problems(draw):
    """Data of n rows and d features (values in [-100, 100], plus a tiny seeded jitter so
    that no row is exactly as far from two centroids) and k distinct initial rows (up to
    6 x 6: Hamerly's bounds are used past 16 centroid values, Lloyd's steps below)."""
    k = draw(st.integers(1, 6))
    d = draw(st.integers(1, 6))
    n = draw(st.integers(max(k, 2), 40))
    data = draw(hnp.arrays(np.float64, (n, d), elements=st.floats(-100, 100)))
    seed = draw(st.integers(0, 2**32 - 1))
    data = data + np.random.default_rng(seed).normal(scale=1e-3, size=data.shape)
    rows = draw(st.permutations(range(n)))[:k]
    return data, data[list(rows)].copy(), seed, draw(layouts)


def sklearn_kmeans(data, init):
    model = KMeans(len(init), init=init, n_init=1, algorithm="lloyd", max_iter=300, tol=0.0)
    model.fit(data)
    return model.cluster_centers_, model.labels_, model.inertia_, model.n_iter_


def assert_same_clustering(centroids, labels, inertia, expected):
    want_centroids, want_labels, want_inertia, _ = expected
    np.testing.assert_array_equal(labels, want_labels)
    scale = max(1.0, float(np.abs(want_centroids).max()))
    np.testing.assert_allclose(centroids, want_centroids, rtol=1e-9, atol=1e-9 * scale)
    assert inertia == pytest.approx(want_inertia, rel=1e-9, abs=1e-9 * scale**2)


@pytest.mark.parametrize("name", ["kmeans", "kmeans_hamerly", "kmeans_alamano"])
@SETTINGS
@given(problem=kmeans_problems())
def test_kmeans_matches_sklearn(name, problem):
    data, init, seed, layout = problem
    expected = sklearn_kmeans(data, init)
    data_view, init_view = in_layout(data, layout), in_layout(init, layout)
    snapshot = Snapshot((data_view, init_view), {})
    if name in ("kmeans", "kmeans_hamerly"):
        algorithm = "hamerly" if name == "kmeans_hamerly" else "lloyd"
        fit = ml_demos_rs.kmeans(
            data_view, len(init), init=init_view, tol=0.0, seed=seed, algorithm=algorithm
        )
        assert_same_clustering(fit.centroids, fit.labels, fit.inertia, expected)
        assert fit.n_iter == expected[3]
    else:
        centroids, labels = ml_demos_rs.kmeans_alamano(
            data_view, len(init), 300, 0.0, init_view, seed
        )
        inertia = float(((data - centroids[labels]) ** 2).sum())
        assert_same_clustering(centroids, labels, inertia, expected)
    assert not snapshot.changed()
    counted()


@st.composite
def separated_blobs(draw):
    """k groups of points far apart (centres 100 apart, points within 1 of them) and one
    point of each group as the initial centroid: every k-means finds the groups."""
    k = draw(st.integers(1, 4))
    d = draw(st.integers(1, 4))
    groups = []
    for j in range(k):
        m = draw(st.integers(2, 10))
        offsets = draw(hnp.arrays(np.float64, (m, d), elements=st.floats(-1, 1)))
        groups.append(100.0 * j + offsets)
    data = np.concatenate(groups)
    order = np.random.default_rng(draw(st.integers(0, 1000))).permutation(len(data))
    data = data[order]
    init = np.array([group[0] for group in groups])
    return data, init, draw(layouts)


@SETTINGS
@given(problem=separated_blobs())
def test_kmeans_linfa_matches_sklearn_on_separated_groups(problem):
    data, init, layout = problem
    want_centroids, want_labels, want_inertia, _ = sklearn_kmeans(data, init)
    data_view, init_view = in_layout(data, layout), in_layout(init, layout)
    snapshot = Snapshot((data_view, init_view), {})
    fit = ml_demos_rs.kmeans_linfa(data_view, len(init), init=init_view, tol=0.0, seed=0)
    np.testing.assert_array_equal(fit.labels, want_labels)
    # linfa counts the old centroid as one more point: its means converge, not land exactly.
    np.testing.assert_allclose(fit.centroids, want_centroids, rtol=1e-6, atol=1e-6)
    assert fit.inertia == pytest.approx(want_inertia, rel=1e-6, abs=1e-9)
    assert fit.n_iter is None
    assert not snapshot.changed()
    counted()


# --- lesson 2: stratified splits -----------------------------------------------------

labels_arrays = st.integers(2, 60).flatmap(
    lambda n: hnp.arrays(
        st.sampled_from([np.int64, np.int32, np.int16, np.uint8]), n, elements=st.integers(0, 4)
    )
)


def class_counts(y, rows) -> Counter:
    return Counter(np.asarray(y)[rows].tolist())


def sklearn_split(y, test_size, train_size):
    """scikit-learn's split of `y`, or the ValueError it raises."""
    try:
        return train_test_split(
            np.arange(len(y)),
            test_size=test_size,
            train_size=train_size,
            stratify=y,
            random_state=0,
        )
    except ValueError as error:
        return error


def assert_split_like_sklearn(y, train, test, expected):
    want_train, want_test = expected
    assert train.dtype == np.int64 and test.dtype == np.int64
    assert len(train) == len(want_train) and len(test) == len(want_test)
    assert len(np.intersect1d(train, test)) == 0 and len(np.unique(train)) == len(train)
    assert len(np.unique(test)) == len(test)
    # Per-class counts: the ones scikit-learn's rule allows (any, where it draws a tie).
    rule = ml_suites().allowed_counts
    sizes = class_counts(y, np.arange(len(y)))
    train_counts = class_counts(y, train)
    for c, (low, high) in rule(sizes, len(train)).items():
        assert low <= train_counts[c] <= high
    left = {c: n - train_counts[c] for c, n in sizes.items()}
    test_counts = class_counts(y, test)
    for c, (low, high) in rule(left, len(test)).items():
        assert low <= test_counts[c] <= high


@st.composite
def split_requests(draw):
    y = draw(labels_arrays)
    test_size = draw(st.floats(0.05, 0.95))
    train_size = draw(st.one_of(st.none(), st.floats(0.05, 0.95)))
    return y, test_size, train_size, draw(st.integers(0, 2**32)), draw(layouts)


@SETTINGS
@given(request=split_requests())
def test_train_test_indices_match_sklearn(request):
    y, test_size, train_size, seed, layout = request
    expected = sklearn_split(y, test_size, train_size)
    view = in_layout(y, layout)
    snapshot = Snapshot((view,), {})
    if isinstance(expected, ValueError):
        with pytest.raises(ValueError):
            ml_demos_rs.stratified_train_test_indices(view, test_size, train_size, seed)
    else:
        train, test = ml_demos_rs.stratified_train_test_indices(view, test_size, train_size, seed)
        assert_split_like_sklearn(y, train, test, expected)
        again = ml_demos_rs.stratified_train_test_indices(y.copy(), test_size, train_size, seed)
        np.testing.assert_array_equal(again[0], train)  # the layout changes nothing
        np.testing.assert_array_equal(again[1], test)
    assert not snapshot.changed()
    counted()


@SETTINGS
@given(request=split_requests())
def test_train_test_split_matches_sklearn(request):
    y, test_size, train_size, seed, layout = request
    expected = sklearn_split(y, test_size, train_size)
    data = np.repeat(np.arange(len(y), dtype=np.float64)[:, None], 3, axis=1)
    view = in_layout(y, layout)
    snapshot = Snapshot((data, view), {})
    if isinstance(expected, ValueError):
        with pytest.raises(ValueError):
            ml_demos_rs.stratified_train_test_split(data, view, test_size, train_size, seed)
    else:
        x_train, x_test, y_train, y_test = ml_demos_rs.stratified_train_test_split(
            data, view, test_size, train_size, seed
        )
        train, test = x_train[:, 0].astype(np.int64), x_test[:, 0].astype(np.int64)
        assert_split_like_sklearn(y, train, test, expected)
        np.testing.assert_array_equal(y_train, y[train])
        np.testing.assert_array_equal(y_test, y[test])
    assert not snapshot.changed()
    counted()


def sklearn_folds(y, k):
    """Per fold, the class counts of scikit-learn's StratifiedKFold, or its ValueError."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        try:
            splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=0)
            return [class_counts(y, test) for _, test in splitter.split(np.zeros(len(y)), y)]
        except ValueError as error:
            return error


@st.composite
def kfold_requests(draw):
    y = draw(labels_arrays)
    return y, draw(st.integers(2, 6)), draw(st.integers(0, 2**32)), draw(layouts)


def assert_folds_like_sklearn(y, folds, expected):
    assert len(folds) == len(expected)
    joined = np.concatenate(folds)
    np.testing.assert_array_equal(np.sort(joined), np.arange(len(y)))
    assert [class_counts(y, fold) for fold in folds] == expected


@SETTINGS
@given(request=kfold_requests())
def test_kfold_indices_match_sklearn(request):
    y, k, seed, layout = request
    expected = sklearn_folds(y, k)
    view = in_layout(y, layout)
    snapshot = Snapshot((view,), {})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        if isinstance(expected, ValueError):
            with pytest.raises(ValueError):
                ml_demos_rs.stratified_kfold_indices(view, k, seed)
        else:
            folds = ml_demos_rs.stratified_kfold_indices(view, k, seed)
            assert all(fold.dtype == np.int64 for fold in folds)
            assert_folds_like_sklearn(y, folds, expected)
    assert not snapshot.changed()
    counted()


@SETTINGS
@given(request=kfold_requests())
def test_kfold_split_matches_sklearn(request):
    y, k, seed, layout = request
    expected = sklearn_folds(y, k)
    data = np.arange(len(y), dtype=np.float64)[:, None]
    view = in_layout(y, layout)
    snapshot = Snapshot((data, view), {})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        if isinstance(expected, ValueError):
            with pytest.raises(ValueError):
                ml_demos_rs.stratified_kfold_split(data, view, k, seed)
        else:
            x_folds, y_folds = ml_demos_rs.stratified_kfold_split(data, view, k, seed)
            folds = [x[:, 0].astype(np.int64) for x in x_folds]
            assert_folds_like_sklearn(y, folds, expected)
            for fold, y_fold in zip(folds, y_folds, strict=True):
                np.testing.assert_array_equal(y_fold, y[fold])
    assert not snapshot.changed()
    counted()


def test_kmeans_result_comes_only_from_kmeans():
    fit = ml_demos_rs.kmeans(np.array([[0.0], [1.0], [10.0]]), 2, init=np.array([[0.0], [10.0]]))
    assert isinstance(fit, ml_demos_rs.KMeansResult)
    np.testing.assert_array_equal(fit.labels, [0, 0, 1])
    with pytest.raises(AttributeError):
        fit.inertia = 0.0  # frozen: a result cannot be edited by mistake
    assert "KMeansResult(" in repr(fit)


def test_all_layouts_are_really_different_layouts():
    # The views must not silently be contiguous copies, or the layout tests prove nothing.
    base = np.arange(12.0).reshape(6, 2)
    assert not LAYOUTS["strided"](base).flags.c_contiguous
    assert LAYOUTS["negative-stride"](base).strides[0] < 0
    assert (
        LAYOUTS["fortran"](base).flags.f_contiguous
        and not LAYOUTS["fortran"](base).flags.c_contiguous
    )
    assert not LAYOUTS["read-only"](base).flags.writeable
    for layout in LAYOUTS.values():
        np.testing.assert_array_equal(layout(base), base)
