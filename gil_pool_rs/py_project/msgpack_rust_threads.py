"""Rust copy, thread pool: `gil_pool_rs.take_iter` (src/msgpack_py.rs).

The file is still read by the Python generator `iterate_msgpack`, but the copy of the
vectors into the array is done in Rust, batch by batch, with the GIL released
(`py.detach`): while one thread copies, another can run Python.
"""

from __future__ import annotations

from concurrent.futures import Executor
from pathlib import Path

import numpy as np
from msgpack_data import iterate_msgpack, run_in_pool

import gil_pool_rs

POOL = "threads"


def process_rs(path: Path, dim: int, capacity: int) -> np.ndarray:
    """The vectors of one file, as an `(n, dim)` float32 array."""
    np_vectors = np.empty((capacity, dim), dtype=np.float32)
    count = gil_pool_rs.take_iter(iterate_msgpack(path), np_vectors)
    return np_vectors[:count]


def main(paths: list[Path], dim: int, capacity: int, pool: Executor) -> list[np.ndarray]:
    """One array per file, in file order, computed by the workers of `pool`."""
    return run_in_pool(pool, process_rs, paths, dim, capacity)


if __name__ == "__main__":
    from msgpack_data import run_demo

    run_demo(main, POOL)
