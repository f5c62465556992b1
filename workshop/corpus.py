"""Real text for the lessons that measure on it (``measure_all.py --data real``): the
sources of Python's own standard library, which every installation ships.

Nothing is downloaded. The files are read in sorted path order, so the same Python
version gives the same text on every machine; the table's header names the version.
"""

from __future__ import annotations

import functools
import itertools
import re
import sys
import sysconfig
from pathlib import Path

# Enough for the lessons' largest real inputs (2M words of text, 8M words for the
# distinct count, which repeats the corpus when it runs out).
MAX_BYTES = 64 * 1024 * 1024
_WORD = re.compile(r"\S+")


def describe() -> str:
    """Where the text comes from, for a table header."""
    version = ".".join(map(str, sys.version_info[:2]))
    return f"words of Python {version}'s standard library sources"


@functools.lru_cache(maxsize=1)
def stdlib_text(max_bytes: int = MAX_BYTES) -> str:
    """The standard library's ``.py`` files, joined by newlines, at most `max_bytes`
    UTF-8 bytes (whole files only). Files that are not valid UTF-8 are skipped."""
    stdlib = Path(sysconfig.get_path("stdlib"))
    parts: list[str] = []
    size = 0
    for path in sorted(stdlib.rglob("*.py")):
        if "site-packages" in path.parts:
            continue  # installed packages differ between machines
        try:
            data = path.read_bytes()
            text = data.decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if size + len(data) + 1 > max_bytes:
            break
        parts.append(text)
        size += len(data) + 1
    if not parts:
        raise RuntimeError(f"no Python sources found under {stdlib}")
    return "\n".join(parts)


def stdlib_words(count: int) -> list[str]:
    """The first `count` whitespace-separated words of :func:`stdlib_text`, the corpus
    repeated from its start when it has fewer."""
    if count < 0:
        raise ValueError(f"count must be >= 0, got {count}")
    words = _all_words()
    if count <= len(words):
        return words[:count]
    repeats, rest = divmod(count, len(words))
    return words * repeats + words[:rest]


def stdlib_text_of(words: int) -> str:
    """The corpus as it is written (its own spaces and newlines), cut after its
    `words`-th word; the whole corpus repeated when it has fewer words."""
    if words < 0:
        raise ValueError(f"words must be >= 0, got {words}")
    if words == 0:
        return ""
    text = stdlib_text()
    total = len(_all_words())
    repeats, rest = divmod(words, total)
    if rest == 0:
        return "\n".join([text] * repeats)
    # the end of the `rest`-th word: one regex pass in C, not a Python loop
    last = next(itertools.islice(_WORD.finditer(text), rest - 1, None))
    return "\n".join([text] * repeats + [text[: last.end()]])


@functools.lru_cache(maxsize=1)
def _all_words() -> list[str]:
    return stdlib_text().split()
