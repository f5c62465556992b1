"""Stratified train/test split and k-fold: per-class counts as scikit-learn's, shuffled.

Shuffles differ between implementations, so the tests compare what must agree with
scikit-learn: the per-class counts of every part, disjoint parts covering every sample,
and the errors. Tests whose id contains `stratif1_rust_scratch` or
`stratif2_rust_scratch` decide whether those exercises are done.
"""

from __future__ import annotations

import warnings
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ml_data import class_labels
from ml_demos_testing import lesson_suites, version
from sklearn.model_selection import StratifiedKFold, train_test_split

import ml_demos_rs

SPLIT_VERSIONS = ["stratif1_py_scratch", "stratif1_rust_scratch"]
KFOLD_VERSIONS = ["stratif2_py_scratch", "stratif2_rust_scratch"]


def counts(y, rows):
    return Counter(y[rows].tolist())


def sklearn_split_counts(y, test_size):
    train, test = train_test_split(
        np.arange(len(y)), test_size=test_size, stratify=y, random_state=0
    )
    return counts(y, train), counts(y, test)


def assert_partition(parts, n):
    joined = np.concatenate(parts)
    assert joined.dtype == np.int64
    assert len(joined) == n, "every sample in exactly one part"
    np.testing.assert_array_equal(np.sort(joined), np.arange(n))


# Label sets whose split has no tie in scikit-learn's rounding (so its counts are fixed)
LABEL_SETS = {
    "imbalanced": class_labels(10_000, seed=1),
    "two-classes": np.array([0] * 70 + [1] * 30, dtype=np.int64),
    "labels-7-minus3-100": np.array([7] * 13 + [-3] * 5 + [100] * 9, dtype=np.int64),
    "int32": np.array([2] * 40 + [5] * 17 + [9] * 3, dtype=np.int32),
    "one-class": np.full(50, 4, dtype=np.int64),
    "tiny-class": np.array([1] * 95 + [0] * 2 + [3] * 3, dtype=np.int64),
    "shuffled-order": np.random.default_rng(0).permutation(np.repeat([5, 3, 8], [41, 33, 26])),
}


def assert_counts_like_sklearn(y, train, test, test_size):
    """Per-class counts as scikit-learn's; where its rule breaks a tie at random, any
    outcome the rule allows (and scikit-learn's own counts must fit the rule too)."""
    rule = lesson_suites().allowed_counts
    sizes = counts(y, np.arange(len(y)))
    want_train, want_test = sklearn_split_counts(y, test_size)
    for got_train, got_test in ((counts(y, train), counts(y, test)), (want_train, want_test)):
        train_rule = rule(sizes, len(train))
        test_rule = rule({c: n - got_train[c] for c, n in sizes.items()}, len(test))
        for got, part_rule in ((got_train, train_rule), (got_test, test_rule)):
            for c, (low, high) in part_rule.items():
                assert low <= got[c] <= high, f"class {c}: {got[c]} not in {low}..{high}"
    if all(low == high for low, high in rule(sizes, len(train)).values()):
        assert counts(y, train) == want_train
        assert counts(y, test) == want_test
    return all(low == high for low, high in rule(sizes, len(train)).values())


@pytest.mark.parametrize("name", SPLIT_VERSIONS)
@pytest.mark.parametrize("labels", list(LABEL_SETS), ids=list(LABEL_SETS))
@pytest.mark.parametrize("test_size", [0.2, 0.35])
def test_split_counts_match_sklearn(name, labels, test_size):
    y = LABEL_SETS[labels]
    train, test = version(name).main(y, test_size, 3)
    assert_partition([train, test], len(y))
    assert len(test) == int(np.ceil(test_size * len(y)))
    assert_counts_like_sklearn(y, train, test, test_size)


def test_most_label_sets_have_no_tie():
    # The comparison above is exact when no tie is broken at random: make sure that
    # is the usual case here, so the test does compare with scikit-learn's counts.
    exact = [
        assert_counts_like_sklearn(y, *sklearn_split_counts_indices(y, size), size)
        for y in LABEL_SETS.values()
        for size in (0.2, 0.35)
    ]
    assert sum(exact) >= 10


def sklearn_split_counts_indices(y, test_size):
    return train_test_split(np.arange(len(y)), test_size=test_size, stratify=y, random_state=1)


