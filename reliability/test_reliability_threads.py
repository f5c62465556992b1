"""Eight Python threads calling the same export on shared inputs get the serial answer.

The GIL-releasing exports (v5's and v6's ``find_best_polygons``, the k-means functions, the
stratified splits) run their Rust core while other threads run Python; the others hold
the GIL but are called from threads too. Every call's result must equal the result of a
serial call; shared ``Polygon`` objects must read the same from every thread.
"""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from reliability_exports import REGISTRY, msgpack_file, poly_project, vector_bytes
from reliability_support import STATS

import gil_pool_rs
import ml_demos_rs
import poly_match_rs

THREADS = 8
CALLS = 1000


def canonical(value: Any) -> Any:
    """A comparable form of a result: arrays by content, other objects by identity."""
    if isinstance(value, np.ndarray):
        return ("array", value.dtype.str, value.shape, value.tobytes())
    if isinstance(value, list | tuple):
        return tuple(canonical(item) for item in value)
    if isinstance(value, ml_demos_rs.KMeansResult):
        return canonical((value.centroids, value.labels, value.inertia, value.n_iter))
    if isinstance(value, float | int | str | type(None)):
        return value
    if isinstance(value, dict):
        return tuple(sorted((key, canonical(item)) for key, item in value.items()))
    if isinstance(value, os.PathLike):
        return ("path", os.fspath(value))
    if all(hasattr(value, field) for field in ("n_features", "n_classes", "predict_proba")):
        return ("model", type(value).__name__, value.n_features, value.n_classes)  # inference
    if all(hasattr(value, field) for field in ("x", "y", "center")):  # a polygon
        return ("polygon", canonical((value.x, value.y, value.center)))
    return ("object", id(value))


def hammer(call: Callable[[], Any], calls: int = CALLS) -> tuple[Any, list[str]]:
    """`call` once serially, then `calls` times in each of 8 threads started together;
    returns the serial answer and what went wrong in the threads."""
    expected = canonical(call())
    problems: list[str] = []
    start = threading.Barrier(THREADS)

    def worker() -> None:
        start.wait()
        for i in range(calls):
            try:
                got = canonical(call())
            except BaseException as error:  # a PanicException too
                problems.append(f"call {i}: {type(error).__name__}: {error}")
                return
            if got != expected:
                problems.append(f"call {i}: a different result")
                return

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    STATS["thread_calls"] += THREADS * calls
    return expected, problems


CALLABLE = sorted(name for name, export in REGISTRY.items() if "no-valid-call" not in export.tags)


@pytest.mark.parametrize("name", CALLABLE)
def test_many_threads_get_the_serial_answer(name):
    export = REGISTRY[name]
    args, kwargs = export.valid()  # shared by every thread

    def call():
        if "writes-an-argument" in export.tags:
            # take_iter writes into its last argument (its purpose): each call gets
            # its own, the other inputs (the items) are still shared.
            return export.call(*args[:-1], export.valid()[0][-1], **kwargs)
        return export.call(*args, **kwargs)

    # Loading a model takes milliseconds: those exports make fewer calls per thread.
    _, problems = hammer(call, calls=20 if "slow-call" in export.tags else CALLS)
    assert not problems, f"{name}: {problems[:5]}"


def _medium_inputs() -> dict[str, Callable[[], Any]]:
    """Inputs big enough for the cores to use rayon (k-means) or to run a while."""
    rng = np.random.default_rng(5)
    data = rng.normal(size=(50_000, 2))
    init = data[:3].copy()
    labels = rng.integers(0, 4, size=100_000)
    v5 = poly_project("poly_match_v5")
    polygons, points = v5.generate_example(seed=3)
    polygons_v6, _ = poly_project("poly_match_v6").generate_example(seed=3)
    items = vector_bytes(2_000, 512)
    big_file = msgpack_file("good", 2_000, 512)
    return {
        "kmeans": lambda: ml_demos_rs.kmeans(data, 3, init=init, max_iter=5, seed=1),
        "kmeans_linfa": lambda: ml_demos_rs.kmeans_linfa(data, 3, init=init, max_iter=5, seed=1),
        "split": lambda: ml_demos_rs.stratified_train_test_indices(labels, 0.2, seed=1),
        "kfold": lambda: ml_demos_rs.stratified_kfold_indices(labels, 5, seed=1),
        "find_best_polygons": lambda: poly_match_rs.v5.find_best_polygons(polygons, points, 10.0),
        "find_best_polygons_v6": lambda: poly_match_rs.v6.find_best_polygons(
            polygons_v6, points, 10.0
        ),
        "take_iter": lambda: gil_pool_rs.take_iter(items, np.empty((2_000, 512), np.float32)),
        "read_msgpack_vectors": lambda: gil_pool_rs.read_msgpack_vectors(big_file, 512),
    }


