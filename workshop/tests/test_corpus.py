"""The real corpus of the lessons' ``--data real`` runs: Python's own sources."""

import pytest

from workshop import corpus


def test_the_corpus_is_python_source_text():
    text = corpus.stdlib_text()
    assert len(text.encode()) <= corpus.MAX_BYTES
    assert "def " in text and "import " in text
    assert corpus.stdlib_text() is text  # read once per process


@pytest.mark.parametrize("count", [0, 1, 7, 1000])
def test_words_are_the_first_words_of_the_text(count):
    assert corpus.stdlib_words(count) == corpus.stdlib_text().split()[:count]


def test_a_text_cut_after_n_words_has_exactly_those_words():
    for count in (1, 12, 5000):
        text = corpus.stdlib_text_of(count)
        assert text.split() == corpus.stdlib_words(count)
        assert corpus.stdlib_text().startswith(text)  # the real spacing, not re-joined


def test_more_words_than_the_corpus_repeat_it():
    total = len(corpus.stdlib_text().split())
    words = corpus.stdlib_words(total + 5)
    assert words[total:] == words[:5]
    assert corpus.stdlib_text_of(total + 5).split() == words


def test_a_negative_count_is_refused():
    with pytest.raises(ValueError, match="count must be >= 0"):
        corpus.stdlib_words(-1)
    with pytest.raises(ValueError, match="words must be >= 0"):
        corpus.stdlib_text_of(-1)
