"""Text preprocessing (extra lesson): every Rust version returns Python's list exactly.

The reference is the list comprehension of `text_py_listcomp.py`. Tests whose id
contains `text_rust_port` decide whether that exercise is done.
"""

from __future__ import annotations

import dataclasses
import re
import sys
import types
import unicodedata

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from text_data import make_text
from text_prep_testing import lesson_suites, run_script, version

import text_prep_rs
from workshop.bench import Budget, ResultMismatch, measure_suite
from workshop.testing import timed_row

RUST_VERSIONS = ["text_rust_port", "text_rust_buffered", "text_rust_interned", "text_rust_ascii"]
ALL_VERSIONS = ["text_py_cached", *RUST_VERSIONS]


def expected(text: str) -> list[str]:
    return version("text_py_listcomp").main(text)


@pytest.mark.parametrize("name", ALL_VERSIONS)
@pytest.mark.parametrize(("n_words", "seed"), [(0, 0), (1, 3), (500, 1), (20_000, 2)])
def test_same_list_as_the_list_comprehension(name, n_words, seed):
    text = make_text(n_words, seed)
    assert version(name).main(text) == expected(text)


@pytest.mark.parametrize("name", RUST_VERSIONS)
@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", []),
        (" \t\n ", []),
        ("The quick BROWN fox", ["quick", "brown"]),
        ("été café", ["café"]),  # characters, not bytes: "été" is 3 characters
        ("😀😀😀 😀😀😀😀", ["😀😀😀😀"]),  # 12 bytes but 3 characters, then 4
        ("ΟΔΟΣ ΣΟΦΟΣ", ["οδος", "σοφος"]),  # the final sigma
        ("İstanbul STRASSE Straße", ["i̇stanbul", "strasse", "straße"]),
        ("one\x1ctwo\x1fthree\u2003four\xa0fives", ["three", "four", "fives"]),
    ],
)
def test_known_answers(name, text, words):
    assert version(name).main(text) == words == expected(text)


# Every character Python's str.split() splits on, and the characters on which it does
# not, between two long words: the Rust split must agree on every code point that
# Python's Unicode database knows (a newer Rust may know characters Python does not).
KNOWN_CHARACTERS = [
    chr(c)
    for c in range(0x110000)
    if unicodedata.category(chr(c)) not in ("Cn", "Cs", "Co")  # unassigned, surrogate, private
]


@pytest.mark.parametrize("name", ["text_rust_port", "text_rust_buffered", "text_rust_ascii"])
def test_every_known_character_splits_and_lowers_like_python(name):
    main = version(name).main
    chunk = 2_000
    for start in range(0, len(KNOWN_CHARACTERS), chunk):
        # "abcd<c>efgh" for each character c, one text per chunk of characters.
        text = " ".join(f"abcd{c}efgh" for c in KNOWN_CHARACTERS[start : start + chunk])
        got, want = main(text), expected(text)
        if got != want:
            first = next(i for i, (g, w) in enumerate(zip(got, want, strict=False)) if g != w)
            pytest.fail(f"differs at word {first}: {got[first]!r} instead of {want[first]!r}")


@pytest.mark.parametrize("name", RUST_VERSIONS)
@settings(max_examples=300, deadline=None)
@given(
    text=st.text(
        alphabet=st.characters(
            codec="utf-8",
            exclude_categories=["Cn", "Cs", "Co"],  # unassigned (for Python), surrogates, private
        ),
        max_size=60,
    )
)
def test_random_text_gives_pythons_list(name, text):
    assert version(name).main(text) == expected(text)


# Mostly ASCII, with every kind of ASCII separator, control characters that are not
# separators, capitals, and one character outside ASCII (or a Unicode space) somewhere
# or none: texts of several 64-byte blocks, so that the block scan of text_rust_ascii
# meets words across block ends, all-ASCII blocks next to others, and words longer than
# the 16 bytes its cache keeps whole.
ASCII_CHARACTERS = st.sampled_from(
    list("abcdefghijklmnopqrstuvwxyz" * 6 + "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,(_")
    + list(" " * 6 + "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x00\x08\x0e\x1b\x7f")
)
ASCII_TEXT = st.lists(
    st.one_of(
        st.lists(ASCII_CHARACTERS, max_size=40).map("".join),
        st.sampled_from(["self", "Self", "return", "self.assertEqual(result,"]),
    ),
    max_size=60,
).map(" ".join)
MOSTLY_ASCII_TEXT = st.tuples(
    ASCII_TEXT,
    st.integers(0, 2_000),
    st.sampled_from(["", "", "é", "Σ", "İ", "\u00a0", "\u0085", "\u2003", "😀"]),
).map(lambda t: t[0][: t[1]] + t[2] + t[0][t[1] :])


