"""Everything in Rust, thread pool: `gil_pool_rs.read_msgpack_vectors`.

No Python generator any more: Rust reads the whole file, splits the msgpack items and
decodes the vectors, with the GIL released from start to end. Possible only when the
reading logic needs no custom Python code.
"""

from __future__ import annotations

from concurrent.futures import Executor
from pathlib import Path

import numpy as np
from msgpack_data import run_in_pool

import gil_pool_rs

POOL = "threads"


def read_rs(path: Path, dim: int, capacity: int) -> np.ndarray:
    """The vectors of one file, as an `(n, dim)` float32 array (no preallocation: Rust
    sizes the array from the file)."""
    return gil_pool_rs.read_msgpack_vectors(path, dim)


def main(paths: list[Path], dim: int, capacity: int, pool: Executor) -> list[np.ndarray]:
    """One array per file, in file order, computed by the workers of `pool`."""
    return run_in_pool(pool, read_rs, paths, dim, capacity)


if __name__ == "__main__":
    from msgpack_data import run_demo

    run_demo(main, POOL)
