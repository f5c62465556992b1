"""Type stubs of the compiled module `text_prep_rs._text_prep_rs` (written in Rust)."""

def preprocess_text(text: str) -> list[str]:
    """``[w.lower() for w in text.split() if len(w) > 3]``, in Rust."""

def preprocess_text_buffered(text: str) -> list[str]:
    """The same list as ``preprocess_text``, without one Rust ``String`` per word."""

def preprocess_text_interned(text: str) -> list[str]:
    """The same list as ``preprocess_text``, one string object per distinct word."""

def preprocess_text_ascii(text: str) -> list[str]:
    """The same list as ``preprocess_text``: one pass over the bytes, a small cache of
    recent words (a word met again may be the same string object)."""
