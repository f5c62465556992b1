"""Extra lesson of the workshop: text preprocessing in Rust (``docs/text_preprocessing.md``).

``preprocess_text(text)`` returns ``[w.lower() for w in text.split() if len(w) > 3]``;
``preprocess_text_buffered`` and ``preprocess_text_interned`` return the same list, made
with fewer allocations (one reused buffer) and fewer Python objects (one ``str`` per
distinct word); ``preprocess_text_ascii`` is the fastest (one pass over the bytes, a
small cache of recent words). The stage drivers are in ``text_prep_rs/py_project/``.
"""

from text_prep_rs._text_prep_rs import (
    preprocess_text,
    preprocess_text_ascii,
    preprocess_text_buffered,
    preprocess_text_interned,
)

__all__ = [
    "preprocess_text",
    "preprocess_text_ascii",
    "preprocess_text_buffered",
    "preprocess_text_interned",
]