@pytest.mark.parametrize("name", sorted(_medium_inputs()))
def test_many_threads_on_bigger_inputs(name):
    _, problems = hammer(_medium_inputs()[name], calls=15)
    assert not problems, f"{name}: {problems[:5]}"


@pytest.mark.parametrize("stage", ["v2", "v3", "v4", "v5", "v6"])
def test_shared_polygons_read_the_same_from_every_thread(stage):
    module = getattr(poly_match_rs, stage)
    rng = np.random.default_rng(7)
    shapes = [(rng.uniform(0, 5, 6), rng.uniform(0, 5, 6)) for _ in range(50)]
    polygons = [module.Polygon(x.copy(), y.copy()) for x, y in shapes]
    points = [rng.uniform(0, 5, 2) for _ in range(10)]
    if stage in ("v5", "v6"):

        def find():
            return module.find_best_polygons(polygons, points, 1.0)

    elif stage == "v4":

        def find():
            return module.find_all_close_polygons(polygons, points, 1.0)

    else:

        def find():
            return [module.find_close_polygons(polygons, p, 1.0) for p in points]

    def read_all():
        fields = [(p.x, p.y, p.center, getattr(p, "area", None)) for p in polygons]
        return fields, find()

    _, problems = hammer(read_all, calls=200)
    assert not problems, f"{stage}: {problems[:5]}"
    # ... and the shared polygons still hold the coordinates they were made with.
    for polygon, (x, y) in zip(polygons, shapes, strict=True):
        np.testing.assert_array_equal(polygon.x, x)
        np.testing.assert_array_equal(polygon.y, y)


def _with_a_writer(
    write: Callable[[], None],
    calls: list[Callable[[], Any]],
    rounds: int,
    until_value_error: bool = False,
):
    """Run `calls` `rounds` times while another thread keeps calling `write`; returns
    (panics and other unexpected errors, ValueError messages). With `until_value_error`,
    keep going (up to 20 x `rounds`) until a call has seen the write: on a loaded machine
    the writer may need more rounds to land inside a call."""
    stop = threading.Event()

    def writer() -> None:
        while not stop.is_set():
            write()

    thread = threading.Thread(target=writer)
    thread.start()
    unexpected, value_errors = [], []
    try:
        for done in range(20 * rounds if until_value_error else rounds):
            if until_value_error and done >= rounds and value_errors:
                break
            for call in calls:
                try:
                    call()
                except ValueError as error:
                    value_errors.append(str(error))
                except BaseException as error:
                    unexpected.append(f"{type(error).__name__}: {error}")
    finally:
        stop.set()
        thread.join()
    return unexpected, value_errors


def test_a_thread_writing_to_y_during_a_split_gets_a_value_error_not_a_panic():
    # The splits read `y` in place with the GIL released (a copy would cost more than
    # the split on this machine); labels that appear meanwhile used to send the core
    # into an index out of bounds (a PanicException). Now: a ValueError saying so.
    y = np.zeros(200_000, dtype=np.int64)
    y[::2] = 1
    labels = itertools.cycle([7, 0])

    def write() -> None:
        y[1::2] = next(labels)  # labels the split did not see when it started

    calls = [
        lambda: ml_demos_rs.stratified_train_test_indices(y, 0.2, seed=1),
        lambda: ml_demos_rs.stratified_kfold_indices(y, 3, seed=1),
    ]
    unexpected, value_errors = _with_a_writer(write, calls, rounds=10, until_value_error=True)
    assert not unexpected, f"{len(unexpected)} calls failed badly, e.g. {unexpected[0]}"
    assert all("y changed while it was being split" in m for m in value_errors), value_errors[:3]
    # The race did happen (it did in every call before the fix): the check was exercised.
    assert value_errors, "no call saw y change: the writer thread never ran during a split"


def test_a_thread_writing_to_the_data_during_kmeans_gets_no_panic():
    # The from-scratch k-means reads the caller's array in place with the GIL released:
    # a value written meanwhile (NaN, huge) gives a ValueError or a fit, never a panic.
    # linfa gets a copy, so the value is either in the copy (a ValueError) or not.
    base = np.random.default_rng(0).normal(size=(20_000, 3))
    data = base.copy()
    values = itertools.cycle([np.nan, 1e200, np.inf, 0.0])

    def write() -> None:
        data[:] = next(values)
        data[:] = base

    calls = [
        lambda: ml_demos_rs.kmeans(data, 4, seed=1, max_iter=10),
        lambda: ml_demos_rs.kmeans_linfa(data, 4, seed=1, max_iter=10),
    ]
    unexpected, _ = _with_a_writer(write, calls, rounds=5)
    assert not unexpected, f"{len(unexpected)} of 10 calls failed badly, e.g. {unexpected[0]}"
