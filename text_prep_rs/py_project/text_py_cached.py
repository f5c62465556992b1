"""Text preprocessing in Python with a cache of lowercased words: the Python user's
attempt at the trick of `text_rust_interned` (it does not pay off, see the lesson)."""

from __future__ import annotations


def main(text: str) -> list[str]:
    """The words of `text` longer than three characters, lowercased, in order."""
    lowered: dict[str, str] = {}
    words = []
    for word in text.split():
        if len(word) > 3:
            low = lowered.get(word)
            if low is None:
                low = lowered[word] = word.lower()
            words.append(low)
    return words


if __name__ == "__main__":
    from text_data import make_text

    words = main(make_text(1_000_000, seed=0))
    print(f"{len(words):,} words kept; the first ten: {words[:10]}")
