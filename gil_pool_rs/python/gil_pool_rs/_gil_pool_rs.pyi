"""Type stubs of the compiled module `gil_pool_rs._gil_pool_rs` (written in Rust)."""

import os
from collections.abc import Iterable

import numpy as np
from numpy.typing import NDArray

def take_iter(
    iterator: Iterable[bytes],
    np_vectors: NDArray[np.float32],
    *,
    skip_wrong_length: bool = True,
) -> int:
    """Copy float32 vectors given as bytes into the rows of `np_vectors` (modified in
    place, GIL released for the copies); returns the number of rows written."""

def read_msgpack_vectors(
    path: str | os.PathLike[str], dim: int, *, skip_wrong_length: bool = True
) -> NDArray[np.float32]:
    """Read a whole msgpack file of float32 vectors in Rust: an `(n, dim)` array."""
