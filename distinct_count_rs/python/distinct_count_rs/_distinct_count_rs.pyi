"""Type stubs of the compiled module `distinct_count_rs._distinct_count_rs` (written in Rust)."""

from collections.abc import Collection, Hashable

import numpy as np
from numpy.typing import NDArray

def count_approx_rust_naive(
    items: Collection[Hashable],
    epsilon: float = 0.5,
    delta: float = 0.001,
    seed: int | None = None,
) -> int:
    """Approximate number of distinct items (CVM), ported line by line: a Python set inside."""

def count_approx_rust(
    items: Collection[Hashable],
    epsilon: float = 0.5,
    delta: float = 0.001,
    seed: int | None = None,
) -> int:
    """Approximate number of distinct items (CVM) on 64-bit hashes in a Rust set."""

def count_approx_fast(
    items: Collection[Hashable],
    epsilon: float = 0.5,
    delta: float = 0.001,
    seed: int | None = None,
) -> int:
    """Approximate number of distinct items (CVM) on Python's own hashes, fast core."""

def count_approx_array(
    items: NDArray[np.integer],
    epsilon: float = 0.5,
    delta: float = 0.001,
    seed: int | None = None,
) -> int:
    """Approximate number of distinct values of a 1-D integer array (CVM), GIL released."""
