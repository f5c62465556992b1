"""CVM distinct count, ported line by line to Rust: `distinct_count_rs.count_approx_rust_naive`.

The tracked items are still in a Python set: every step is a Python call.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable

import distinct_count_rs


def main(items: Collection[Hashable], epsilon: float = 0.5, seed: int = 0) -> int:
    return distinct_count_rs.count_approx_rust_naive(items, epsilon, seed=seed)


if __name__ == "__main__":
    from distinct_data import word_stream

    stream = word_stream(100_000, 100, seed=0)
    print(f"exact {stream.n_words:,}, estimate {main(stream.words):,}")
