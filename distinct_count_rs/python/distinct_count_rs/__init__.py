"""Extra lesson of the workshop: an approximate count of distinct items, the CVM
algorithm, in Rust (``docs/distinct_count.md``).

All four take ``(items, epsilon=0.5, delta=0.001, seed=None)`` and return an ``int``:
``count_approx_rust_naive`` (the Python code ported line by line, a Python set inside),
``count_approx_rust`` (64-bit hashes in a Rust set, a small seeded generator),
``count_approx_fast`` (Python's cached hashes, a faster core) and ``count_approx_array``
(a NumPy integer array read with the GIL released, the faster core). The stage drivers
are in ``distinct_count_rs/py_project/``.
"""

from distinct_count_rs._distinct_count_rs import (
    count_approx_array,
    count_approx_fast,
    count_approx_rust,
    count_approx_rust_naive,
)

__all__ = [
    "count_approx_array",
    "count_approx_fast",
    "count_approx_rust",
    "count_approx_rust_naive",
]
