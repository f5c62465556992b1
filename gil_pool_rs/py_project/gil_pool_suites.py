"""What `measure.py` and `measure_all.py` time in the "GIL release in a thread pool"
lesson (see workshop/bench.py): ``msgpack`` reads `--files` msgpack files of about
`--vectors` float32 vectors of `--dim` values each with a pool of `--workers` threads or
processes; the arrays must equal the baseline's exactly. ``take_iter`` times the same
job for the two versions that pull the items from the Python generator in a thread pool,
against the floor of that design (pulling the items alone).
"""

from __future__ import annotations

import os

import numpy as np

from workshop.bench import Limit, ResultMismatch, Suite

# msgpack files read by a pool of workers (docs/gil_thread_pool.md)


def msgpack_prepare(module, seed: int, files: int, vectors: int, dim: int, workers: int):
    """The files (written once per size and seed, untimed) and the pool of the version's
    kind (made once and reused): the timed call only hands out the files and gathers the
    arrays, so starting worker processes is never timed."""
    from msgpack_data import shared_pool, vector_files

    if workers < 1:
        raise ValueError(f"--workers must be at least 1, got {workers}")
    return {
        "files": vector_files(files, vectors, dim, seed),
        "pool": shared_pool(module.POOL, workers),
    }


def msgpack_run(module, problem):
    files = problem["files"]
    return module.main(list(files.paths), files.dim, files.capacity, problem["pool"])


def msgpack_compare(expected: list[np.ndarray], actual: list[np.ndarray]) -> None:
    if len(actual) != len(expected):
        raise ResultMismatch(f"{len(actual)} arrays instead of {len(expected)} (one per file)")
    for i, (want, got) in enumerate(zip(expected, actual, strict=True)):
        got = np.asarray(got)
        if got.dtype != want.dtype or got.shape != want.shape:
            raise ResultMismatch(
                f"file {i}: a {got.dtype} array of shape {got.shape}, "
                f"expected {want.dtype} {want.shape}"
            )
        if not np.array_equal(got, want):
            rows = np.flatnonzero((got != want).any(axis=1))
            raise ResultMismatch(
                f"file {i}: {len(rows)} of {len(want)} vectors differ; the first is row {rows[0]}"
            )


def msgpack_describe(files: int, vectors: int, dim: int, workers: int) -> str:
    megabytes = files * vectors * dim * 4 / 1e6
    return (
        f"{files} files of up to {vectors:,} x {dim} float32 (~{megabytes:.0f} MB), "
        f"{workers} workers (pools made once, outside the timed call)"
    )


def read_bytes_once(problem) -> list[np.ndarray]:
    """The floor of ``msgpack``: each file's bytes read once into a new NumPy array (one
    copy from the kernel's page cache into memory never touched before), by the same
    thread pool. Every version reads those bytes and writes a new array of about that
    size (the vectors are 4 * dim of every 4 * dim + 3 bytes); this produces no vectors."""
    from msgpack_data import run_in_pool

    return run_in_pool(problem["pool"], np.fromfile, problem["files"].paths, np.uint8)


def pull_items_once(problem) -> int:
    """The floor of ``take_iter``: every item pulled from the Python generator
    (``iterate_msgpack``: msgpack's unpacker making one ``bytes`` per vector) and dropped,
    one file after the other in one thread. That part runs with the GIL held, so the
    threads of a pool cannot share it out; a version that copies the items has to add
    its copy and the new arrays to it."""
    from msgpack_data import iterate_msgpack

    return sum(sum(1 for _ in iterate_msgpack(path)) for path in problem["files"].paths)


MSGPACK = Suite(
    name="msgpack",
    title="msgpack files of float32 vectors, read by a pool",
    versions=[
        "msgpack_py_threads",
        "msgpack_py_processes",
        "msgpack_rust_threads",
        "msgpack_rust_processes",
        "msgpack_rust_reader",
    ],
    prepare=msgpack_prepare,
    run=msgpack_run,
    compare=msgpack_compare,
    params={"files": 8, "vectors": 4_000, "dim": 512, "workers": os.cpu_count() or 1},
    quick_params={"files": 4, "vectors": 300, "dim": 512},
    describe=msgpack_describe,
    labels={
        "msgpack_py_threads": "Python copy, thread pool (baseline)",
        "msgpack_py_processes": "Python copy, process pool",
        "msgpack_rust_threads": "Rust take_iter (GIL released), thread pool",
        "msgpack_rust_processes": "Rust take_iter, process pool",
        "msgpack_rust_reader": "whole file read in Rust, thread pool",
    },
    limit=Limit(
        "each file's bytes read once into a new array (np.fromfile), same pool", read_bytes_once
    ),
)

TAKE_ITER = Suite(
    name="take_iter",
    title="msgpack files read by a Python generator, copied in a thread pool",
    versions=["msgpack_py_threads", "msgpack_rust_threads"],
    prepare=msgpack_prepare,
    run=msgpack_run,
    compare=msgpack_compare,
    params=MSGPACK.params,
    quick_params=MSGPACK.quick_params,
    describe=msgpack_describe,
    labels={name: MSGPACK.labels[name] for name in ("msgpack_py_threads", "msgpack_rust_threads")},
    limit=Limit("the generator's items pulled and dropped, one thread (GIL held)", pull_items_once),
)

SUITES = [MSGPACK, TAKE_ITER]
