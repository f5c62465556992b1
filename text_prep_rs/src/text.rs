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

/// The bytes the scan of [`for_each_long_word`] looks at together.
const BLOCK: usize = 64;

/// Three bit masks of a block of 64 bytes, bit `i` for byte `i`: the ASCII separators,
/// the capital ASCII letters, and the bytes of 0x80 and above (outside ASCII).
#[inline(always)]
fn block_masks(block: &[u8; BLOCK]) -> (u64, u64, u64) {
    #[cfg(target_arch = "x86_64")]
    {
        block_masks_sse2(block)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        block_masks_portable(block)
    }
}

/// [`block_masks`] as a plain loop of comparisons, byte by byte: the version for
/// processors other than x86-64, and the reference the SSE2 version is tested against.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn block_masks_portable(block: &[u8; BLOCK]) -> (u64, u64, u64) {
    let (mut separators, mut capitals, mut high) = (0u64, 0u64, 0u64);
    for (i, &byte) in block.iter().enumerate() {
        // The same ASCII separators as `byte_classes`: \t to \r, \x1c to \x1f, space.
        let separator = byte.wrapping_sub(b'\t') < 5 || byte.wrapping_sub(0x1c) < 5;
        separators |= u64::from(separator) << i;
        capitals |= u64::from(byte.is_ascii_uppercase()) << i;
        high |= u64::from(byte >= 0x80) << i;
    }
    (separators, capitals, high)
}

/// [`block_masks`] with SSE2 (every x86-64 processor has it): 16 bytes compared at once,
/// and `movemask` gathers one bit per byte. The comparisons are of signed bytes, so a
/// byte of 0x80 and above is negative: it is in none of the ranges, and the block is
/// read byte by byte anyway when `high` is not zero.
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
#[inline(always)]
fn block_masks_sse2(block: &[u8; BLOCK]) -> (u64, u64, u64) {
    use std::arch::x86_64::*;
    // SAFETY: SSE2 is part of x86-64 itself, so its instructions are there on every
    // processor this code is compiled for; `loadu` reads the 16 bytes of `chunk` (no
    // alignment needed).
    unsafe {
        let between = |v: __m128i, low: i8, high: i8| {
            // low <= v <= high
            _mm_and_si128(
                _mm_cmpgt_epi8(v, _mm_set1_epi8(low - 1)),
                _mm_cmplt_epi8(v, _mm_set1_epi8(high + 1)),
            )
        };
        let (mut separators, mut capitals, mut high) = (0u64, 0u64, 0u64);
        for (k, chunk) in block.chunks_exact(16).enumerate() {
            let v = _mm_loadu_si128(chunk.as_ptr().cast());
            let separator = _mm_or_si128(between(v, 0x09, 0x0d), between(v, 0x1c, 0x20));
            let capital = between(v, b'A' as i8, b'Z' as i8);
            let shift = 16 * k;
            separators |= u64::from(_mm_movemask_epi8(separator) as u16) << shift;
            capitals |= u64::from(_mm_movemask_epi8(capital) as u16) << shift;
            high |= u64::from(_mm_movemask_epi8(v) as u16) << shift;
        }
        (separators, capitals, high)
    }
}

/// The bits `from..to` of a 64-bit mask (`from` < 64, `to` <= 64).
fn bits(from: usize, to: usize) -> u64 {
    let below_to = if to >= 64 { u64::MAX } else { (1u64 << to) - 1 };
    below_to & !((1u64 << from) - 1)
}

/// Where the scan of [`for_each_long_word`] is: inside a word or between two.
struct Scan<'t> {
    text: &'t str,
    in_word: bool,
    start: usize, // where the current word starts, when `in_word`
    seen: u8,     // the classes of the current word's bytes, or-ed together
}

