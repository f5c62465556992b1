"""CVM distinct count in Rust on Python's own hashes: `distinct_count_rs.count_approx_fast`.

The key of each item is `hash(item)`, which a string keeps in the object once computed;
the list is read in place; the tracked keys are in a table sized once, each with the
level: the coins that decided it (`src/distinct_fast.rs`).
"""

from __future__ import annotations

from collections.abc import Collection, Hashable

import distinct_count_rs


def main(items: Collection[Hashable], epsilon: float = 0.5, seed: int = 0) -> int:
    return distinct_count_rs.count_approx_fast(items, epsilon, seed=seed)


if __name__ == "__main__":
    from distinct_data import word_stream

    stream = word_stream(100_000, 100, seed=0)
    print(f"exact {stream.n_words:,}, estimate {main(stream.words):,}")
