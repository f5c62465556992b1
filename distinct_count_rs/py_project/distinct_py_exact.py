"""The exact count of distinct items: a Python set (the baseline of the lesson).

Exact and quick, but the set holds every distinct item: memory grows with the number
of distinct values (about 100 bytes per short string, set slot included).
"""

from __future__ import annotations

from collections.abc import Collection, Hashable


def count_exact(items: Collection[Hashable]) -> int:
    return len(set(items))


def main(items: Collection[Hashable], epsilon: float = 0.5, seed: int = 0) -> int:
    """The exact count (`epsilon` and `seed` are ignored: same call as the estimates)."""
    return count_exact(items)


if __name__ == "__main__":
    from distinct_data import word_stream

    stream = word_stream(100_000, 100, seed=0)
    print(f"{len(stream):,} words, {main(stream.words):,} distinct")
