"""CVM distinct count in Rust on a NumPy int64 array: `distinct_count_rs.count_approx_array`.

The array is read in place with the GIL released; no Python object is touched.
"""

from __future__ import annotations

import numpy as np

import distinct_count_rs


def main(items: np.ndarray, epsilon: float = 0.5, seed: int = 0) -> int:
    return distinct_count_rs.count_approx_array(items, epsilon, seed=seed)


if __name__ == "__main__":
    from distinct_data import word_stream

    stream = word_stream(100_000, 100, seed=0)
    print(f"exact {stream.n_words:,}, estimate {main(stream.codes):,}")
