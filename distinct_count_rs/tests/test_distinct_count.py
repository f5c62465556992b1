"""Approximate distinct count (CVM): every version against the exact count.

CVM promises |estimate - exact| <= epsilon * exact except with probability below
delta. Every test here is deterministic: the inputs and the generators are seeded, and
the items given to the versions that keep Python objects in a Python set are ints, whose
hashes (unlike those of strings) are the same in every process. The Rust versions hash
strings themselves with a fixed hasher, so they get string streams too. Tests whose id
contains a version name (`distinct_rust_hashed`, ...) decide whether that exercise is done.
"""

from __future__ import annotations

import math
import statistics
import sys
import types

import numpy as np
import pytest
from distinct_count_testing import lesson_suites, run_python, run_script, version
from distinct_data import real_stream, word_stream

import distinct_count_rs
from workshop.bench import ResultMismatch, measure_all_main
from workshop.testing import timed_row

ESTIMATORS = [
    "distinct_py_cvm",
    "distinct_rust_naive",
    "distinct_rust_hashed",
    "distinct_rust_fast",
    "distinct_rust_array",
]
RUST = ESTIMATORS[1:]
# Versions whose estimate on strings is the same in every process (see the module
# docstring; the fast core's estimate does not depend on the keys' values).
STRING_SAFE = {"distinct_rust_hashed", "distinct_rust_fast"}
ON_OBJECTS = ["distinct_rust_naive", "distinct_rust_hashed", "distinct_rust_fast"]


def estimate(name: str, stream, epsilon: float = 0.5, seed: int | None = 0, words=False) -> int:
    """Run version `name` on `stream`: the int64 array for the NumPy version, else a
    list of ints (or of the words, with `words=True`)."""
    if name == "distinct_rust_array":
        items = stream.codes
    else:
        items = stream.words if words else stream.codes.tolist()
    return version(name).main(items, epsilon, seed)


def capacity(n_items: int, epsilon: float = 0.5) -> int:
    return version("distinct_py_cvm").tracked_capacity(n_items, epsilon)


# (distinct words, repeats, seed of the stream and of the estimate)
STREAMS = {"5k-x4": (5_000, 4, 0), "20k-x3": (20_000, 3, 1), "60k-x2": (60_000, 2, 2)}


@pytest.mark.parametrize("stream_id", sorted(STREAMS))
@pytest.mark.parametrize("name", ESTIMATORS)
def test_estimate_is_within_epsilon_of_the_exact_count(name, stream_id):
    n_words, repeats, seed = STREAMS[stream_id]
    stream = word_stream(n_words, repeats, seed)
    assert capacity(len(stream)) < n_words  # the set fills up: a real estimate
    exact = version("distinct_py_exact").main(stream.words)
    assert exact == n_words
    for run_seed in (seed, seed + 10):
        got = estimate(name, stream, seed=run_seed)
        assert abs(got - exact) <= 0.5 * exact, f"seed {run_seed}: {got} for {exact}"
        if name in STRING_SAFE:
            from_words = estimate(name, stream, seed=run_seed, words=True)
            assert abs(from_words - exact) <= 0.5 * exact


@pytest.mark.parametrize("name", ESTIMATORS)
def test_estimates_average_close_to_the_exact_count(name):
    # The guarantee (50 %) is loose; the estimate is unbiased, with a spread of a few
    # percent here: the mean of 8 seeded runs is within 5 % and each within 15 %. A
    # version that forgets to halve p, or to forget an item before redrawing it, fails.
    stream = word_stream(20_000, 3, 4)
    estimates = [estimate(name, stream, seed=seed) for seed in range(8)]
    assert all(abs(e - 20_000) <= 0.15 * 20_000 for e in estimates), estimates
    assert abs(statistics.mean(estimates) - 20_000) <= 0.05 * 20_000, estimates


@pytest.mark.parametrize("name", ESTIMATORS)
def test_a_smaller_epsilon_tracks_more_and_errs_less(name):
    stream = word_stream(30_000, 2, 5)
    assert capacity(len(stream), 0.2) > 5 * capacity(len(stream), 0.5)
    errors = [abs(estimate(name, stream, 0.2, seed) - 30_000) / 30_000 for seed in range(3)]
    assert max(errors) <= 0.2, errors


