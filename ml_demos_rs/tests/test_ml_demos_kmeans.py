"""k-means: the scratch versions (Python and Rust) against scikit-learn, and linfa.

Given the same data and initial centroids, plain Python, Rust and scikit-learn
(`algorithm="lloyd"`, `n_init=1`) must find the same labels, the same centroids and
inertia (1e-9 relative) after the same number of iterations. Tests whose id contains
`kmeans_rust_scratch` decide whether that exercise is done.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from ml_data import blobs, kmeans_problem
from ml_demos_testing import version
from sklearn.cluster import KMeans

import ml_demos_rs

SCRATCH = ["kmeans_py_scratch", "kmeans_rust_scratch", "kmeans_rust_bounds"]


def sklearn_kmeans(data, init, max_iter=300, tol=0.0):
    model = KMeans(len(init), init=init, n_init=1, algorithm="lloyd", max_iter=max_iter, tol=tol)
    model.fit(data)
    return model.cluster_centers_, model.labels_, model.inertia_, model.n_iter_


def assert_same_clustering(got, expected, rtol=1e-9):
    centroids, labels, inertia, n_iter = got
    want_centroids, want_labels, want_inertia, want_n_iter = expected
    np.testing.assert_array_equal(labels, want_labels)
    scale = np.abs(want_centroids).max()
    np.testing.assert_allclose(centroids, want_centroids, rtol=rtol, atol=rtol * scale)
    assert inertia == pytest.approx(want_inertia, rel=rtol)
    assert n_iter == want_n_iter


def overlapping_blobs(n, d, k, seed):
    """Blobs close enough to overlap: Lloyd needs many iterations, boundaries move."""
    rng = np.random.default_rng(seed)
    centers = rng.uniform(-3, 3, size=(k, d))
    return centers[rng.integers(0, k, size=n)] + rng.standard_normal((n, d))


def random_rows(data, k, seed):
    rng = np.random.default_rng(seed)
    return data[rng.choice(len(data), size=k, replace=False)].copy()


CASES = {
    # (n, d, k, seed, tol, max_iter): 2-D and 3-D use the plain distance loop, 8-D the
    # matrix product; tol > 0 and a small max_iter stop before the labels settle.
    "2d-converged": (2_000, 2, 5, 0, 0.0, 300),
    "3d-converged": (1_500, 3, 4, 1, 0.0, 300),
    "8d-converged": (1_500, 8, 6, 2, 0.0, 300),
    "2d-tol": (2_000, 2, 6, 3, 1e-3, 300),
    "8d-tol": (1_500, 8, 5, 4, 1e-4, 300),
    "2d-max-iter": (2_000, 2, 7, 5, 0.0, 3),
}


@pytest.mark.parametrize("name", SCRATCH)
@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_scratch_matches_sklearn(name, case):
    n, d, k, seed, tol, max_iter = CASES[case]
    data = overlapping_blobs(n, d, k, seed)
    init = random_rows(data, k, seed)
    expected = sklearn_kmeans(data, init, max_iter, tol)
    assert expected[3] > 2, "the case should need a few iterations"
    got = version(name).main(data, init, max_iter, tol)
    assert_same_clustering(got, expected)


@pytest.mark.parametrize("name", SCRATCH)
def test_scratch_matches_sklearn_on_the_benchmark_problem(name):
    problem = kmeans_problem(3_000, 2, 5, 0)
    expected = sklearn_kmeans(problem.data, problem.init, problem.max_iter, problem.tol)
    got = version(name).main(problem.data, problem.init, problem.max_iter, problem.tol)
    assert_same_clustering(got, expected)


@pytest.mark.parametrize("name", SCRATCH)
def test_scratch_relocates_an_empty_cluster_like_sklearn(name):
    # The third initial centroid is far from every point: its cluster starts empty
    # and gets the point farthest from its centroid (scikit-learn's rule).
    data = np.array([[0.0], [1.0], [2.0], [9.0], [10.0], [13.0]])
    init = np.array([[1.0], [10.0], [100.0]])
    for max_iter in (1, 2):
        expected = sklearn_kmeans(data, init, max_iter)
        assert_same_clustering(version(name).main(data, init, max_iter, 0.0), expected)
    assert 0.0 not in version(name).main(data, init, 1, 0.0)[0]  # not sent to the origin
    # Run to the end, both settle on the same clusters. (scikit-learn may count one
    # more iteration here: it works on centred data, where the relocation leaves a
    # rounding error that our exact arithmetic does not.)
    expected = sklearn_kmeans(data, init)
    got = version(name).main(data, init, 300, 0.0)
    assert_same_clustering((*got[:3], expected[3]), expected)


@pytest.mark.parametrize(("n", "d", "k", "seed"), [(30_000, 16, 16, 6), (20_000, 5, 8, 7)])
def test_kmeans_rust_bounds_matches_sklearn_when_the_bounds_skip_most_rows(n, d, k, seed):
    # Overlapping clusters in many dimensions: many iterations, moving boundaries,
    # rows near ties; the bounds decide most rows, the rest are compared.
    data = overlapping_blobs(n, d, k, seed)
    init = random_rows(data, k, seed)
    expected = sklearn_kmeans(data, init)
    assert expected[3] > 10, "the case should need many iterations"
    assert_same_clustering(version("kmeans_rust_bounds").main(data, init, 300, 0.0), expected)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.integers(1, 4).flatmap(
        lambda d: arrays(
            np.float64,
            st.tuples(st.integers(2, 60), st.just(d)),
            elements=st.floats(-100, 100, allow_nan=False, width=32),
        )
    ),
    k=st.integers(1, 5),
    seed=st.integers(0, 2**32 - 1),
)
def test_kmeans_rust_scratch_matches_python_scratch_on_any_small_input(data, k, seed):
    # Few features: Rust measures distances like the Python loop, in the same order,
    # so even ties (duplicate points, equal distances) go the same way.
    k = min(k, len(data))
    init = random_rows(data, k, seed)
    expected = version("kmeans_py_scratch").main(data, init, 50, 0.0)
    got = version("kmeans_rust_scratch").main(data, init, 50, 0.0)
    assert_same_clustering(got, expected)


def test_kmeans_rust_scratch_kmeans_plus_plus_is_reproducible_by_seed():
    data, _ = blobs(2_000, 2, 6, seed=1)
    first = ml_demos_rs.kmeans(data, 6, seed=42)
    again = ml_demos_rs.kmeans(data, 6, seed=42)
    np.testing.assert_array_equal(first.centroids, again.centroids)
    np.testing.assert_array_equal(first.labels, again.labels)
    # The initial centroids themselves depend on the seed (one iteration shows them
    # after a single update).
    one = [ml_demos_rs.kmeans(data, 6, seed=s, max_iter=1).centroids for s in (1, 2)]
    assert not np.array_equal(one[0], one[1])
    # The same seed, through the other API, gives the same answer.
    centroids, labels = ml_demos_rs.kmeans_alamano(data, 6, seed=42)
    np.testing.assert_array_equal(centroids, first.centroids)
    np.testing.assert_array_equal(labels, first.labels)


@pytest.mark.parametrize("init", ["kmeans++", "k-means++"])
def test_kmeans_rust_scratch_finds_well_separated_blobs(init):
    data, truth = blobs(3_000, 3, 4, seed=3)
    fit = ml_demos_rs.kmeans(data, 4, init=init, seed=0, tol=0.0)
    # Each true blob is one cluster (up to renumbering).
    pairs = set(zip(truth.tolist(), fit.labels.tolist(), strict=True))
    assert len(pairs) == 4
    assert fit.inertia < 1.2 * 3 * 3_000  # about n * d for unit-variance blobs
    assert fit.labels.dtype == np.int64 and fit.labels.shape == (3_000,)
    assert fit.centroids.dtype == np.float64 and fit.centroids.shape == (4, 3)


def test_kmeans_rust_scratch_random_init_is_reproducible_by_seed():
    data, _ = blobs(1_000, 2, 4, seed=4)
    a = ml_demos_rs.kmeans(data, 4, init="random", seed=9, max_iter=1)
    b = ml_demos_rs.kmeans(data, 4, init="random", seed=9, max_iter=1)
    c = ml_demos_rs.kmeans(data, 4, init="random", seed=10, max_iter=1)
    np.testing.assert_array_equal(a.centroids, b.centroids)
    assert not np.array_equal(a.centroids, c.centroids)
    assert set(a.labels.tolist()) <= {0, 1, 2, 3}


def test_kmeans_rust_scratch_results_and_inputs():
    data = overlapping_blobs(500, 2, 3, seed=7)
    init = random_rows(data, 3, seed=7)
    data_before, init_before = data.copy(), init.copy()
    fit = ml_demos_rs.kmeans(data, 3, init=init, tol=0.0)
    # The caller's arrays are not modified, and read-only or strided arrays work.
    np.testing.assert_array_equal(data, data_before)
    np.testing.assert_array_equal(init, init_before)
    data.setflags(write=False)
    wide = np.asfortranarray(np.hstack([data, data]))[:, :2]
    for same_data in (data, wide):
        again = ml_demos_rs.kmeans(same_data, 3, init=init, tol=0.0)
        np.testing.assert_array_equal(again.labels, fit.labels)
        np.testing.assert_allclose(again.centroids, fit.centroids, rtol=1e-12)
    assert fit.n_iter >= 1
    assert "KMeansResult(centroids=<3x2 array>" in repr(fit)
    centroids, labels = ml_demos_rs.kmeans_alamano(data, 3, 300, 0.0, init, None)
    np.testing.assert_array_equal(labels, fit.labels)
    np.testing.assert_array_equal(centroids, fit.centroids)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_kmeans_rust_linfa_reaches_the_same_inertia_on_separated_blobs(seed):
    problem = kmeans_problem(3_000, 2, 5, seed)
    expected = sklearn_kmeans(problem.data, problem.init)
    fit = ml_demos_rs.kmeans_linfa(problem.data, 5, init=problem.init, tol=0.0)
    assert fit.n_iter is None
    np.testing.assert_array_equal(fit.labels, expected[1])
    assert fit.inertia == pytest.approx(expected[2], rel=1e-6)
    np.testing.assert_allclose(fit.centroids, expected[0], rtol=1e-6)


def test_kmeans_rust_linfa_is_reproducible_by_seed():
    data, _ = blobs(1_000, 2, 3, seed=2)
    a = ml_demos_rs.kmeans_linfa(data, 3, seed=5)
    b = ml_demos_rs.kmeans_linfa(data, 3, seed=5)
    np.testing.assert_array_equal(a.centroids, b.centroids)
