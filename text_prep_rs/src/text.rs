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
//! This file is the plain-Rust core (no Python in it, reached by `cargo test`); the
//! Python functions are thin wrappers in `text_py.rs`:
//!
//! - [`preprocess_words`] (for `preprocess_text`): the direct port, one Rust `String`
//!   per kept word, converted into Python strings at the end;
//! - [`for_each_kept_word`] (for `preprocess_text_buffered` and `..._interned`): one
//!   reused buffer, handed word by word to the caller.

use lesson_support::Result;

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
///
/// It cannot fail; the `Result` is there for the exercise: an unfinished exercise
/// returns its `NotImplementedError` through it.
pub fn preprocess_words(text: &str) -> Result<Vec<String>> {
    // exercise: text_rust_port intermediate: keep the words with more than three characters (not bytes), lowercased
    Ok(python_words(text)
        .filter(|word| is_long_enough(word))
        .map(str::to_lowercase)
        .collect())
    // stub:
    // todo_exercise!("text_rust_port", "split the text into words, keep the long ones, lowercase them")
    // end exercise: text_rust_port intermediate
}

/// Calls `emit` with each kept word, lowercased, in a buffer reused from word to word:
/// an ASCII word needs no allocation once the buffer has grown to the longest word (a
/// non-ASCII word still goes through `to_lowercase`, for the full Unicode rules).
pub fn for_each_kept_word<E>(
    text: &str,
    mut emit: impl FnMut(&str) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
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