impl<'t> Scan<'t> {
    /// The word `start..end` is complete: hand it to `emit` if it is long enough.
    fn word_end<E>(
        &self,
        end: usize,
        emit: &mut impl FnMut(&'t str, WordKind) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let word = &self.text[self.start..end];
        let kind = if self.seen & NOT_ASCII != 0 {
            if !is_long_enough(word) {
                return Ok(());
            }
            WordKind::Unicode
        } else if end - self.start <= MIN_CHARS_EXCLUSIVE {
            return Ok(()); // ASCII: one byte per character
        } else if self.seen & CAPITAL != 0 {
            WordKind::Ascii
        } else {
            WordKind::AsciiLowercase
        };
        emit(word, kind)
    }

    /// One block of 64 ASCII bytes from `at`, given its masks: only the places where a
    /// word starts or ends are visited (one bit of `changes` each), not every byte.
    fn ascii_block<E>(
        &mut self,
        at: usize,
        separators: u64,
        capitals: u64,
        emit: &mut impl FnMut(&'t str, WordKind) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        // Bit i of `changes`: byte i is a separator and byte i - 1 is not, or the
        // reverse (the byte before the block counts as a separator between words).
        let before = u64::from(!self.in_word);
        let mut changes = separators ^ ((separators << 1) | before);
        let mut word_from = 0; // where the current word's bytes in this block start
        while changes != 0 {
            let i = changes.trailing_zeros() as usize;
            changes &= changes - 1;
            if self.in_word {
                if capitals & bits(word_from, i) != 0 {
                    self.seen |= CAPITAL;
                }
                self.word_end(at + i, emit)?;
                self.in_word = false;
            } else {
                self.in_word = true;
                self.start = at + i;
                self.seen = 0;
                word_from = i;
            }
        }
        if self.in_word && capitals & bits(word_from, BLOCK) != 0 {
            self.seen |= CAPITAL;
        }
        Ok(())
    }

    /// Byte by byte from `i` until `stop` (or the end of the character that crosses
    /// it): an ASCII byte is classified with one table lookup, another character is
    /// decoded to ask whether it is one of Unicode's spaces. Returns where it stopped.
    fn bytes_until<E>(
        &mut self,
        mut i: usize,
        stop: usize,
        emit: &mut impl FnMut(&'t str, WordKind) -> std::result::Result<(), E>,
    ) -> std::result::Result<usize, E> {
        let bytes = self.text.as_bytes();
        while i < stop {
            let class = BYTE_CLASSES[usize::from(bytes[i])];
            let (is_separator, width) = if class & NOT_ASCII == 0 {
                (class & SEPARATOR != 0, 1)
            } else {
                // `i` is always at the start of a character: ASCII bytes are stepped
                // one by one, other characters whole.
                let c = self.text[i..].chars().next().unwrap_or(' ');
                (c.is_whitespace(), c.len_utf8())
            };
            if is_separator {
                if self.in_word {
                    self.word_end(i, emit)?;
                    self.in_word = false;
                }
            } else if self.in_word {
                self.seen |= class;
            } else {
                self.in_word = true;
                self.start = i;
                self.seen = class;
            }
            i += width;
        }
        Ok(i)
    }
}

/// Calls `emit(word, kind)` with each word of `text` that has more than three
/// characters, as it is in the text (not lowercased yet), in one pass over the bytes:
/// the same words as `python_words(text).filter(|w| is_long_enough(w))`.
///
/// The text is read 64 bytes at a time: three comparisons over the block give a bit
/// mask of its separators, one of its capital letters and one of its bytes outside
/// ASCII. A block that is all ASCII (nearly every block of English text or code) is
/// then handled from its masks alone, word boundary by word boundary, with no work per
/// byte. A block with a character outside ASCII is read byte by byte: an ASCII byte is
/// classified with one table lookup, another character is decoded to ask whether it is
/// one of Unicode's spaces. On the way the scan notes whether the word has a capital
/// ASCII letter or a non-ASCII character ([`WordKind`]), so that the caller lowercases
/// only what needs it.
pub fn for_each_long_word<'t, E>(
    text: &'t str,
    mut emit: impl FnMut(&'t str, WordKind) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    let bytes = text.as_bytes();
    let mut scan = Scan {
        text,
        in_word: false,
        start: 0,
        seen: 0,
    };
    let mut i = 0;
    while let Some(block) = bytes.get(i..i + BLOCK) {
        let block: &[u8; BLOCK] = block.try_into().unwrap_or(&[b' '; BLOCK]);
        let (separators, capitals, high) = block_masks(block);
        if high == 0 {
            scan.ascii_block(i, separators, capitals, &mut emit)?;
            i += BLOCK;
        } else {
            i = scan.bytes_until(i, i + BLOCK, &mut emit)?;
        }
    }
    scan.bytes_until(i, bytes.len(), &mut emit)?;
    if scan.in_word {
        scan.word_end(bytes.len(), &mut emit)?;
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
///
/// A slot holds the word itself, not a reference into the text: its length and its
/// first and last 8 bytes ([`WordKey`]), which are the whole word up to 16 bytes. So
/// looking a word up reads only the slot, never the text far behind where the slot's
/// word was seen; only a word longer than 16 bytes whose length and ends match is
/// compared with the text for its middle bytes.
pub struct RecentWords<'t> {
    text: &'t str,
    slots: Vec<Slot>,
}

/// What a slot of [`RecentWords`] keeps: 32 bytes.
#[derive(Clone, Copy)]
struct Slot {
    key: WordKey,
    /// Where the word starts in the text (only read for words over 16 bytes).
    start: u32,
    number: usize,
}

/// A word as the cache compares it: its length in bytes and its first and last 8
/// bytes (4 for a word of 4 to 7 bytes; the two overlap for a word shorter than 16).
/// For a word of up to 16 bytes the key *is* the word: two words of the same length
/// with the same first and last 8 bytes are equal.
#[derive(Clone, Copy, PartialEq, Eq)]
struct WordKey {
    head: u64,
    tail: u64,
    len: u32,
}

impl WordKey {
    /// The key of `word`, or `None` for a word the cache does not keep (under 4 bytes,
    /// which is never a kept word, or of 4 GiB and more).
    fn of(word: &[u8]) -> Option<Self> {
        let len = u32::try_from(word.len()).ok()?;
        let (head, tail) = if word.len() >= 8 {
            (le_u64(&word[..8]), le_u64(&word[word.len() - 8..]))
        } else if word.len() >= 4 {
            (le_u32(&word[..4]), le_u32(&word[word.len() - 4..]))
        } else {
            return None;
        };
        Some(Self { head, tail, len })
    }

    /// Mixes the key into a slot number of `bits` bits (the product's high bits are
    /// its best mixed ones).
    fn slot(&self, bits: u32) -> usize {
        const K: u64 = 0x9E37_79B9_7F4A_7C15; // 2^64 / the golden ratio, odd
        let mixed = (self.head.rotate_left(21) ^ self.tail ^ u64::from(self.len))
            .wrapping_mul(K)
            .wrapping_add(self.head)
            .wrapping_mul(K);
        (mixed >> (64 - bits)) as usize
    }
}

fn le_u64(bytes: &[u8]) -> u64 {
    u64::from_le_bytes(bytes.try_into().unwrap_or([0; 8]))
}

fn le_u32(bytes: &[u8]) -> u64 {
    u64::from(u32::from_le_bytes(bytes.try_into().unwrap_or([0; 4])))
}

impl<'t> RecentWords<'t> {
    /// The number of slots (a power of two): 16,384 slots of 32 bytes, 512 KiB, about
    /// the size of the processor's second-level cache. Measured on both texts of the
    /// lesson: 4,096 slots miss too many words of the generated text (3,615 distinct
    /// kept words), 32,768 make every lookup of the real text wait for memory.
    pub const SLOTS: usize = 1 << 14;

    /// A cache for the words of `text` (the words looked up are slices of it).
    pub fn new(text: &'t str) -> Self {
        let empty = Slot {
            // No word has length 0: an empty slot never matches.
            key: WordKey {
                head: 0,
                tail: 0,
                len: 0,
            },
            start: 0,
            number: 0,
        };
        Self {
            text,
            slots: vec![empty; Self::SLOTS],
        }
    }

    fn slot_of(key: &WordKey) -> usize {
        key.slot(Self::SLOTS.trailing_zeros())
    }

    /// The number kept with `word`, if `word` is the last word that went to its slot.
    pub fn get(&self, word: &str) -> Option<usize> {
        let key = WordKey::of(word.as_bytes())?;
        let slot = &self.slots[Self::slot_of(&key)];
        if slot.key != key {
            return None;
        }
        if word.len() > 16 {
            // Same length, same first and last 8 bytes: compare the middle.
            let start = slot.start as usize;
            let kept = self.text.as_bytes().get(start..start + word.len())?;
            if kept[8..kept.len() - 8] != word.as_bytes()[8..word.len() - 8] {
                return None;
            }
        }
        Some(slot.number)
    }

    /// Keeps `number` with `word` (a slice of the text) in its slot, in place of the
    /// word that was there.
    pub fn insert(&mut self, word: &'t str, number: usize) {
        let Some(key) = WordKey::of(word.as_bytes()) else {
            return;
        };
        let start = if word.len() > 16 {
            // Where the word is in the text, for `get` to compare its middle bytes.
            let offset = (word.as_ptr() as usize).wrapping_sub(self.text.as_ptr() as usize);
            match u32::try_from(offset) {
                Ok(start) if offset + word.len() <= self.text.len() => start,
                _ => return, // not in the text, or past 4 GiB into it: not kept
            }
        } else {
            0
        };
        self.slots[Self::slot_of(&key)] = Slot { key, start, number };
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
    fn the_block_masks_mark_every_byte_value_as_the_byte_classes_do() {
        for first in (0..=255u8).step_by(BLOCK) {
            // Each byte value once, in every position of the block in turn.
            for rotation in 0..BLOCK {
                let block: [u8; BLOCK] =
                    std::array::from_fn(|i| first.wrapping_add(((i + rotation) % BLOCK) as u8));
                let (separators, capitals, high) = block_masks(&block);
                assert_eq!((separators, capitals, high), block_masks_portable(&block));
                for (i, &byte) in block.iter().enumerate() {
                    let class = BYTE_CLASSES[usize::from(byte)];
                    assert_eq!(separators >> i & 1 == 1, class == SEPARATOR, "{byte:#x}");
                    assert_eq!(capitals >> i & 1 == 1, class == CAPITAL, "{byte:#x}");
                    assert_eq!(high >> i & 1 == 1, class == NOT_ASCII, "{byte:#x}");
                }
            }
        }
    }

    #[test]
    fn the_block_scan_finds_the_words_of_the_split_in_long_texts() {
        // A seeded mix of words, capitals, every ASCII separator and a few characters
        // outside ASCII: many 64-byte blocks, words across their ends.
        let pieces = [
            "self",
            "Self",
            "return",
            "x",
            "ab",
            "abc",
            "ABCD",
            "a\u{1c}b",
            "Straße",
            "été",
            "\u{a0}",
            "\u{2003}",
            " ",
            "  ",
            "\n",
            "\t",
            "\u{b}\u{c}\r",
            "\u{1f}",
            "\u{0}",
            "self.assertEqual(result,",
            "VeryLongIdentifierName_",
            "😀😀😀😀",
        ];
        let mut state = 12345u64;
        let mut text = String::new();
        for _ in 0..20_000 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            text.push_str(pieces[(state >> 33) as usize % pieces.len()]);
            if state >> 62 == 0 {
                text.push(' ');
            }
        }
        let words: Vec<(&str, WordKind)> = long_words(&text);
        let split: Vec<&str> = python_words(&text).filter(|w| is_long_enough(w)).collect();
        assert_eq!(words.iter().map(|(w, _)| *w).collect::<Vec<_>>(), split);
        for (word, kind) in words {
            let expected = if !word.is_ascii() {
                WordKind::Unicode
            } else if word.bytes().any(|b| b.is_ascii_uppercase()) {
                WordKind::Ascii
            } else {
                WordKind::AsciiLowercase
            };
            assert_eq!(kind, expected, "{word}");
        }
    }

    #[test]
    fn a_recent_word_is_found_until_another_takes_its_slot() {
        let text = "self Self";
        let mut recent = RecentWords::new(text);
        assert_eq!(recent.get("self"), None);
        recent.insert(&text[..4], 7);
        assert_eq!(recent.get("self"), Some(7));
        assert_eq!(recent.get("Self"), None);
        assert_eq!(recent.get("sel"), None); // too short to be a kept word
                                             // Enough other words to take every slot: "self" is pushed out, never mistaken.
        let others: Vec<String> = (0..10 * RecentWords::SLOTS)
            .map(|i| format!("w{i:04}"))
            .collect();
        let joined = others.join(" ");
        let mut recent = RecentWords::new(&joined);
        recent.insert(&text[..4], 7);
        for (i, word) in python_words(&joined).enumerate() {
            recent.insert(word, i);
        }
        assert_eq!(recent.get("self"), None);
        let last = others.len() - 1;
        assert_eq!(recent.get(&others[last]), Some(last));
    }

    #[test]
    fn the_cache_tells_apart_words_that_share_their_ends() {
        // Lengths 4 to 24: the head and tail overlap, meet, or leave a middle.
        let words: Vec<String> = (4..=24)
            .flat_map(|len| {
                let base: String = "abcdefghijklmnopqrstuvwxyz".chars().take(len).collect();
                let mut other = base.clone().into_bytes();
                other[len / 2] = b'_'; // the same length and ends, one middle byte apart
                [base, String::from_utf8(other).unwrap()]
            })
            .collect();
        let text = words.join(" ");
        let mut recent = RecentWords::new(&text);
        for (i, word) in python_words(&text).enumerate() {
            assert_eq!(recent.get(word), None, "{word} was not inserted yet");
            recent.insert(word, i);
            assert_eq!(recent.get(word), Some(i));
        }
        for (i, word) in words.iter().enumerate() {
            // A copy outside the text is found too (its bytes are compared, not its place).
            let found = recent.get(word);
            assert!(found.is_none() || found == Some(i), "{word}: {found:?}");
            let twin = &words[i ^ 1];
            if found.is_some() && recent.get(twin).is_some() {
                assert_ne!(recent.get(twin), found, "{word} and {twin} confused");
            }
        }
        // A long word that is not a slice of the text is not kept.
        let outside = String::from("abcdefghijklmnopqrstuvwxyz");
        let mut recent = RecentWords::new(&text);
        recent.insert(&outside, 1);
        assert_eq!(recent.get(&outside), None);
    }
}