@pytest.mark.parametrize("name", ESTIMATORS)
def test_same_seed_same_estimate_and_other_seeds_differ(name):
    stream = word_stream(10_000, 3, 6)
    first = estimate(name, stream, seed=123)
    assert estimate(name, stream, seed=123) == first
    others = {estimate(name, stream, seed=seed) for seed in range(6)}
    assert len(others) >= 3, others  # estimates move in steps of 2**halvings


@pytest.mark.parametrize("name", ESTIMATORS)
def test_small_inputs_are_counted_exactly(name):
    # Fewer distinct items than the capacity: the set never fills, p stays 1.
    stream = word_stream(700, 5, 7)
    assert capacity(len(stream)) > 700
    for seed in (0, 1, None):
        assert estimate(name, stream, seed=seed) == 700
    single = word_stream(1, 3, 0)
    assert estimate(name, single) == 1


@pytest.mark.parametrize("name", ESTIMATORS)
def test_seed_none_draws_a_seed_and_still_estimates(name):
    stream = word_stream(20_000, 2, 8)
    got = {estimate(name, stream, seed=None) for _ in range(3)}
    assert all(abs(g - 20_000) <= 0.5 * 20_000 for g in got), got


@pytest.mark.parametrize("name", ON_OBJECTS)
def test_any_hashable_items(name):
    function = version(name).main
    items = [("a", 1), ("b", 2), ("a", 1), 3.5, 3.5, "c", b"c", None, None, frozenset({1})]
    # Python's hash("c") == hash(b"c"): the one collision here for Python-hash keys.
    collisions = 1 if name == "distinct_rust_fast" else 0
    assert hash("c") == hash(b"c")
    assert function(items, 0.5, 0) == len(set(items)) - collisions == 7 - collisions
    assert function(range(300), 0.5, 0) == 300
    assert function({"x": 1, "y": 2}, 0.5, 0) == 2  # a dict: its keys


def test_keys_are_hashes_so_equal_hashes_count_once():
    # The documented price of storing hashes: hash(-1) == hash(-2) in Python.
    assert hash(-1) == hash(-2)
    assert distinct_count_rs.count_approx_rust([-1, -2], seed=0) == 1
    assert distinct_count_rs.count_approx_fast([-1, -2], seed=0) == 1
    assert distinct_count_rs.count_approx_rust_naive([-1, -2], seed=0) == 2  # a real set


@pytest.mark.parametrize("dtype", ["int8", "int16", "int32", "int64", "uint8", "uint32", ">i8"])
def test_distinct_rust_array_reads_every_integer_dtype_in_place(dtype):
    values = (np.arange(600) % 100).astype(dtype)
    values.flags.writeable = False  # read-only arrays are fine: nothing is written
    assert distinct_count_rs.count_approx_array(values, seed=0) == 100
    strided = np.repeat(np.arange(120, dtype=np.int64), 2)[::3]
    assert distinct_count_rs.count_approx_array(strided, seed=0) == len(set(strided.tolist()))


def test_distinct_rust_array_leaves_the_array_alone():
    stream = word_stream(5_000, 4, 0)
    codes = stream.codes.copy()
    codes.flags.writeable = True
    before = codes.copy()
    distinct_count_rs.count_approx_array(codes, seed=0)
    np.testing.assert_array_equal(codes, before)


# --------------------------------------------------------------------------------------
# Bad input: the same rules for every version


def call(name: str, items, **kwargs):
    module = distinct_count_rs if name != "distinct_py_cvm" else None
    if module is None:
        return version(name).count_approx_python(items, **kwargs)
    function = {
        "distinct_rust_naive": distinct_count_rs.count_approx_rust_naive,
        "distinct_rust_hashed": distinct_count_rs.count_approx_rust,
        "distinct_rust_fast": distinct_count_rs.count_approx_fast,
        "distinct_rust_array": distinct_count_rs.count_approx_array,
    }[name]
    return function(items, **kwargs)


def good_items(name: str):
    return np.arange(10, dtype=np.int64) if name == "distinct_rust_array" else list(range(10))


