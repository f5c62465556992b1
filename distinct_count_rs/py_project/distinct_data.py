"""Seeded inputs of the distinct-count lesson: words that repeat, in a shuffled order.

Every version counts the same stream: `words` (Python strings, the same `n_words`
string objects repeated, as a word list read from a text would be) for the versions
that take Python objects, and `codes` (the number behind each word, int64) for the
NumPy version. Both hold exactly `n_words` distinct values.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class WordStream:
    words: list[str]  # len n_words * repeats; word i is str(i)
    codes: np.ndarray  # the same stream as int64 numbers, read-only
    n_words: int  # the exact number of distinct values

    def __len__(self) -> int:
        return len(self.words)


@functools.lru_cache(maxsize=4)
def word_stream(n_words: int, repeats: int, seed: int) -> WordStream:
    """`n_words` distinct words, each `repeats` times, shuffled with `seed`.

    Cached (a few small sizes): the benchmark, the notebook and the tests ask for the
    same streams several times. Treat the result as read-only.
    """
    if n_words < 1 or repeats < 1:
        raise ValueError(f"n_words and repeats must be >= 1, got {n_words} and {repeats}")
    rng = np.random.default_rng(seed)
    codes = rng.permutation(np.repeat(np.arange(n_words, dtype=np.int64), repeats))
    codes.flags.writeable = False
    vocabulary = [str(i) for i in range(n_words)]
    words = [vocabulary[i] for i in codes.tolist()]
    return WordStream(words, codes, n_words)
