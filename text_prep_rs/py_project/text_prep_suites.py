"""What `measure.py` and `measure_all.py` time in the text-preprocessing lesson (see
workshop/bench.py): ``text`` splits a text of `--words` words, keeps the words longer
than three characters and lowercases them; every version must return the baseline's
list, word for word.

The text is generated from the seed, or, with ``--data real``, the first `--words` words
of Python's own standard library sources (workshop/corpus.py). The table ends with the
floor of the job (`FLOOR`, the limit row).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from text_data import make_text

from workshop import corpus
from workshop.bench import DataSource, Limit, ResultMismatch, Suite


def text_compare(expected: list[str], actual: list[str]) -> None:
    for i, (want, got) in enumerate(zip(expected, actual, strict=False)):
        if want != got:
            raise ResultMismatch(f"word {i} is {got!r}, expected {want!r}")
    if len(actual) != len(expected):
        raise ResultMismatch(f"{len(actual):,} words instead of {len(expected):,}")


@dataclass(frozen=True)
class FloorInput:
    """What the floor needs, made from the text before the clock starts."""

    utf8: np.ndarray  # the text's UTF-8 bytes, as uint8
    kept: int  # how many words every version returns
    ascii_words: str  # the distinct words returned (lowercased), ASCII ones, space-separated
    other_words: str  # the same for the words with a character outside ASCII


def floor_input(text: str) -> FloorInput:
    kept = [word.lower() for word in text.split() if len(word) > 3]
    distinct = list(dict.fromkeys(kept))  # in order of first appearance
    return FloorInput(
        utf8=np.frombuffer(text.encode(), dtype=np.uint8),
        kept=len(kept),
        ascii_words=" ".join(w for w in distinct if w.isascii()),
        other_words=" ".join(w for w in distinct if not w.isascii()),
    )


def floor(data: FloorInput) -> None:
    """What every correct version pays at least, and nothing else: it reads every byte of
    the text once (NumPy's SIMD maximum, at memory speed), makes one Python string per
    distinct word of the answer (`str.split` on one space, in C, the strings made from
    ASCII directly), and a list with one entry per kept word. Its result is no answer."""
    data.utf8.max()
    strings = data.ascii_words.split(" ") + data.other_words.split(" ")
    entries = [None] * data.kept
    del strings, entries  # freed inside the timing, as every version's list is


FLOOR = Limit(
    "read the UTF-8 once + one str per distinct kept word + a list of the kept count (no answer)",
    run=floor,
    prepare=floor_input,
)


TEXT = Suite(
    name="text",
    title="Text preprocessing",
    versions=[
        "text_py_listcomp",
        "text_py_cached",
        "text_rust_port",
        "text_rust_buffered",
        "text_rust_interned",
        "text_rust_ascii",
    ],
    prepare=lambda module, seed, words: make_text(words, seed),
    run=lambda module, text: module.main(text),
    canonical=lambda result, text: list(result),
    compare=text_compare,
    params={"words": 1_000_000},
    quick_params={"words": 20_000},
    describe=lambda words: f"{words:,} words, keep those longer than 3 characters, lowercase",
    labels={
        "text_py_listcomp": "Python list comprehension (baseline)",
        "text_py_cached": "Python loop with a dict of lowercased words",
        "text_rust_port": "Rust, the direct port: one String per word",
        "text_rust_buffered": "Rust, one reused buffer (preprocess_text_buffered)",
        "text_rust_interned": "Rust, one Python str per distinct word (..._interned)",
        "text_rust_ascii": "Rust, byte scan, a small cache of recent words, list made at size "
        "(..._ascii)",
    },
    limit=FLOOR,
    data_sources={
        "real": DataSource(
            corpus.describe(), lambda module, seed, words: corpus.stdlib_text_of(words)
        ),
    },
)

SUITES = [TEXT]