@pytest.mark.parametrize("name", RUST_VERSIONS)
@settings(max_examples=300, deadline=None)
@given(text=MOSTLY_ASCII_TEXT)
def test_long_mostly_ascii_text_gives_pythons_list(name, text):
    assert version(name).main(text) == expected(text)


@pytest.mark.parametrize("name", RUST_VERSIONS)
@pytest.mark.parametrize(
    ("bad", "error", "message"),
    [
        (b"some words", TypeError, r"text must be a str, got bytes \(decode it first"),
        (None, TypeError, "text must be a str, got NoneType"),
        (42, TypeError, "text must be a str, got int"),
        (["some", "words"], TypeError, "text must be a str, got list"),
        ("some \ud800 words", ValueError, "text must be valid Unicode text.*lone surrogate"),
    ],
)
def test_bad_text_is_a_clear_error(name, bad, error, message):
    function = {
        "text_rust_port": text_prep_rs.preprocess_text,
        "text_rust_buffered": text_prep_rs.preprocess_text_buffered,
        "text_rust_interned": text_prep_rs.preprocess_text_interned,
        "text_rust_ascii": text_prep_rs.preprocess_text_ascii,
    }[name]
    with pytest.raises(error, match=message):
        function(bad)


def test_the_interned_list_repeats_one_object_per_distinct_word():
    words = text_prep_rs.preprocess_text_interned("Apple apple APPLE pears pears")
    assert words == ["apple", "apple", "apple", "pears", "pears"]
    assert words[0] is words[1] is words[2] and words[3] is words[4]


def test_the_recent_words_cache_reuses_a_repeated_word_and_survives_evictions():
    words = text_prep_rs.preprocess_text_ascii("pears Apple pears APPLE pears")
    assert words == ["pears", "apple", "pears", "apple", "pears"]
    assert words[0] is words[2] is words[4]  # the same spelling: the cached string
    # Far more distinct words than the cache has slots, each coming back later: every
    # slot is taken over many times, and the list must still be Python's.
    rng = np.random.default_rng(7)
    vocabulary = [f"Word{i}" if i % 3 else f"wörd{i}" for i in range(100_000)]
    text = " ".join(vocabulary[i] for i in rng.integers(0, len(vocabulary), 300_000))
    assert text_prep_rs.preprocess_text_ascii(text) == expected(text)


@pytest.mark.parametrize("data", ["generated", "real"])
def test_measure_all_quick_times_every_text_version_and_the_floor(data):
    done = run_script("measure_all.py", "text", "--quick", "--data", data)
    assert done.returncode == 0, done.stderr
    assert "x limit" in done.stdout
    for name in lesson_suites().TEXT.versions:
        row = timed_row(done.stdout, name)
        assert len(re.findall(r"\d[\d,.]*x ", row)) == 2, row  # the speedup and the x limit
    floor = [line for line in done.stdout.splitlines() if line.startswith("limit ")]
    assert floor and "floor: read the UTF-8 once" in floor[0], done.stdout


def test_the_floor_returns_no_answer_and_reads_every_byte():
    suites = lesson_suites()
    text = make_text(2_000, seed=4)
    data = suites.floor_input(text)
    assert data.kept == len(expected(text))
    assert data.utf8.size == len(text.encode())
    distinct = set(data.ascii_words.split(" ") + data.other_words.split(" ")) - {""}
    assert distinct == set(expected(text))
    assert suites.floor(data) is None


def test_the_text_check_catches_a_changed_missing_or_extra_word():
    compare = lesson_suites().text_compare
    words = ["alpha", "beta", "gamma"]
    compare(words, list(words))
    with pytest.raises(ResultMismatch, match="word 1 is 'Beta', expected 'beta'"):
        compare(words, ["alpha", "Beta", "gamma"])
    with pytest.raises(ResultMismatch, match="2 words instead of 3"):
        compare(words, words[:2])
    with pytest.raises(ResultMismatch, match="4 words instead of 3"):
        compare(words, [*words, "delta"])


def test_a_wrong_text_version_is_reported_not_timed(monkeypatch):
    # Counting bytes instead of characters (the original article's `word.len() > 3`) drops
    # or keeps the wrong words: the harness must refuse it, not time it.
    def bytes_not_characters(text):
        return [w.lower() for w in text.split() if len(w.encode()) > 3]

    wrong_module = types.ModuleType("text_wrong")
    wrong_module.main = bytes_not_characters
    monkeypatch.setitem(sys.modules, "text_wrong", wrong_module)
    suite = dataclasses.replace(lesson_suites().TEXT, versions=["text_py_listcomp", "text_wrong"])
    report = measure_suite(suite, params={"words": 5_000}, budget=Budget.quick())
    wrong = report.measurements[-1]
    assert wrong.status == "wrong result" and not wrong.times
    assert "expected" in wrong.message