@pytest.mark.parametrize("name", SPLIT_VERSIONS)
def test_split_ties_follow_the_rule(name):
    # 3 equal classes of 10, 30 % test: 9 test samples, 3 per class, no tie. 25 %: 7.5
    # -> 8 test samples, 2.5 per class: the rule gives 2 or 3 to each (ties at random).
    y = np.repeat([0, 1, 2], 10)
    rule = lesson_suites().allowed_counts
    for seed in range(10):
        train, test = version(name).main(y, 0.25, seed)
        assert_partition([train, test], 30)
        train_counts = counts(y, train)
        for c, (low, high) in rule({0: 10, 1: 10, 2: 10}, 22).items():
            assert low <= train_counts[c] <= high
        assert sorted(train_counts.values()) == [7, 7, 8]


@pytest.mark.parametrize("name", SPLIT_VERSIONS)
def test_split_is_reproducible_by_seed_and_shuffled(name):
    y = class_labels(2_000, seed=4)
    a, b, c = (version(name).main(y, 0.2, seed) for seed in (11, 11, 12))
    for part_a, part_b in zip(a, b, strict=True):
        np.testing.assert_array_equal(part_a, part_b)
    assert not np.array_equal(a[0], c[0])
    assert not np.all(np.diff(a[0]) > 0), "the train indices come out shuffled"


def test_stratif1_rust_scratch_int32_and_int64_labels_give_the_same_split():
    y = LABEL_SETS["labels-7-minus3-100"]
    a = ml_demos_rs.stratified_train_test_indices(y, 0.3, seed=5)
    b = ml_demos_rs.stratified_train_test_indices(y.astype(np.int32), 0.3, seed=5)
    c = ml_demos_rs.stratified_train_test_indices(y.astype(np.int16), 0.3, seed=5)
    for parts in (b, c):
        for got, want in zip(parts, a, strict=True):
            np.testing.assert_array_equal(got, want)


def test_stratif1_rust_scratch_train_size_and_test_size():
    y = class_labels(1_000, seed=2)
    train, test = ml_demos_rs.stratified_train_test_indices(y, test_size=None, train_size=0.6)
    assert (len(train), len(test)) == (600, 400)
    train, test = ml_demos_rs.stratified_train_test_indices(y, 0.1, 0.5, seed=1)
    assert (len(train), len(test)) == (500, 100)  # the other 400 samples are left out
    assert not set(train.tolist()) & set(test.tolist())
    want = train_test_split(
        np.arange(1_000), train_size=0.5, test_size=0.1, stratify=y, random_state=0
    )
    assert counts(y, train) == counts(y, want[0])
    assert counts(y, test) == counts(y, want[1])


@pytest.mark.parametrize("name", SPLIT_VERSIONS)
def test_split_refuses_a_class_with_one_sample_like_sklearn(name):
    y = np.array([0] * 10 + [1] * 10 + [2], dtype=np.int64)
    with pytest.raises(ValueError, match="1 member"):
        train_test_split(np.arange(21), stratify=y)
    with pytest.raises(ValueError, match="at least 2"):
        version(name).main(y, 0.2, 0)


def test_stratif1_rust_scratch_refuses_too_small_sets():
    y = np.repeat([0, 1, 2, 3], 3)
    with pytest.raises(ValueError, match="at least one sample of each"):
        ml_demos_rs.stratified_train_test_indices(y, 0.2)  # 3 test samples, 4 classes


@settings(max_examples=60, deadline=None)
@given(
    y=st.lists(st.integers(-5, 5), min_size=4, max_size=300).map(np.array),
    test_size=st.floats(0.05, 0.6),
    seed=st.integers(0, 2**63),
)
def test_stratif1_rust_scratch_follows_the_rule_on_any_labels(y, test_size, seed):
    values, class_sizes = np.unique(y, return_counts=True)
    n_test = int(np.ceil(test_size * len(y)))
    if class_sizes.min() < 2 or min(n_test, len(y) - n_test) < len(values):
        with pytest.raises(ValueError):
            ml_demos_rs.stratified_train_test_indices(y, test_size, seed=seed)
        return
    train, test = ml_demos_rs.stratified_train_test_indices(y, test_size, seed=seed)
    assert_partition([train, test], len(y))
    assert len(test) == n_test
    assert_counts_like_sklearn(y, train, test, test_size)


# ------------------------------------------------------------------------------------
# k-fold


def sklearn_fold_counts(y, k):
    splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return [counts(y, test) for _, test in splitter.split(np.zeros(len(y)), y)]


