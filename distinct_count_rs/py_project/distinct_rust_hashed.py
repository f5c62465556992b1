"""CVM distinct count in Rust on 64-bit keys: `distinct_count_rs.count_approx_rust`.

Each item is hashed as it is read; the keys live in a Rust set, and a small seeded
generator (Xoshiro256++) gives the random bits.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable

import distinct_count_rs


def main(items: Collection[Hashable], epsilon: float = 0.5, seed: int = 0) -> int:
    return distinct_count_rs.count_approx_rust(items, epsilon, seed=seed)


if __name__ == "__main__":
    from distinct_data import word_stream

    stream = word_stream(100_000, 100, seed=0)
    print(f"exact {stream.n_words:,}, estimate {main(stream.words):,}")