@pytest.mark.parametrize("argument", ["epsilon", "delta"])
@pytest.mark.parametrize("value", [0.0, 1.0, -0.5, 2.0, math.nan, math.inf])
@pytest.mark.parametrize("name", ESTIMATORS)
def test_epsilon_and_delta_must_lie_between_0_and_1(name, argument, value):
    with pytest.raises(ValueError, match=rf"{argument} must be strictly between 0 and 1"):
        call(name, good_items(name), **{argument: value})


@pytest.mark.parametrize("name", RUST)
def test_bad_argument_types_are_type_errors(name):
    items = good_items(name)
    for argument, value in (("epsilon", "0.5"), ("delta", None), ("seed", 1.5)):
        with pytest.raises(TypeError) as info:
            call(name, items, **{argument: value})
        assert argument in str(info.value) + " ".join(getattr(info.value, "__notes__", []))
    for seed in (-1, 2**64):
        with pytest.raises(ValueError, match="seed must be None or an integer"):
            call(name, items, seed=seed)


@pytest.mark.parametrize("name", ESTIMATORS)
def test_empty_input_is_refused(name):
    empty = np.array([], dtype=np.int64) if name == "distinct_rust_array" else []
    with pytest.raises(ValueError, match="items must not be empty"):
        call(name, empty)


@pytest.mark.parametrize("name", ["distinct_py_cvm", *ON_OBJECTS])
def test_items_without_a_length_are_refused(name):
    with pytest.raises(TypeError, match="items must"):
        call(name, (i for i in range(10)))
    with pytest.raises(TypeError, match="items must"):
        call(name, 3)


@pytest.mark.parametrize("name", ON_OBJECTS)
def test_unhashable_items_are_named(name):
    with pytest.raises(TypeError, match=r"items\[1\] must be hashable"):
        call(name, [1, [2], 3])
    with pytest.raises(TypeError, match=r"items\[2\] must be hashable"):
        call(name, ("a", "b", {"c": 1}))


def test_distinct_rust_fast_survives_a_hash_that_changes_the_list():
    # A __hash__ may run any Python code, even empty the list being counted: the list
    # is then read only as far as it goes, and nothing crashes.
    items: list = []

    class Emptier:
        def __hash__(self):
            items.clear()
            return 7

    items.extend(["a", Emptier(), "b", "c"])
    assert distinct_count_rs.count_approx_fast(items, seed=0) == 2


def test_distinct_rust_fast_gives_the_same_estimate_in_every_process():
    # Python salts string hashes per process (PYTHONHASHSEED); the fast core's estimate
    # depends on the seed and the order of the items, not on the hashes' values.
    code = (
        "import distinct_count_rs; from distinct_data import word_stream; "
        "print(distinct_count_rs.count_approx_fast(word_stream(30_000, 3, 9).words, seed=4))"
    )
    estimates = {run_python(code, hash_seed).strip() for hash_seed in ("1", "2", "3")}
    assert len(estimates) == 1, estimates
    (estimate,) = estimates
    assert abs(int(estimate) - 30_000) <= 0.15 * 30_000


@pytest.mark.parametrize(
    ("items", "error", "message"),
    [
        ([1, 2, 3], TypeError, "items must be a 1-D array of integers"),
        (np.zeros((3, 2), dtype=np.int64), ValueError, "got a 2-D array"),
        (np.array(5), ValueError, "got a 0-D array"),
        (np.zeros(3), TypeError, "integer dtype"),
        (np.zeros(3, dtype=bool), TypeError, "integer dtype"),
        (np.array(["a", "b"]), TypeError, "integer dtype"),
        (np.array([1, 2], dtype=object), TypeError, "integer dtype"),
    ],
    ids=["list", "2d", "0d", "float64", "bool", "str", "object"],
)
def test_distinct_rust_array_refuses_other_arrays(items, error, message):
    with pytest.raises(error, match=message):
        distinct_count_rs.count_approx_array(items)


def test_distinct_py_cvm_reports_the_unlucky_case(monkeypatch):
    # With room for one item, a halving keeps it with probability 1/2: the paper's
    # "no answer" case. (The Rust core's unit test checks the same for Rust.)
    cvm = version("distinct_py_cvm")
    monkeypatch.setattr(cvm, "tracked_capacity", lambda n, epsilon, delta: 1)
    errors = 0
    for seed in range(20):
        try:
            cvm.count_approx_python(list(range(10)), seed=seed)
        except RuntimeError as err:
            assert "unlucky" in str(err)
            errors += 1
    assert errors > 0