@pytest.mark.parametrize("name", KFOLD_VERSIONS)
@pytest.mark.parametrize("labels", list(LABEL_SETS), ids=list(LABEL_SETS))
@pytest.mark.parametrize("k", [2, 3, 5])
def test_kfold_counts_match_sklearn(name, labels, k):
    y = LABEL_SETS[labels]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # classes smaller than k
        folds = version(name).main(y, k, 7)
    assert len(folds) == k
    assert_partition(folds, len(y))
    assert all(np.all(np.diff(fold) > 0) for fold in folds), "indices increase in a fold"
    assert [counts(y, fold) for fold in folds] == sklearn_fold_counts(y, k)


@pytest.mark.parametrize("name", KFOLD_VERSIONS)
def test_kfold_is_reproducible_by_seed(name):
    y = class_labels(3_000, seed=8)
    a, b, c = (version(name).main(y, 4, seed) for seed in (1, 1, 2))
    for fold_a, fold_b in zip(a, b, strict=True):
        np.testing.assert_array_equal(fold_a, fold_b)
    assert not all(np.array_equal(x, z) for x, z in zip(a, c, strict=True))


@pytest.mark.parametrize("name", KFOLD_VERSIONS)
def test_kfold_refuses_more_folds_than_any_class_has_members(name):
    y = np.array([0, 0, 1, 1, 2, 2, 2], dtype=np.int64)
    with pytest.raises(ValueError, match="n_splits=4 cannot be greater"):
        list(StratifiedKFold(4).split(np.zeros(7), y))
    with pytest.raises(ValueError, match="k=4"):
        version(name).main(y, 4, 0)


def test_stratif2_rust_scratch_warns_like_sklearn_about_a_small_class():
    y = np.array([0] * 10 + [1] * 2, dtype=np.int64)
    with pytest.warns(UserWarning, match="only 2 members, which is less than k=3"):
        folds = ml_demos_rs.stratified_kfold_indices(y, 3, seed=0)
    assert [counts(y, fold) for fold in folds] == sklearn_fold_counts(y, 3)


@settings(max_examples=60, deadline=None)
@given(
    y=st.lists(st.integers(-3, 6), min_size=2, max_size=300).map(np.array),
    k=st.integers(2, 7),
    seed=st.integers(0, 2**63),
)
def test_stratif2_rust_scratch_matches_sklearn_on_any_labels(y, k, seed):
    if k > len(y) or np.bincount(y - y.min()).max() < k:
        with pytest.raises(ValueError):
            ml_demos_rs.stratified_kfold_indices(y, k, seed=seed)
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        folds = ml_demos_rs.stratified_kfold_indices(y, k, seed=seed)
    assert_partition(folds, len(y))
    assert [counts(y, fold) for fold in folds] == sklearn_fold_counts(y, k)


# ------------------------------------------------------------------------------------
# The row APIs, built on the indices


def test_stratif1_rust_scratch_split_returns_the_rows_of_the_indices():
    y = LABEL_SETS["labels-7-minus3-100"]
    data = np.arange(len(y) * 3, dtype=np.float32).reshape(-1, 3)
    before = data.copy()
    x_train, x_test, y_train, y_test = ml_demos_rs.stratified_train_test_split(
        data, y, test_size=0.3, seed=4
    )
    train, test = ml_demos_rs.stratified_train_test_indices(y, 0.3, seed=4)
    np.testing.assert_array_equal(x_train, data[train])
    np.testing.assert_array_equal(x_test, data[test])
    np.testing.assert_array_equal(y_train, y[train])
    np.testing.assert_array_equal(y_test, y[test])
    np.testing.assert_array_equal(data, before)


def test_stratif2_rust_scratch_split_returns_the_rows_of_the_folds():
    y = LABEL_SETS["imbalanced"][:500]
    data = np.random.default_rng(0).normal(size=(500, 2))
    x_folds, y_folds = ml_demos_rs.stratified_kfold_split(data, y, 5, seed=3)
    folds = ml_demos_rs.stratified_kfold_indices(y, 5, seed=3)
    for x_fold, y_fold, fold in zip(x_folds, y_folds, folds, strict=True):
        np.testing.assert_array_equal(x_fold, data[fold])
        np.testing.assert_array_equal(y_fold, y[fold])


def test_row_apis_refuse_mismatched_lengths():
    y = np.array([0, 1] * 10)
    with pytest.raises(ValueError, match="data has 19 rows, y has 20 labels"):
        ml_demos_rs.stratified_train_test_split(np.zeros((19, 2)), y)
    with pytest.raises(ValueError, match="same length"):
        ml_demos_rs.stratified_kfold_split(np.zeros(21), y, 2)
    with pytest.raises(ValueError, match="scalar"):
        ml_demos_rs.stratified_kfold_split(np.float64(3.0), y, 2)
