"""Inputs of the distinct-count lesson: seeded words that repeat, in a shuffled order
(`word_stream`), and real words, those of Python's own standard library sources
(`real_stream`, for ``measure_all.py --data real``).

Every version counts the same stream: `words` (Python strings, the same `n_words`
string objects repeated, as a word list read from a text would be) for the versions
that take Python objects, and `codes` (the number behind each word, int64) for the
NumPy version. Both hold exactly `n_words` distinct values.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from workshop import corpus


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


@functools.lru_cache(maxsize=2)
def real_stream(n_items: int) -> WordStream:
    """The first `n_items` words of Python's standard library sources, in the order they
    are written (the corpus repeated when it has fewer; see `workshop.corpus`).

    The codes number the distinct words in the order they first appear, so the same
    words give the same codes on every machine. Cached; treat it as read-only.
    """
    if n_items < 1:
        raise ValueError(f"n_items must be >= 1, got {n_items}")
    words = corpus.stdlib_words(n_items)
    numbers: dict[str, int] = {}
    codes = np.fromiter(
        (numbers.setdefault(word, len(numbers)) for word in words), np.int64, len(words)
    )
    codes.flags.writeable = False
    return WordStream(words, codes, len(numbers))
