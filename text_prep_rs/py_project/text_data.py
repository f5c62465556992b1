"""Seeded example text for the text-preprocessing lesson (docs/text_preprocessing.md)."""

from __future__ import annotations

import numpy as np

# A few words that are not plain ASCII, so that every version meets accents, a
# capital sigma, a German sharp s and a dotted capital I.
NON_ASCII_WORDS = ["café", "naïve", "Élève", "ΟΔΟΣ", "Straße", "İstanbul", "été", "Ωμέγα"]
SEPARATORS = [" ", " ", " ", " ", " ", " ", " ", "\n", "\t", "  ", "\u00a0"]


def vocabulary(size: int, rng: np.random.Generator) -> list[str]:
    """`size` made-up words: mostly lowercase ASCII, some Capitalized or UPPER, a few
    non-ASCII, lengths 1 to 12 (so about a third are three characters or fewer)."""
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    words = []
    for _ in range(size):
        word = "".join(rng.choice(letters, size=int(rng.integers(1, 13))))
        style = rng.random()
        if style < 0.10:
            word = word.capitalize()
        elif style < 0.13:
            word = word.upper()
        elif style < 0.16:
            word = str(rng.choice(NON_ASCII_WORDS))
        words.append(word)
    return words


def make_text(n_words: int, seed: int = 0) -> str:
    """A text of `n_words` words drawn from a seeded vocabulary, separated mostly by
    spaces, sometimes by newlines, tabs, double spaces or no-break spaces."""
    rng = np.random.default_rng(seed)
    words = vocabulary(5_000, rng)
    picks = rng.integers(0, len(words), size=n_words)
    gaps = rng.integers(0, len(SEPARATORS), size=n_words)
    return "".join(words[w] + SEPARATORS[g] for w, g in zip(picks, gaps, strict=True))
