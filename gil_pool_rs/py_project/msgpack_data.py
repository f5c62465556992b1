"""Inputs and shared pieces of the "GIL release in a thread pool" lesson.

- ``write_vector_files``: seeded msgpack files of float32 vectors, in a temporary
  folder (nothing is written into the repository);
- ``iterate_msgpack``: the Python generator that reads one file item by item (in real
  pipelines this is where custom Python logic lives, so it stays in Python);
- ``take_iter_py``: the plain-Python copy of each item into a preallocated array: the
  baseline that ``gil_pool_rs.take_iter`` replaces;
- ``shared_pool``: the thread and process pools, made once per (kind, workers) and
  reused, so that starting worker processes is never part of a timed run.
"""

from __future__ import annotations

import atexit
import functools
import multiprocessing
import os
import shutil
import tempfile
import warnings
from collections.abc import Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import msgpack
import numpy as np

DIM = 512  # float32 values per vector, as in the original article


@dataclass(frozen=True)
class VectorFiles:
    """The msgpack files every version reads, and what each version needs to know."""

    paths: tuple[Path, ...]
    dim: int
    capacity: int  # rows preallocated per file: at least the vectors in any file


def vector_counts(n_files: int, vectors: int) -> list[int]:
    """Vectors in each file: `vectors`, or up to 20 % fewer (files are not all full)."""
    return [vectors - (i % 3) * (vectors // 10) for i in range(n_files)]


def write_vector_files(
    folder: Path, n_files: int, vectors: int, dim: int = DIM, seed: int = 0
) -> VectorFiles:
    """`n_files` msgpack files of float32 vectors (uniform in [0, 1)), drawn from `seed`.

    Each vector is written as one msgpack ``bin`` item: its raw bytes, as
    ``msgpack.pack(vector.tobytes(), f)`` does in the original article.
    """
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, count in enumerate(vector_counts(n_files, vectors)):
        rng = np.random.default_rng([seed, i])
        block = rng.random((count, dim), dtype=np.float32)
        path = folder / f"vectors_{i:03d}.msgpack"
        with path.open("wb") as handle:
            packer = msgpack.Packer()
            for vector in block:
                handle.write(packer.pack(vector.tobytes()))
        paths.append(path)
    return VectorFiles(tuple(paths), dim, capacity=vectors)


@functools.lru_cache(maxsize=4)
def vector_files(n_files: int, vectors: int, dim: int, seed: int) -> VectorFiles:
    """The files for these sizes, written once per process into a temporary folder that
    is deleted when Python exits."""
    folder = Path(tempfile.mkdtemp(prefix="msgpack_vectors_"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return write_vector_files(folder, n_files, vectors, dim, seed)


def iterate_msgpack(path: Path | str) -> Iterator[bytes]:
    """The items of one msgpack file, one at a time (each the bytes of one vector)."""
    with open(path, "rb") as handle:
        yield from msgpack.Unpacker(handle)


def take_iter_py(
    iterator: Iterable[bytes], np_vectors: np.ndarray, skip_wrong_length: bool = True
) -> int:
    """Copy each vector of `iterator` into the next row of `np_vectors` (modified in
    place); returns the number of rows written. Same rules as ``gil_pool_rs.take_iter``:
    items of the wrong length are skipped with one warning (or a ValueError), a full
    array is a ValueError.

    Every step handles Python objects (the bytes, a NumPy view of them, the row), so
    the whole loop holds the GIL: a second thread can only wait for its turn.
    """
    n_rows, dim = np_vectors.shape
    written, skipped, first = 0, 0, None
    for index, item in enumerate(iterator):
        if not isinstance(item, bytes):
            raise TypeError(f"iterator must yield bytes; item {index} is {type(item).__name__}")
        if len(item) != 4 * dim:
            if not skip_wrong_length:
                raise ValueError(f"item {index} has {len(item)} bytes, expected {4 * dim}")
            skipped += 1
            first = first or (index, len(item))
            continue
        if written == n_rows:
            raise ValueError(f"np_vectors is full: all its {n_rows} rows are taken")
        np_vectors[written] = np.frombuffer(item, dtype="<f4")
        written += 1
    if skipped:
        warnings.warn(
            f"skipped {skipped} item(s) whose length is not {4 * dim} bytes; "
            f"the first was item {first[0]} ({first[1]} bytes)",
            UserWarning,
            stacklevel=2,
        )
    return written


# Worker processes are started with "spawn" on every platform: the same behaviour on
# Linux, macOS and Windows, and no fork of a process that already runs threads.
_POOLS: dict[tuple[str, int], Executor] = {}


def shared_pool(kind: str, workers: int) -> Executor:
    """A thread pool (``kind="threads"``) or process pool (``"processes"``) of `workers`
    workers, made on first use and reused afterwards (shut down when Python exits)."""
    key = (kind, workers)
    if key not in _POOLS:
        if kind == "threads":
            _POOLS[key] = ThreadPoolExecutor(max_workers=workers)
        elif kind == "processes":
            context = multiprocessing.get_context("spawn")
            _POOLS[key] = ProcessPoolExecutor(max_workers=workers, mp_context=context)
        else:
            raise ValueError(f"kind must be 'threads' or 'processes', got {kind!r}")
    return _POOLS[key]


def shutdown_pools() -> None:
    while _POOLS:
        _, pool = _POOLS.popitem()
        pool.shutdown(wait=True, cancel_futures=True)


atexit.register(shutdown_pools)


def run_in_pool(pool: Executor, work, paths: Iterable[Path], *args) -> list[np.ndarray]:
    """`work(path, *args)` for every file, spread over the pool; results in file order."""
    futures = [pool.submit(work, path, *args) for path in paths]
    return [future.result() for future in futures]


def run_demo(main, pool_kind: str) -> None:
    """What a version module does when run as a script: 8 seeded files read by a pool
    of `pool_kind` ("threads" or "processes") with one worker per core."""
    files = vector_files(n_files=8, vectors=4_000, dim=DIM, seed=0)
    pool = shared_pool(pool_kind, os.cpu_count() or 1)
    arrays = main(list(files.paths), files.dim, files.capacity, pool)
    print(f"{len(arrays)} files, {sum(len(a) for a in arrays)} vectors of {files.dim} float32")
