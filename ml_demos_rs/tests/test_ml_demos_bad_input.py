"""Bad input gets a TypeError or ValueError that names the argument (see docs/errors.md).

Nothing here may crash the interpreter or reach Python as a Rust panic
(`pyo3_runtime.PanicException`, which is neither a TypeError nor a ValueError).
"""

from __future__ import annotations

import numpy as np
import pytest

import ml_demos_rs

GOOD = np.random.default_rng(0).normal(size=(20, 2))
KMEANS_FUNCTIONS = {
    "kmeans": ml_demos_rs.kmeans,
    "kmeans_linfa": ml_demos_rs.kmeans_linfa,
    "kmeans_hamerly": lambda data, k, **kw: ml_demos_rs.kmeans(data, k, algorithm="hamerly", **kw),
    "kmeans_alamano": lambda data, k, **kw: ml_demos_rs.kmeans_alamano(data, k, **kw),
}

BAD_KMEANS_CALLS = {
    # name: (data, n_clusters, keywords, error, words of the message)
    "k-zero": (GOOD, 0, {}, ValueError, "n_clusters must be a positive integer, got 0"),
    "k-negative": (GOOD, -2, {}, ValueError, "n_clusters must be a positive integer"),
    "k-above-n": (GOOD, 21, {}, ValueError, "n_clusters=21 is larger than the number of samples"),
    "k-float": (GOOD, 2.0, {}, TypeError, "while processing 'n_clusters'"),
    "nan": (np.array([[0.0, 1.0], [np.nan, 2.0]]), 1, {}, ValueError, "data contains NaN"),
    "inf": (np.array([[0.0, 1.0], [np.inf, 2.0]]), 1, {}, ValueError, "infinity"),
    "1-d": (np.arange(5.0), 2, {}, ValueError, "data must be a 2-D"),
    "3-d": (np.zeros((2, 2, 2)), 1, {}, ValueError, "got a 3-D array"),
    "no-rows": (np.zeros((0, 2)), 1, {}, ValueError, "data is empty"),
    "no-columns": (np.zeros((4, 0)), 1, {}, ValueError, "no columns"),
    "float32": (GOOD.astype(np.float32), 2, {}, TypeError, "data must have dtype float64"),
    "int": (np.ones((4, 2), dtype=np.int64), 2, {}, TypeError, "dtype float64, got int64"),
    "list": (GOOD.tolist(), 2, {}, TypeError, "data must be a 2-D float64 array"),
    "init-shape": (GOOD, 3, {"init": np.zeros((2, 2))}, ValueError, "init must have shape"),
    "init-columns": (GOOD, 2, {"init": np.zeros((2, 3))}, ValueError, "(2, 2), got (2, 3)"),
    "init-dtype": (GOOD, 2, {"init": np.zeros((2, 2), np.float32)}, TypeError, "init must"),
    "init-nan": (GOOD, 2, {"init": np.array([[0, 0], [np.nan, 0]])}, ValueError, "init contains"),
    "init-name": (GOOD, 2, {"init": "kmeans"}, ValueError, 'init must be "kmeans++"'),
    "init-type": (GOOD, 2, {"init": [[0.0, 0.0]]}, TypeError, "init must be"),
    "max-iter": (GOOD, 2, {"max_iter": 0}, ValueError, "max_iter must be a positive integer"),
    "tol-negative": (GOOD, 2, {"tol": -1.0}, ValueError, "tol must be a finite number >= 0"),
    "tol-nan": (GOOD, 2, {"tol": float("nan")}, ValueError, "tol must be"),
    "seed-negative": (GOOD, 2, {"seed": -1}, ValueError, "seed must be None or an integer"),
    "seed-huge": (GOOD, 2, {"seed": 2**64}, ValueError, "seed must be"),
    "seed-float": (GOOD, 2, {"seed": 1.5}, TypeError, "while processing 'seed'"),
    "tol-text": (GOOD, 2, {"tol": "small"}, TypeError, "while processing 'tol'"),
}


@pytest.mark.parametrize(
    ("algorithm", "error", "words"),
    [
        ("elkan", ValueError, 'algorithm must be "lloyd" or "hamerly", got "elkan"'),
        (3, TypeError, 'algorithm must be the string "lloyd" or "hamerly", got int'),
    ],
)
def test_kmeans_refuses_an_unknown_algorithm(algorithm, error, words):
    with pytest.raises(error, match=words):
        ml_demos_rs.kmeans(GOOD, 2, algorithm=algorithm)


def described(err: BaseException) -> str:
    """The message and the notes of an exception, as a traceback shows them.

    A number of the wrong type (`n_clusters=2.0`) is refused by PyO3 itself, which
    names the argument in a note ("while processing 'n_clusters'").
    """
    return "\n".join([str(err), *getattr(err, "__notes__", [])])


