"""measure.py / measure_all.py of lesson 2, and the checks the benchmarks make.

Each version's result is checked against the baseline before it is timed; the checks
must catch a wrong answer (a changed label, overlapping or missing indices, wrong
per-class counts) and accept the differences that are allowed (another shuffle).
"""

from __future__ import annotations

import dataclasses
import sys
import types

import numpy as np
import pytest
from ml_data import class_labels, kmeans_problem
from ml_demos_testing import lesson_suites, run_script, version

from workshop.bench import Budget, ResultMismatch, measure_suite
from workshop.testing import timed_row


@pytest.mark.parametrize("suite", ["kmeans", "stratif1", "stratif2"])
def test_measure_all_quick_times_every_version(suite):
    done = run_script("measure_all.py", suite, "--quick")
    assert done.returncode == 0, done.stderr
    versions = lesson_suites().SUITES[["kmeans", "stratif1", "stratif2"].index(suite)].versions
    for name in versions:
        timed_row(done.stdout, name)
    assert "1.00x" in done.stdout


@pytest.mark.parametrize("suite", ["kmeans", "stratif1", "stratif2"])
def test_the_tables_end_with_the_floor(suite):
    done = run_script("measure_all.py", suite, "--quick")
    assert done.returncode == 0, done.stderr
    assert "x limit" in done.stdout
    floor = [line for line in done.stdout.splitlines() if line.startswith("limit ")]
    assert floor, done.stdout
    assert "floor:" in done.stdout


@pytest.mark.parametrize("suite", ["kmeans", "stratif1", "stratif2"])
def test_measure_all_on_real_data(suite):
    done = run_script("measure_all.py", suite, "--quick", "--data", "real")
    assert done.returncode == 0, done.stderr
    assert "data: real (" in done.stdout
    for name in lesson_suites().SUITES[["kmeans", "stratif1", "stratif2"].index(suite)].versions:
        timed_row(done.stdout, name)


def test_the_real_kmeans_table_is_tiled_deterministically():
    from ml_data import real_table

    first, again = real_table(1_500, 3, 0), real_table(1_500, 3, 0)
    np.testing.assert_array_equal(first, again)
    np.testing.assert_array_equal(first[569:1138] != first[:569], True)  # noisy copies
    assert abs(first[:569].mean()) < 1e-12  # standardised
    with pytest.raises(ValueError, match="d=31"):
        real_table(10, 31, 0)


def test_the_kmeans_floor_is_the_multiply_adds_of_the_distances():
    import ml_demos_rs

    data, init = np.ones((64, 2)), np.full((3, 2), 0.5)
    # 2 iterations x 64 rows x 3 centroids x 2 features x (1 x 0.5)
    assert ml_demos_rs.kmeans_distance_floor(data, init, 2) == 2 * 64 * 3 * 2 * 0.5
    with pytest.raises(ValueError, match="centroids must have shape"):
        ml_demos_rs.kmeans_distance_floor(data, np.ones((3, 4)), 2)


def test_measure_one_version_and_another_baseline():
    done = run_script("measure.py", "kmeans_py_scratch", "--quick")
    assert done.returncode == 0, done.stderr
    assert "Took an avg of" in done.stdout
    done = run_script(
        "measure_all.py",
        "kmeans",
        "--quick",
        "--baseline",
        "kmeans_py_sklearn",
        "--only",
        "kmeans_py_sklearn,kmeans_rust_scratch",
    )
    assert done.returncode == 0, done.stderr
    assert "kmeans_py_scratch" not in done.stdout
    assert "kmeans_py_sklearn    " in done.stdout


def kmeans_result(name="kmeans_rust_scratch"):
    suites = lesson_suites()
    problem = kmeans_problem(1_000, 2, 3, 0)
    result = version(name).main(problem.data, problem.init, problem.max_iter, problem.tol)
    return suites.kmeans_canonical(result, problem)


def test_the_kmeans_check_catches_a_wrong_label_or_centroid():
    check = lesson_suites().kmeans_compare
    expected = kmeans_result("kmeans_py_sklearn")
    check(expected, kmeans_result())  # the right answer passes
    check(expected, kmeans_result("kmeans_rust_linfa"))  # linfa: n_iter unknown, passes
    wrong = kmeans_result()
    wrong["labels"][5] = (wrong["labels"][5] + 1) % 3
    with pytest.raises(ResultMismatch, match="1 of 1000 labels differ; the first is row 5"):
        check(expected, wrong)
    wrong = kmeans_result()
    wrong["centroids"][0, 0] += 0.01
    with pytest.raises(ResultMismatch, match="centroids differ"):
        check(expected, wrong)
    wrong = kmeans_result()
    wrong["n_iter"] += 1
    with pytest.raises(ResultMismatch, match="iterations"):
        check(expected, wrong)


def test_the_split_checks_catch_overlap_missing_rows_and_wrong_counts():
    suites = lesson_suites()
    problem = {"y": class_labels(1_000, 1), "seed": 0, "folds": 4}
    train, test = version("stratif1_rust_scratch").main(problem["y"], 0.2, 0)
    expected = suites.stratif1_canonical((train, test), problem)
    suites.split_compare(expected, expected)
    for bad, message in (
        ((train, np.r_[test[1:], train[0]]), "a row appears twice"),
        ((train[1:], test), "rows are in no part"),
        ((train, np.r_[test, 5_000]), "indices outside"),
    ):
        with pytest.raises(ResultMismatch, match=message):
            suites.split_compare(expected, suites.stratif1_canonical(bad, problem))
    # Swap a train sample of the biggest class with a test sample of another class:
    # still a partition, but the per-class counts break the rule.
    y = problem["y"]
    big = train[y[train] == 3][0]
    other = test[y[test] != 3][0]
    swapped_train = np.where(train == big, other, train)
    swapped_test = np.where(test == other, big, test)
    with pytest.raises(ResultMismatch, match="class"):
        suites.split_compare(
            expected, suites.stratif1_canonical((swapped_train, swapped_test), problem)
        )
    folds = version("stratif2_rust_scratch").main(y, 4, 0)
    expected = suites.kfold_canonical(folds, problem)
    moved = [folds[0][1:], np.sort(np.r_[folds[1], folds[0][:1]]), folds[2], folds[3]]
    with pytest.raises(ResultMismatch, match="fold 0 has class counts"):
        suites.split_compare(expected, suites.kfold_canonical(moved, problem))


def test_a_wrong_version_is_reported_not_timed(monkeypatch):
    # A version whose labels are off by one row must be refused, not timed.
    def wrong_main(data, init, max_iter, tol):
        centroids, labels, inertia, n_iter = version("kmeans_rust_scratch").main(
            data, init, max_iter, tol
        )
        return centroids, np.roll(labels, 1), inertia, n_iter

    wrong_module = types.ModuleType("kmeans_wrong")
    wrong_module.main = wrong_main
    monkeypatch.setitem(sys.modules, "kmeans_wrong", wrong_module)
    suite = dataclasses.replace(
        lesson_suites().KMEANS, versions=["kmeans_py_sklearn", "kmeans_wrong"]
    )
    report = measure_suite(suite, params={"n": 1_000, "d": 2, "k": 3}, budget=Budget.quick())
    wrong = report.measurements[-1]
    assert wrong.status == "wrong result" and not wrong.times
    assert "labels differ" in wrong.message
