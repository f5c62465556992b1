"""Python copy, thread pool: the baseline of the msgpack lesson.

Each worker thread reads one msgpack file with `iterate_msgpack` and copies every
vector into a preallocated float32 array with `take_iter_py`. That loop works on
Python objects from start to end, so it holds the GIL: two threads take turns instead
of running side by side.
"""

from __future__ import annotations

from concurrent.futures import Executor
from pathlib import Path

import numpy as np
from msgpack_data import iterate_msgpack, run_in_pool, take_iter_py

POOL = "threads"


def process_py(path: Path, dim: int, capacity: int) -> np.ndarray:
    """The vectors of one file, as an `(n, dim)` float32 array (a view of the first
    rows of the preallocated array, as in the original article)."""
    np_vectors = np.empty((capacity, dim), dtype=np.float32)
    count = take_iter_py(iterate_msgpack(path), np_vectors)
    return np_vectors[:count]


def main(paths: list[Path], dim: int, capacity: int, pool: Executor) -> list[np.ndarray]:
    """One array per file, in file order, computed by the workers of `pool`."""
    return run_in_pool(pool, process_py, paths, dim, capacity)


if __name__ == "__main__":
    from msgpack_data import run_demo

    run_demo(main, POOL)
