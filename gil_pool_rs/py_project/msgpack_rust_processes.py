"""Rust copy, process pool: the Rust `take_iter` run by worker processes.

The copy is faster, but the results still come back through pickle: the price of
the process pool stays the same whatever the workers do.
"""

from __future__ import annotations

from concurrent.futures import Executor
from pathlib import Path

import numpy as np
from msgpack_data import run_in_pool
from msgpack_rust_threads import process_rs

POOL = "processes"


def main(paths: list[Path], dim: int, capacity: int, pool: Executor) -> list[np.ndarray]:
    """One array per file, in file order, computed by the worker processes of `pool`."""
    return run_in_pool(pool, process_rs, paths, dim, capacity)


if __name__ == "__main__":
    from msgpack_data import run_demo

    run_demo(main, POOL)
