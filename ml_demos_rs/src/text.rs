//! Extra lesson: text preprocessing (`docs/text_preprocessing.md`).
//!
//! The job: split a text into words, keep the words longer than three characters,
//! lowercase them. In Python that is one line,
//! `[w.lower() for w in text.split() if len(w) > 3]`, and every piece of it already
//! runs in C. The Rust versions must return exactly the same list, which takes more
//! care than the one-liner suggests:
//!
//! - Python's `str.split()` splits on the characters for which `str.isspace()` is
//!   true. Rust's `char::is_whitespace` agrees except for four control characters
//!   (`\x1c` to `\x1f`, the "information separators"), which Python also splits on.
//! - `len(w)` counts *characters* (code points). Rust's `str::len` counts *bytes* of
//!   UTF-8: `"café".len()` is 5. Counting characters is `chars().count()`.
//! - `str.lower()` and `str::to_lowercase` both follow Unicode's full lowercase
//!   mapping, including the Greek final sigma (`"ΟΔΟΣ"` becomes `"οδος"`).
//!
//! Two versions, each a plain-Rust core with a thin `#[pyfunction]`:
//!
//! - [`preprocess_words`] / `preprocess_text`: the direct port, one Rust `String`
//!   per kept word, converted into Python strings at the end;
//! - [`for_each_kept_word`] / `preprocess_text_buffered`: one reused buffer; a Python
//!   string is made straight from it, without a Rust `String` per word in between.

use std::borrow::Cow;
use std::collections::HashMap;

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyList, PyString};

use crate::python::type_name;

/// Words with more characters than this are kept.
pub const MIN_CHARS_EXCLUSIVE: usize = 3;

/// The characters Python's `str.split()` (no argument) splits on: Rust's whitespace
/// plus the four "information separator" control characters.
pub fn is_python_whitespace(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// The words of `text` as Python's `str.split()` finds them.
pub fn python_words(text: &str) -> impl Iterator<Item = &str> {
    text.split(is_python_whitespace)
        .filter(|word| !word.is_empty())
}

/// True when `word` has more than [`MIN_CHARS_EXCLUSIVE`] characters (not bytes).
pub fn is_long_enough(word: &str) -> bool {
    // A character takes 1 to 4 bytes in UTF-8: 3 bytes or fewer cannot hold 4
    // characters, 13 bytes or more always do. Only in between must we count.
    match word.len() {
        0..=3 => false,
        13.. => true,
        _ => word.chars().count() > MIN_CHARS_EXCLUSIVE,
    }
}

/// The direct port: split, keep the long words, lowercase them, one `String` each.
pub fn preprocess_words(text: &str) -> PyResult<Vec<String>> {
    // exercise: text_rust_port intermediate: keep the words with more than three characters (not bytes), lowercased
    Ok(python_words(text)
        .filter(|word| is_long_enough(word))
        .map(str::to_lowercase)
        .collect())
    // stub:
    // todo_exercise!("text_rust_port", "split the text into words, keep the long ones, lowercase them")
    // end exercise
}

/// Calls `emit` with each kept word, lowercased, in a buffer reused from word to word:
/// an ASCII word needs no allocation once the buffer has grown to the longest word (a
/// non-ASCII word still goes through `to_lowercase`, for the full Unicode rules).
pub fn for_each_kept_word<E>(
    text: &str,
    mut emit: impl FnMut(&str) -> Result<(), E>,
) -> Result<(), E> {
    let mut lowered = String::new();
    for word in python_words(text).filter(|word| is_long_enough(word)) {
        if word.bytes().all(|b| b.is_ascii_lowercase()) {
            emit(word)?; // already lowercase: no copy at all
            continue;
        }
        lowered.clear();
        if word.is_ascii() {
            lowered.push_str(word);
            lowered.make_ascii_lowercase();
        } else {
            // The full Unicode rules (one character may become two, final sigma).
            lowered.push_str(&word.to_lowercase());
        }
        emit(&lowered)?;
    }
    Ok(())
}

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
    py.detach(|| preprocess_words(&text))
    // stub:
    // todo_exercise!("text_rust_port", "call the core with the GIL released")
    // end exercise
    // stub:
    // todo_exercise!("text_rust_port", "check the argument and call the core")
    // end exercise
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_python_whitespace_and_keeps_long_words() {
        let text = "The  quick\tBROWN\u{1c}foxes\u{a0}jump\nover\u{2003}lazy dogs";
        let words = preprocess_words(text).unwrap();
        assert_eq!(
            words,
            ["quick", "brown", "foxes", "jump", "over", "lazy", "dogs"]
        );
    }

    #[test]
    fn counts_characters_not_bytes() {
        // "été" is 3 characters in 5 bytes: dropped; "café" is 4 in 5: kept.
        assert_eq!(preprocess_words("été café").unwrap(), ["café"]);
        assert!(!is_long_enough("été"));
        assert!(is_long_enough("ÉTÉS"));
        assert!(is_long_enough("abcdefghijklm"));
        assert!(!is_long_enough("😀😀😀")); // 12 bytes, 3 characters
        assert!(is_long_enough("😀😀😀😀"));
    }

    #[test]
    fn lowercases_with_the_full_unicode_rules() {
        assert_eq!(
            preprocess_words("ΟΔΟΣ STRASSE İstanbul").unwrap(),
            ["οδος", "strasse", "i\u{307}stanbul"]
        );
    }

    #[test]
    fn both_versions_agree() {
        let text = "Alpha beta GAMMA δέλτα ΟΔΟΣ été\u{1f}Straße  x yz four 😀😀😀😀 ab";
        let mut buffered = Vec::new();
        for_each_kept_word(text, |word| {
            buffered.push(word.to_string());
            Ok::<(), ()>(())
        })
        .unwrap();
        assert_eq!(buffered, preprocess_words(text).unwrap());
        assert!(preprocess_words("").unwrap().is_empty());
        assert!(preprocess_words(" \n\t ").unwrap().is_empty());
    }
}
