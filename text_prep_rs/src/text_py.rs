//! The Python functions of the text lesson: thin wrappers over the core in `text.rs`.
//!
//! Each one checks that `text` is a `str` and gets its UTF-8 (`text_utf8`), then runs
//! the core; they differ in how the Python list of words is made.

use std::borrow::Cow;
use std::collections::HashMap;

use lesson_support::args::type_name;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyList, PyString};

use crate::text::{
    for_each_kept_word, for_each_long_word, preprocess_words, RecentWords, WordKind,
};

/// The UTF-8 of the Python `str` `text`, or a clear error naming the argument: a
/// `TypeError` for anything but a `str`, a `ValueError` for a lone surrogate such as
/// `"\ud800"` (it has no UTF-8 form).
fn text_utf8<'a>(text: &'a Bound<'_, PyAny>) -> PyResult<Cow<'a, str>> {
    let string = text.cast::<PyString>().map_err(|_| {
        let found = type_name(text);
        let hint = if found == "bytes" || found == "bytearray" {
            " (decode it first, e.g. text.decode('utf-8'))"
        } else {
            ""
        };
        PyTypeError::new_err(format!("text must be a str, got {found}{hint}"))
    })?;
    string.to_cow().map_err(|error| {
        PyValueError::new_err(format!(
            "text must be valid Unicode text, but it holds a lone surrogate \
             (half of a UTF-16 pair) that has no UTF-8 form: {error}"
        ))
    })
}

/// Split `text` into words as `str.split()` does, keep those with more than three
/// characters, and lowercase them: the same list as
/// `[w.lower() for w in text.split() if len(w) > 3]`.
#[pyfunction]
pub fn preprocess_text(py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    // exercise: text_rust_port hard: check that text is a str, get its UTF-8, and run the core (the GIL may be released)
    let text = text_utf8(text)?;
    // exercise: text_rust_port easy: run the core on the text with the GIL released
    // Only Rust data inside: other Python threads may run meanwhile.
    Ok(py.detach(|| preprocess_words(&text))?)
    // stub:
    // todo_exercise!("text_rust_port", "call the core with the GIL released")
    // end exercise: text_rust_port easy
    // stub:
    // todo_exercise!("text_rust_port", "check the argument and call the core")
    // end exercise: text_rust_port hard
}

/// The same list as `preprocess_text`, built without one Rust `String` per word: each
/// kept word goes from a reused buffer straight into a new Python string.
#[pyfunction]
pub fn preprocess_text_buffered<'py>(
    py: Python<'py>,
    text: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyList>> {
    let text = text_utf8(text)?;
    let words = PyList::empty(py);
    for_each_kept_word(&text, |word| words.append(PyString::new(py, word)))?;
    Ok(words)
}

/// The same list as `preprocess_text`, with one Python string per *distinct* word:
/// a word met again is the same string object again (Python's lists hold references,
/// so the list is equal to the others; only `is` tells them apart).
#[pyfunction]
pub fn preprocess_text_interned<'py>(
    py: Python<'py>,
    text: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyList>> {
    let text = text_utf8(text)?;
    let words = PyList::empty(py);
    let mut made: HashMap<String, Bound<'py, PyString>> = HashMap::new();
    for_each_kept_word(&text, |word| match made.get(word) {
        Some(string) => words.append(string),
        None => {
            let string = PyString::new(py, word);
            words.append(&string)?;
            made.insert(word.to_owned(), string);
            Ok(())
        }
    })?;
    Ok(words)
}

/// A new Python `str` of the ASCII `word`, lowercased on the way in when `lowercase` is
/// true: the characters are written straight into the string's own memory (no Rust
/// buffer, and none of the UTF-8 decoding that `PyString::new` does for any text).
/// A word with a byte outside ASCII (never given by the scan as an ASCII word) goes
/// through `PyString::new` instead, lowercased with the full Unicode rules if asked.
#[allow(unsafe_code)]
fn ascii_string<'py>(
    py: Python<'py>,
    word: &str,
    lowercase: bool,
) -> PyResult<Bound<'py, PyString>> {
    if !word.is_ascii() {
        return Ok(if lowercase {
            PyString::new(py, &word.to_lowercase())
        } else {
            PyString::new(py, word)
        });
    }
    let len = pyo3::ffi::Py_ssize_t::try_from(word.len())?;
    // SAFETY: `PyUnicode_New(len, 127)` makes a compact ASCII string of `len` characters
    // (its one-byte data, of `len` bytes plus the final NUL it writes itself), or
    // returns NULL with an exception set, which `from_owned_ptr_or_err` turns into an
    // error. We fill its `len` data bytes with ASCII bytes, as such a string requires,
    // before any Python code can see it; it is a `str`, so the cast holds.
    unsafe {
        let string = Bound::from_owned_ptr_or_err(py, pyo3::ffi::PyUnicode_New(len, 127))?;
        let data = pyo3::ffi::PyUnicode_1BYTE_DATA(string.as_ptr());
        let out = std::slice::from_raw_parts_mut(data, word.len());
        if lowercase {
            for (out, byte) in out.iter_mut().zip(word.bytes()) {
                *out = byte.to_ascii_lowercase();
            }
        } else {
            out.copy_from_slice(word.as_bytes());
        }
        Ok(string.cast_into_unchecked())
    }
}

/// The same list as `preprocess_text`, the fastest way we found: one pass over the
/// bytes (ASCII classified by a table, only other characters decoded), each word
/// lowercased only if it needs it and written straight into its Python string, the
/// Python string of a recent word reused (a small cache, not a dictionary of every
/// word), and the list made at its final size.
#[pyfunction]
pub fn preprocess_text_ascii<'py>(
    py: Python<'py>,
    text: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyList>> {
    let text = text_utf8(text)?;
    // exercise: text_rust_ascii hard: scan the words, reuse the string of a recent word, make the others, build the list at its size
    // A kept word takes 5 bytes at least (4 characters and a separator).
    let mut words: Vec<Bound<'py, PyString>> = Vec::with_capacity(text.len() / 8);
    let mut recent = RecentWords::new(&text);
    for_each_long_word(&text, |word, kind| -> PyResult<()> {
        // exercise: text_rust_ascii easy: a word met recently: push its Python string once more
        if let Some(index) = recent.get(word) {
            let again = words[index].clone(); // the same object once more
            words.push(again);
            return Ok(());
        }
        // stub:
        // todo_exercise!("text_rust_ascii", "a word met recently: push its Python string once more");
        // end exercise: text_rust_ascii easy
        // exercise: text_rust_ascii intermediate: make the Python string, lowercasing only what needs it
        let string = match kind {
            WordKind::AsciiLowercase => ascii_string(py, word, false)?,
            WordKind::Ascii => ascii_string(py, word, true)?,
            WordKind::Unicode => PyString::new(py, &word.to_lowercase()),
        };
        // stub:
        // let string: Bound<'py, PyString> = todo_exercise!("text_rust_ascii", "make the Python string, lowercasing only what needs it");
        // end exercise: text_rust_ascii intermediate
        recent.insert(word, words.len());
        words.push(string);
        Ok(())
    })?;
    PyList::new(py, words)
    // stub:
    // todo_exercise!("text_rust_ascii", "scan the words, reuse the string of a recent word, make the others, build the list at its size")
    // end exercise: text_rust_ascii hard
}
