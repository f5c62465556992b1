"""Text preprocessing in plain Python: one list comprehension (the baseline)."""

from __future__ import annotations


def main(text: str) -> list[str]:
    """The words of `text` longer than three characters, lowercased, in order."""
    return [word.lower() for word in text.split() if len(word) > 3]


if __name__ == "__main__":
    from text_data import make_text

    words = main(make_text(1_000_000, seed=0))
    print(f"{len(words):,} words kept; the first ten: {words[:10]}")