# --------------------------------------------------------------------------------------
# The benchmark's check


def test_the_check_accepts_the_guarantee_and_rejects_beyond_it():
    suites = lesson_suites()
    exact = {"count": 1_000, "epsilon": 0.5}
    suites.distinct_compare(exact, {"count": 1_000, "epsilon": 0.5})
    suites.distinct_compare(exact, {"count": 1_500, "epsilon": 0.5})
    suites.distinct_compare(exact, {"count": 500, "epsilon": 0.5})
    for wrong in (1_501, 499, 0, 2_000):
        with pytest.raises(ResultMismatch, match="off by"):
            suites.distinct_compare(exact, {"count": wrong, "epsilon": 0.5})
    with pytest.raises(ResultMismatch):
        suites.distinct_compare(exact, {"count": 1_150, "epsilon": 0.1})


def test_measure_all_fails_on_a_wrong_version(monkeypatch, capsys):
    # A version that forgets to divide by p (it returns the number of items tracked)
    # is far outside the guarantee: measure_all reports it and exits with 1.
    cvm = version("distinct_py_cvm")

    def forgets_p(items, epsilon=0.5, seed=0):
        return min(len(set(items)), cvm.tracked_capacity(len(items), epsilon) - 1)

    wrong = types.ModuleType("distinct_wrong")
    wrong.main = forgets_p
    monkeypatch.setitem(sys.modules, "distinct_wrong", wrong)
    import dataclasses

    suites = types.ModuleType("distinct_wrong_suites")
    suites.SUITES = [
        dataclasses.replace(
            lesson_suites().DISTINCT, versions=["distinct_py_exact", "distinct_wrong"]
        )
    ]
    monkeypatch.setitem(sys.modules, "distinct_wrong_suites", suites)
    code = measure_all_main("distinct_wrong_suites", ["distinct", "--quick"])
    out = capsys.readouterr()
    assert code == 1
    assert "distinct_wrong" in out.out + out.err and "off by" in out.out + out.err
    # ... and the same run with the real versions passes.
    suites.SUITES = [
        dataclasses.replace(
            lesson_suites().DISTINCT, versions=["distinct_py_exact", "distinct_rust_array"]
        )
    ]
    assert measure_all_main("distinct_wrong_suites", ["distinct", "--quick"]) == 0


@pytest.mark.parametrize("data", ["generated", "real"])
def test_measure_all_quick_checks_and_times_every_version_and_the_floors(data):
    done = run_script("measure_all.py", "--quick", "--data", data)
    assert done.returncode == 0, done.stdout + done.stderr
    for name in ["distinct_py_exact", *ESTIMATORS]:
        timed_row(done.stdout, name)
    # Both tables end with their floor and show each version's distance to it.
    assert done.stdout.count("x limit") == 2, done.stdout
    assert "floor: reading each item's cached hash once" in done.stdout
    assert "floor: one pass over the int64 codes" in done.stdout


def test_real_words_and_their_codes_are_the_same_stream():
    stream = real_stream(50_000)
    assert len(stream.words) == len(stream.codes) == 50_000
    assert stream.n_words == len(set(stream.words)) == len(np.unique(stream.codes))
    # Equal words, equal codes: the first occurrence of each code is the word's number.
    first = {}
    for word, code in zip(stream.words, stream.codes.tolist(), strict=True):
        assert first.setdefault(word, code) == code
    assert sorted(first.values()) == list(range(stream.n_words))


def test_the_fast_core_depends_on_which_items_are_equal_not_on_their_keys():
    # The words (keyed by Python's salted hashes) and their int64 codes are the same
    # stream: with the same seed, count_approx_fast and count_approx_array agree exactly.
    stream = word_stream(40_000, 3, 3)
    for seed in range(4):
        from_words = distinct_count_rs.count_approx_fast(stream.words, seed=seed)
        assert from_words == distinct_count_rs.count_approx_array(stream.codes, seed=seed)
        assert from_words == distinct_count_rs.count_approx_fast(tuple(stream.words), seed=seed)
        assert from_words == distinct_count_rs.count_approx_fast(stream.codes.tolist(), seed=seed)
