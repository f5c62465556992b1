"""What `measure.py` and `measure_all.py` time in the text-preprocessing lesson (see
workshop/bench.py): ``text`` splits a text of `--words` words, keeps the words longer
than three characters and lowercases them; every version must return the baseline's
list, word for word.
"""

from __future__ import annotations

from text_data import make_text

from workshop.bench import ResultMismatch, Suite


def text_compare(expected: list[str], actual: list[str]) -> None:
    for i, (want, got) in enumerate(zip(expected, actual, strict=False)):
        if want != got:
            raise ResultMismatch(f"word {i} is {got!r}, expected {want!r}")
    if len(actual) != len(expected):
        raise ResultMismatch(f"{len(actual):,} words instead of {len(expected):,}")


TEXT = Suite(
    name="text",
    title="Text preprocessing",
    versions=[
        "text_py_listcomp",
        "text_py_cached",
        "text_rust_port",
        "text_rust_buffered",
        "text_rust_interned",
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
    },
)

SUITES = [TEXT]
