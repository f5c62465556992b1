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

/// What the byte scan of [`for_each_long_word`] learnt about a word on the way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WordKind {
    /// Only the bytes `a`-`z`, digits, punctuation...: ASCII with no capital letter,
    /// already its own lowercase.
    AsciiLowercase,
    /// ASCII with at least one capital letter: lowercased byte by byte.
    Ascii,
    /// At least one character outside ASCII: the full Unicode rules.
    Unicode,
}

// The class of each byte value, for the scan: a separator, a capital ASCII letter, the
// first byte of a character outside ASCII (0x80 and above; continuation bytes are
// stepped over with their character), or 0 for any other byte of a word.
const SEPARATOR: u8 = 1;
const CAPITAL: u8 = 2;
const NOT_ASCII: u8 = 4;

const fn byte_classes() -> [u8; 256] {
    let mut classes = [0u8; 256];
    let mut byte = 0;
    while byte < 256 {
        classes[byte] = match byte as u8 {
            // The ASCII characters of Python's str.isspace(): \t \n \x0b \x0c \r, the
            // four information separators \x1c-\x1f, and the space.
            b'\t'..=b'\r' | 0x1c..=0x1f | b' ' => SEPARATOR,
            b'A'..=b'Z' => CAPITAL,
            0x80.. => NOT_ASCII,
            _ => 0,
        };
        byte += 1;
    }
    classes
}

static BYTE_CLASSES: [u8; 256] = byte_classes();

/// Calls `emit(word, kind)` with each word of `text` that has more than three
/// characters, as it is in the text (not lowercased yet), in one pass over the bytes:
/// the same words as `python_words(text).filter(|w| is_long_enough(w))`.
///
/// An ASCII byte is classified with one table lookup; only a byte of 0x80 or more (a
/// character outside ASCII) is decoded, to ask whether it is one of Unicode's spaces.
/// The scan also notes whether the word has a capital ASCII letter or a non-ASCII
/// character ([`WordKind`]), so that the caller lowercases only what needs it.
pub fn for_each_long_word<'t, E>(
    text: &'t str,
    mut emit: impl FnMut(&'t str, WordKind) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    let bytes = text.as_bytes();
    let mut start = 0; // where the current word starts, when `in_word`
    let mut seen = 0u8; // the classes of the current word's bytes, or-ed together
    let mut in_word = false;
    let mut i = 0;
    let mut word_end = |start: usize, end: usize, seen: u8| {
        let word = &text[start..end];
        let kind = if seen & NOT_ASCII != 0 {
            if !is_long_enough(word) {
                return Ok(());
            }
            WordKind::Unicode
        } else if end - start <= MIN_CHARS_EXCLUSIVE {
            return Ok(()); // ASCII: one byte per character
        } else if seen & CAPITAL != 0 {
            WordKind::Ascii
        } else {
            WordKind::AsciiLowercase
        };
        emit(word, kind)
    };
    while i < bytes.len() {
        let class = BYTE_CLASSES[usize::from(bytes[i])];
        let (is_separator, width) = if class & NOT_ASCII == 0 {
            (class & SEPARATOR != 0, 1)
        } else {
            // `i` is always at the start of a character: ASCII bytes are stepped one by
            // one, other characters whole.
            let c = text[i..].chars().next().unwrap_or(' ');
            (c.is_whitespace(), c.len_utf8())
        };
        if is_separator {
            if in_word {
                word_end(start, i, seen)?;
                in_word = false;
            }
        } else if in_word {
            seen |= class;
        } else {
            in_word = true;
            start = i;
            seen = class;
        }
        i += width;
    }
    if in_word {
        word_end(start, bytes.len(), seen)?;
    }
    Ok(())
}

/// A small cache of the words met recently, to reuse the Python string made for a word
/// when it comes again, without a dictionary of every distinct word.
///
/// Each word goes to one of a fixed number of slots, chosen by its hash; a slot keeps
/// the last word that went there and a number given with it (the index of its Python
/// string in the result). Frequent words ("self", "return") stay in their slot most of
/// the time; a rare word only takes the slot until another word needs it. The table
/// stays small enough for the processor's cache however many distinct words the text
/// has, where a dictionary of all of them grows, and is slower to reach, with the text.
pub struct RecentWords<'t> {
    slots: Vec<(&'t str, usize)>,
    hasher: rustc_hash::FxBuildHasher,
}

impl<'t> RecentWords<'t> {
    /// The number of slots (a power of two): 16,384 slots of 24 bytes, 384 KiB.
    pub const SLOTS: usize = 1 << 14;

    pub fn new() -> Self {
        Self {
            // An empty word is never looked up (words have 4 characters or more).
            slots: vec![("", 0); Self::SLOTS],
            hasher: rustc_hash::FxBuildHasher,
        }
    }

    fn slot_of(&self, word: &str) -> usize {
        use std::hash::BuildHasher;
        // The hash's high bits are its best mixed ones.
        (self.hasher.hash_one(word) >> (64 - Self::SLOTS.trailing_zeros())) as usize
    }

    /// The number kept with `word`, if `word` is the last word that went to its slot.
    pub fn get(&self, word: &str) -> Option<usize> {
        let (kept, number) = self.slots[self.slot_of(word)];
        (kept == word).then_some(number)
    }

    /// Keeps `number` with `word` in its slot, in place of the word that was there.
    pub fn insert(&mut self, word: &'t str, number: usize) {
        let slot = self.slot_of(word);
        self.slots[slot] = (word, number);
    }
}

impl Default for RecentWords<'_> {
    fn default() -> Self {
        Self::new()
    }
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

    fn long_words(text: &str) -> Vec<(&str, WordKind)> {
        let mut found = Vec::new();
        for_each_long_word(text, |word, kind| {
            found.push((word, kind));
            Ok::<(), ()>(())
        })
        .unwrap();
        found
    }

    #[test]
    fn the_byte_scan_finds_the_words_of_the_split_and_their_kind() {
        let text = "\u{2003}Alpha beta été GAMMA\u{85}δέλτα\u{1f}ΟΔΟΣ straße\u{a0}abc x😀yz ab12 ";
        let found = long_words(text);
        let words: Vec<&str> = found.iter().map(|(word, _)| *word).collect();
        let split: Vec<&str> = python_words(text).filter(|w| is_long_enough(w)).collect();
        assert_eq!(words, split);
        use WordKind::*;
        let kinds: Vec<WordKind> = found.iter().map(|(_, kind)| *kind).collect();
        assert_eq!(
            kinds,
            [
                Ascii,
                AsciiLowercase,
                Ascii,
                Unicode,
                Unicode,
                Unicode,
                Unicode,
                AsciiLowercase
            ]
        );
        assert!(long_words("").is_empty());
        assert_eq!(long_words("word"), [("word", AsciiLowercase)]); // no separator at the end
    }

    #[test]
    fn a_recent_word_is_found_until_another_takes_its_slot() {
        let mut recent = RecentWords::new();
        assert_eq!(recent.get("self"), None);
        recent.insert("self", 7);
        assert_eq!(recent.get("self"), Some(7));
        assert_eq!(recent.get("Self"), None);
        // Enough other words to take every slot: "self" is pushed out, never mistaken.
        let others: Vec<String> = (0..10 * RecentWords::SLOTS)
            .map(|i| format!("w{i}"))
            .collect();
        for (i, word) in others.iter().enumerate() {
            recent.insert(word, i);
        }
        assert_eq!(recent.get("self"), None);
        let last = others.len() - 1;
        assert_eq!(recent.get(&others[last]), Some(last));
    }
}