@pytest.mark.parametrize("function", list(KMEANS_FUNCTIONS))
@pytest.mark.parametrize("case", list(BAD_KMEANS_CALLS))
def test_kmeans_functions_refuse_bad_input(function, case):
    data, k, keywords, error, words = BAD_KMEANS_CALLS[case]
    with pytest.raises(error) as raised:
        KMEANS_FUNCTIONS[function](data, k, **keywords)
    assert words in described(raised.value)


@pytest.mark.parametrize("function", list(KMEANS_FUNCTIONS))
def test_kmeans_functions_accept_the_edge_cases(function):
    # One cluster, one row per cluster, a seed of 2**64 - 1, a single column.
    run = KMEANS_FUNCTIONS[function]
    for data, k in ((GOOD, 1), (GOOD, 20), (GOOD[:, :1].copy(), 3)):
        result = run(data, k, seed=2**64 - 1)
        labels = result[1] if isinstance(result, tuple) else result.labels
        assert labels.shape == (len(data),)


Y = np.array([0, 1] * 10, dtype=np.int64)
SPLIT_FUNCTIONS = {
    "stratified_train_test_indices": lambda y, **kw: ml_demos_rs.stratified_train_test_indices(
        y, **kw
    ),
    "stratified_kfold_indices": lambda y, **kw: ml_demos_rs.stratified_kfold_indices(
        y, kw.pop("k", 2), **kw
    ),
    "stratified_train_test_split": lambda y, **kw: ml_demos_rs.stratified_train_test_split(
        np.zeros((len(y), 2)) if hasattr(y, "__len__") else np.zeros((3, 2)), y, **kw
    ),
    "stratified_kfold_split": lambda y, **kw: ml_demos_rs.stratified_kfold_split(
        np.zeros((len(y), 2)) if hasattr(y, "__len__") else np.zeros((3, 2)),
        y,
        kw.pop("k", 2),
        **kw,
    ),
}

BAD_LABELS = {
    "float-labels": (Y.astype(np.float64), TypeError, "y must hold integer class labels"),
    "string-labels": (np.array(["a", "b"] * 10), TypeError, "integer class labels"),
    "uint64-labels": (Y.astype(np.uint64), TypeError, "fits in int64"),
    "object-labels": (np.array([0, 1] * 10, dtype=object), TypeError, "integer class labels"),
    "2-d-labels": (Y.reshape(10, 2), ValueError, "y must be a 1-D array"),
    "list-labels": (Y.tolist(), TypeError, "y must be a 1-D array of integer class labels"),
    "empty-labels": (np.array([], dtype=np.int64), ValueError, "y is empty"),
}


@pytest.mark.parametrize("function", list(SPLIT_FUNCTIONS))
@pytest.mark.parametrize("case", list(BAD_LABELS))
def test_split_functions_refuse_bad_labels(function, case):
    y, error, words = BAD_LABELS[case]
    with pytest.raises(error) as raised:
        SPLIT_FUNCTIONS[function](y)
    assert words in str(raised.value)


@pytest.mark.parametrize("size", [0.0, 1.0, -0.2, 1.5, float("nan")])
def test_split_sizes_outside_zero_one_are_refused(size):
    with pytest.raises(ValueError, match="test_size must be a fraction strictly between 0 and 1"):
        ml_demos_rs.stratified_train_test_indices(Y, test_size=size)
    with pytest.raises(ValueError, match="train_size must be a fraction"):
        ml_demos_rs.stratified_train_test_indices(Y, test_size=None, train_size=size)
    with pytest.raises(ValueError, match="test_size must be"):
        ml_demos_rs.stratified_train_test_split(np.zeros((20, 1)), Y, test_size=size)


def test_split_size_combinations_are_checked():
    with pytest.raises(ValueError, match="cannot both be None"):
        ml_demos_rs.stratified_train_test_indices(Y, test_size=None)
    with pytest.raises(ValueError, match="must not exceed 1"):
        ml_demos_rs.stratified_train_test_indices(Y, test_size=0.6, train_size=0.6)
    with pytest.raises(TypeError) as raised:
        ml_demos_rs.stratified_train_test_indices(Y, test_size="0.2")
    assert "while processing 'test_size'" in described(raised.value)


@pytest.mark.parametrize("k", [-1, 0, 1, 21, 11])
def test_kfold_counts_out_of_range_are_refused(k):
    with pytest.raises(ValueError, match=f"k={k}|k must be at least 2"):
        ml_demos_rs.stratified_kfold_indices(Y, k)


def test_split_seeds_are_checked():
    with pytest.raises(ValueError, match="seed must be None or an integer"):
        ml_demos_rs.stratified_kfold_indices(Y, 2, seed=-5)
    with pytest.raises(TypeError) as raised:
        ml_demos_rs.stratified_train_test_indices(Y, seed="7")
    assert "while processing 'seed'" in described(raised.value)


def test_labels_are_never_modified_and_read_only_labels_work():
    y = Y.copy()
    y.setflags(write=False)
    ml_demos_rs.stratified_train_test_indices(y, seed=0)
    ml_demos_rs.stratified_kfold_indices(y, 2, seed=0)
    np.testing.assert_array_equal(y, Y)
