"""Python copy, process pool: the usual way around the GIL, and its price.

The same `process_py` as the baseline, run by worker processes: each has its own
interpreter and its own GIL, so the copies do run side by side. But every result
array travels back to the main process through pickle (a copy of all its bytes, written
to a pipe and read back), and that can cost more than the work itself.
"""

from __future__ import annotations

from concurrent.futures import Executor
from pathlib import Path

import numpy as np
from msgpack_data import run_in_pool
from msgpack_py_threads import process_py

POOL = "processes"


def main(paths: list[Path], dim: int, capacity: int, pool: Executor) -> list[np.ndarray]:
    """One array per file, in file order, computed by the worker processes of `pool`."""
    return run_in_pool(pool, process_py, paths, dim, capacity)


if __name__ == "__main__":
    from msgpack_data import run_demo

    run_demo(main, POOL)
