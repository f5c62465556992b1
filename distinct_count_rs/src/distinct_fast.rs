//! The CVM core again, built for speed (the stages `distinct_rust_fast` and
//! `distinct_rust_array`; `distinct.rs` is the first, simpler core, the exercise).
//!
//! Same algorithm, same guarantee, four changes:
//!
//! 1. **Each tracked key remembers its own coins.** An item is (re)tracked if
//!    `halvings` fair coins all come up heads (probability `p = 2^-halvings`). The
//!    coins of 64 items are drawn together: bit `j` of each of `halvings` random words
//!    is a coin of item `j`, and their AND says which items are tracked. A tracked key
//!    then draws one more word: its leading zeros are the heads that follow, and
//!    `halvings` plus those is the key's *level*. A halving keeps the keys whose level
//!    is above the old `halvings`: for a tracked key the next coin is a fresh fair one,
//!    so each stays with probability 1/2, independently, exactly as in the paper (the
//!    items left in the block get one more coin, one more word). The outcome depends
//!    on which keys are tracked, never on where they sit in the table: the estimate is
//!    the same whatever the keys' values are (Python's salted string hashes included),
//!    given the seed and the order of the items.
//! 2. **A hash table of our own, sized once**: open addressing with linear probing in
//!    two flat arrays (the keys, and one byte per slot: 0 for empty, else level + 1),
//!    at least four slots per tracked key so that a lookup of an absent key stops
//!    after one or two slots. A removal shifts the following keys back (no
//!    tombstones), so the table never needs cleaning between halvings.
//! 3. **One lookup per item that needs one**: `offer` finds the key's slot once and
//!    then keeps, drops, inserts or does nothing there.
//! 4. **A filter and a block loop** (`offer_all`, for a slice): most items neither
//!    win their coin nor are tracked, and they change nothing. A bit filter of the
//!    tracked keys (8 bits per slot, exact: a removal clears a bit that no other key
//!    uses) says "certainly not tracked" for almost all of them; one pass over each
//!    block of 64 values, with no branch, finds the few that win their coin or pass
//!    the filter, and only those are looked up. The answers are those of `offer` on
//!    every item.

use crate::distinct::unlucky;
use lesson_support::random::rng_from_seed;
use lesson_support::Result;
use rand::RngCore;
use rand_xoshiro::Xoshiro256PlusPlus;

/// Slots per tracked key (a power of two): the table is at most a quarter full.
const SLOTS_PER_KEY: usize = 4;
/// The most slots allocated up front (1 MiB of keys); a larger capacity grows the table
/// when it gets half full (only for streams with few distinct items or a tiny epsilon).
const MAX_INITIAL_SLOTS: usize = 1 << 17;
/// Items whose coins are drawn together: one bit of a 64-bit word per item.
pub const BLOCK: usize = 64;
/// Bits of the presence filter per table slot (a power of two): 8 bits per slot, 32
/// per tracked key, so about one absent key in 30 or fewer passes the filter.
const FILTER_BITS_PER_SLOT: usize = 8;
/// The smallest filter, in 64-bit words (8 KiB, the filter of the default capacity's
/// table of 8 192 slots). This size has its own loop, whose index needs no check.
const SMALL_FILTER_WORDS: usize = 1 << 10;
/// The multiplier of Fibonacci hashing (2^64 / golden ratio, odd).
const FIBONACCI: u64 = 0x9E37_79B9_7F4A_7C15;

/// The state of one CVM count: the table of tracked keys with their levels, a bit
/// filter of the tracked keys, `p`, the coins of the current block, the generator.
pub struct FastTracker {
    keys: Vec<u64>,
    /// 0: empty slot; otherwise 1 + the key's level (its coins that came up heads).
    tags: Vec<u8>,
    /// `keys.len() - 1` (the table's size is a power of two).
    mask: usize,
    /// 64 - log2(table size): the top bits of the mixed key give its home slot.
    shift: u32,
    /// One bit per position: set if a tracked key's mixed bits point there (a key is
    /// tracked only if its bit is set). The position is the top bits of the mixed key,
    /// more of them than for the home slot: keys that share a bit share their home.
    filter: Vec<u64>,
    /// 64 - log2(filter bits).
    filter_shift: u32,
    len: usize,
    capacity: usize,
    halvings: u32,
    /// Bit `j` set: the coin of item `j` of the current block succeeds (probability p).
    coins: u64,
    /// Position of the next item in its block (0: a new block, its coins not drawn yet).
    pos: usize,
    rng: Xoshiro256PlusPlus,
}

/// The key mixed by Fibonacci hashing (one multiplication): its top bits spread
/// consecutive integers and already random hashes alike.
#[inline(always)]
fn mix(key: u64) -> u64 {
    key.wrapping_mul(FIBONACCI)
}

/// Where a key's filter bit sits: (word, bit in the word).
#[inline(always)]
fn filter_place(mixed: u64, filter_shift: u32) -> (usize, u32) {
    let position = mixed >> filter_shift;
    ((position >> 6) as usize, (position & 63) as u32)
}

impl FastTracker {
    /// An empty tracker that keeps at most `capacity` keys (see
    /// `distinct::tracked_capacity`); `seed = None` seeds from the operating system.
    pub fn new(capacity: usize, seed: Option<u64>) -> Self {
        let slots = capacity
            .saturating_mul(SLOTS_PER_KEY)
            .clamp(16, MAX_INITIAL_SLOTS)
            .next_power_of_two();
        let mut tracker = FastTracker {
            keys: Vec::new(),
            tags: Vec::new(),
            mask: 0,
            shift: 0,
            filter: Vec::new(),
            filter_shift: 0,
            len: 0,
            capacity,
            halvings: 0,
            coins: 0,
            pos: 0,
            rng: rng_from_seed(seed),
        };
        tracker.rebuild(slots);
        tracker
    }

    /// The home slot of a key, from its mixed bits.
    #[inline(always)]
    fn home(&self, mixed: u64) -> usize {
        (mixed >> self.shift) as usize
    }

    /// The slot holding `key`, or the empty slot where it would go.
    #[inline(always)]
    fn find(&self, key: u64) -> (usize, bool) {
        let mut slot = self.home(mix(key));
        loop {
            // `slot <= mask`, always in bounds: the checks are predicted and cheap.
            if self.tags[slot] == 0 {
                return (slot, false);
            }
            if self.keys[slot] == key {
                return (slot, true);
            }
            slot = (slot + 1) & self.mask;
        }
    }

    /// May `key` be tracked? `false`: certainly not (one multiplication, one read of
    /// the small filter); `true`: look it up.
    #[inline(always)]
    fn maybe_tracked(&self, key: u64) -> bool {
        let (word, bit) = filter_place(mix(key), self.filter_shift);
        (self.filter[word] >> bit) & 1 != 0
    }

    /// The filter bits of the items of `block` (bit `j`: item `j` may be tracked), with
    /// no branch: the pass over the values that every block pays.
    #[inline(always)]
    fn candidates<T: Copy>(&self, block: &[T; BLOCK], key: impl Fn(T) -> u64) -> u64 {
        // One byte (0 or 1) per item first, the fewest operations per item; then eight
        // bytes at a time become eight bits.
        let mut flags = [0_u8; BLOCK];
        if let Ok(filter) = <&[u64; SMALL_FILTER_WORDS]>::try_from(self.filter.as_slice()) {
            // A fixed size: a constant shift, and an index that is always in bounds.
            const SHIFT: u32 = 64 - 6 - SMALL_FILTER_WORDS.trailing_zeros();
            for (flag, &value) in flags.iter_mut().zip(block) {
                let position = mix(key(value)) >> SHIFT;
                let word = filter[(position >> 6) as usize];
                *flag = (word >> (position & 63)) as u8 & 1;
            }
        } else {
            for (flag, &value) in flags.iter_mut().zip(block) {
                *flag = u8::from(self.maybe_tracked(key(value)));
            }
        }
        let mut bits = 0;
        for (eight, bytes) in flags.chunks_exact(8).enumerate() {
            let bytes = u64::from_le_bytes(bytes.try_into().expect("chunks_exact(8)"));
            // Byte i (0 or 1) lands on bit 56 + i of the product: bits 56..63 are the
            // eight flags in order.
            bits |= (bytes.wrapping_mul(0x0102_0408_1020_4080) >> 56) << (8 * eight);
        }
        bits
    }

    /// The coins of a new block: each item's coin succeeds if `halvings` fair coins all
    /// come up heads (probability p), one bit per item from each of `halvings` words.
    fn draw_coins(&mut self) -> u64 {
        let mut coins = u64::MAX;
        for _ in 0..self.halvings {
            coins &= self.rng.next_u64();
        }
        coins
    }

    /// The level of a key whose coin succeeded: the `halvings` heads it already has,
    /// plus the heads that follow in a fresh random word (the coins of later halvings).
    fn draw_level(&mut self) -> u8 {
        let heads = self.halvings + self.rng.next_u64().leading_zeros();
        heads.min(254) as u8
    }

    /// Process one item of the stream, given by its key.
    #[inline(always)]
    pub fn offer(&mut self, key: u64) -> Result<()> {
        if self.pos == 0 {
            self.coins = self.draw_coins();
        }
        let success = (self.coins >> self.pos) & 1 != 0;
        self.pos = (self.pos + 1) % BLOCK;
        // Most items lose their coin and are not tracked: the filter says so without
        // a lookup in the table.
        if success || self.maybe_tracked(key) {
            self.offer_coin(key, success)?;
        }
        Ok(())
    }

    /// Process the items of `values`, given by their keys `key(value)`: the same
    /// answer as `offer` on each in turn, faster. Per block of 64 items, one pass over
    /// the values with no branch finds those that may change the table (their coin
    /// succeeds, or the filter says that they may be tracked), usually one or two, and
    /// only those are looked up.
    pub fn offer_all<T: Copy>(&mut self, values: &[T], key: impl Fn(T) -> u64) -> Result<()> {
        self.offer_blocks(values, &key, |tracker, block| {
            tracker.candidates(block, &key)
        })
    }

    /// `offer_all` for values that are their own keys (int64 and uint64 arrays): where
    /// the CPU has AVX-512, the filter bits of eight values come from one vector
    /// instruction each (multiply, shift, gather the filter words, test the bits).
    pub(crate) fn offer_all_words<T: Word64>(&mut self, values: &[T]) -> Result<()> {
        #[cfg(target_arch = "x86_64")]
        if vector::available() {
            return self.offer_blocks(values, &T::bits, |tracker, block| {
                vector::candidates(block, &tracker.filter, tracker.filter_shift)
            });
        }
        self.offer_all(values, T::bits)
    }

    /// The block loop of `offer_all`, given how to find a block's candidates.
    #[inline(always)]
    fn offer_blocks<T: Copy>(
        &mut self,
        values: &[T],
        key: &impl Fn(T) -> u64,
        candidates: impl Fn(&Self, &[T; BLOCK]) -> u64,
    ) -> Result<()> {
        let mut values = values;
        // Finish a block begun by `offer`, item by item.
        while self.pos != 0 {
            let Some((&first, rest)) = values.split_first() else {
                return Ok(());
            };
            self.offer(key(first))?;
            values = rest;
        }
        let mut blocks = values.chunks_exact(BLOCK);
        for block in &mut blocks {
            let block: &[T; BLOCK] = block.try_into().expect("chunks_exact(BLOCK)");
            self.coins = self.draw_coins();
            let mut todo = self.coins | candidates(self, block);
            while todo != 0 {
                let j = todo.trailing_zeros() as usize;
                todo &= todo - 1;
                let item = key(block[j]);
                if self.offer_coin(item, (self.coins >> j) & 1 != 0)? {
                    // `item` is tracked now: its later copies in the block must be
                    // looked up too (the filter bits were read before it went in).
                    for (i, &value) in block.iter().enumerate().skip(j + 1) {
                        todo |= u64::from(key(value) == item) << i;
                    }
                }
            }
            // A halving (inside `offer_coin`) changes only `coins`, the table and the
            // filter; keys that were not tracked before it are not tracked after it.
        }
        for &value in blocks.remainder() {
            self.offer(key(value))?;
        }
        Ok(())
    }

    /// Apply one item's coin: tracked (again) with a new level if it succeeded,
    /// dropped if it failed. Returns whether the key went into the table.
    #[inline(always)]
    fn offer_coin(&mut self, key: u64, success: bool) -> Result<bool> {
        let (slot, found) = self.find(key);
        match (found, success) {
            // Tracked before and again: the new coins replace the old ones.
            (true, true) => {
                self.tags[slot] = self.draw_level() + 1;
                Ok(false)
            }
            (true, false) => {
                self.remove_at(slot);
                Ok(false)
            }
            (false, true) => {
                let level = self.draw_level();
                self.insert_at(slot, key, level);
                if self.len >= self.capacity {
                    self.halve()?;
                } else if self.len * 2 > self.keys.len() {
                    self.rebuild(self.keys.len() * 2);
                }
                Ok(true)
            }
            (false, false) => Ok(false),
        }
    }

    fn insert_at(&mut self, slot: usize, key: u64, level: u8) {
        self.keys[slot] = key;
        self.tags[slot] = level + 1;
        self.len += 1;
        let (word, bit) = filter_place(mix(key), self.filter_shift);
        self.filter[word] |= 1 << bit;
    }

    /// Empty `slot` and shift back the keys after it that would no longer be found
    /// (linear probing's deletion without tombstones); clear the key's filter bit if
    /// no other tracked key shares it.
    fn remove_at(&mut self, mut slot: usize) {
        let removed = mix(self.keys[slot]);
        let mut next = slot;
        loop {
            next = (next + 1) & self.mask;
            if self.tags[next] == 0 {
                break;
            }
            // The key at `next` may move to `slot` if its home is not in (slot, next].
            let from_home = next.wrapping_sub(self.home(mix(self.keys[next]))) & self.mask;
            let from_slot = next.wrapping_sub(slot) & self.mask;
            if from_home >= from_slot {
                self.keys[slot] = self.keys[next];
                self.tags[slot] = self.tags[next];
                slot = next;
            }
        }
        self.tags[slot] = 0;
        self.len -= 1;
        // The keys with the same filter bit have the same home: they sit between it and
        // the first empty slot after it.
        let place = filter_place(removed, self.filter_shift);
        let mut at = self.home(removed);
        while self.tags[at] != 0 {
            if filter_place(mix(self.keys[at]), self.filter_shift) == place {
                return;
            }
            at = (at + 1) & self.mask;
        }
        self.filter[place.0] &= !(1 << place.1);
    }

    /// The set is full: keep the keys whose level is above `halvings` (each with
    /// probability 1/2), halve `p`, and refuse the unlucky case where nothing went.
    #[cold]
    fn halve(&mut self) -> Result<()> {
        // Tags hold level + 1; a key stays if level >= halvings + 1.
        let keep_from = (self.halvings + 2).min(255) as u8;
        self.halvings += 1;
        // The items left in the block now need one more heads: p is halved for them.
        self.coins &= self.rng.next_u64();
        let before = self.len;
        for tag in self.tags.iter_mut() {
            if *tag != 0 && *tag < keep_from {
                *tag = 0;
                self.len -= 1;
            }
        }
        if self.len == before {
            return Err(unlucky(self.capacity));
        }
        // Emptied slots break probe chains: put the survivors back in a clean table.
        self.rebuild(self.keys.len());
        Ok(())
    }

    /// Insert the tracked keys into a fresh table of `slots` slots, with its filter.
    #[cold]
    fn rebuild(&mut self, slots: usize) {
        let old_keys = std::mem::replace(&mut self.keys, vec![0; slots]);
        let old_tags = std::mem::replace(&mut self.tags, vec![0; slots]);
        let filter_words = (slots * FILTER_BITS_PER_SLOT / 64).max(SMALL_FILTER_WORDS);
        self.filter = vec![0; filter_words];
        self.mask = slots - 1;
        self.shift = 64 - slots.trailing_zeros();
        self.filter_shift = 64 - 6 - filter_words.trailing_zeros();
        self.len = 0;
        for (key, tag) in old_keys.into_iter().zip(old_tags) {
            if tag != 0 {
                let (slot, _) = self.find(key);
                self.insert_at(slot, key, tag - 1);
            }
        }
    }

    /// The estimate of the number of distinct keys offered so far: `len / p`.
    pub fn estimate(&self) -> u64 {
        // `as` saturates on overflow (only after ~64 halvings), it never panics.
        (self.len as f64 * 2_f64.powi(self.halvings as i32)).round() as u64
    }

    /// How many keys are tracked now (at most `capacity - 1` between two items).
    pub fn tracked(&self) -> usize {
        self.len
    }

    /// How many times the set was halved (`p = 2^-halvings`).
    pub fn halvings(&self) -> u32 {
        self.halvings
    }
}

/// Values whose key is their own 64 bits (the elements of int64 and uint64 arrays).
pub(crate) trait Word64: Copy {
    fn bits(self) -> u64;
}

impl Word64 for u64 {
    fn bits(self) -> u64 {
        self
    }
}

impl Word64 for i64 {
    fn bits(self) -> u64 {
        self as u64 // the same bits, reinterpreted
    }
}

/// The filter pass with AVX-512 vector instructions, eight values per instruction,
/// chosen at run time (the workshop's build targets any x86-64 CPU).
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod vector {
    use super::{Word64, BLOCK, FIBONACCI};
    use std::arch::x86_64::*;

    /// Does this CPU have the instructions of `candidates` (AVX-512 F and DQ)?
    pub fn available() -> bool {
        is_x86_feature_detected!("avx512f") && is_x86_feature_detected!("avx512dq")
    }

    /// The filter bits of the 64 values of `block`, as `FastTracker::candidates` finds
    /// them. Call only where `available()` is true; `filter` has `2^(64 - filter_shift)`
    /// bits (as the tracker's filter always has).
    #[inline(always)]
    pub fn candidates<T: Word64>(block: &[T; BLOCK], filter: &[u64], filter_shift: u32) -> u64 {
        assert_eq!(std::mem::size_of::<T>(), 8);
        assert_eq!(filter.len() << 6 >> (64 - filter_shift), 1);
        // SAFETY: the caller checked the CPU (`available`); the block holds 64 values of
        // 8 bytes (checked above), read eight at a time; every gathered index is a
        // position's top bits, below `filter.len()` (checked above).
        unsafe { with_avx512(block.as_ptr().cast(), filter.as_ptr(), filter_shift) }
    }

    #[target_feature(enable = "avx512f,avx512dq")]
    unsafe fn with_avx512(values: *const u64, filter: *const u64, filter_shift: u32) -> u64 {
        let multiplier = _mm512_set1_epi64(FIBONACCI as i64);
        let shift = _mm_cvtsi64_si128(i64::from(filter_shift));
        let low_six = _mm512_set1_epi64(63);
        let one = _mm512_set1_epi64(1);
        let mut bits = 0_u64;
        for eight in 0..BLOCK / 8 {
            // SAFETY (both reads): see `candidates`.
            let keys = unsafe { _mm512_loadu_si512(values.add(8 * eight).cast()) };
            // The key's position in the filter: the top bits of key * FIBONACCI.
            let position = _mm512_srl_epi64(_mm512_mullo_epi64(keys, multiplier), shift);
            let word_index = _mm512_srli_epi64::<6>(position);
            let words = unsafe { _mm512_i64gather_epi64::<8>(word_index, filter.cast()) };
            let bit = _mm512_and_si512(position, low_six);
            let set = _mm512_test_epi64_mask(_mm512_srlv_epi64(words, bit), one);
            bits |= u64::from(set) << (8 * eight);
        }
        bits
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::distinct::tracked_capacity;
    use lesson_support::Error;

    fn stream(n_distinct: u64, repeats: u64) -> Vec<u64> {
        (0..repeats)
            .flat_map(|_| 0..n_distinct)
            .map(|i| i.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ 0x1234)
            .collect()
    }

    fn count(keys: &[u64], epsilon: f64, seed: u64) -> u64 {
        let capacity = tracked_capacity(keys.len(), epsilon, 0.001).unwrap();
        let mut tracker = FastTracker::new(capacity, Some(seed));
        for &key in keys {
            tracker.offer(key).unwrap();
        }
        tracker.estimate()
    }

    #[test]
    fn estimate_is_within_epsilon_and_unbiased() {
        let keys = stream(100_000, 3);
        let estimates: Vec<f64> = (0..8).map(|seed| count(&keys, 0.5, seed) as f64).collect();
        for e in &estimates {
            assert!((e - 100_000.0).abs() < 0.15 * 100_000.0, "{estimates:?}");
        }
        let mean = estimates.iter().sum::<f64>() / 8.0;
        assert!((mean - 100_000.0).abs() < 0.05 * 100_000.0, "{estimates:?}");
    }

    #[test]
    fn the_table_matches_a_plain_set_of_the_tracked_keys() {
        // Exactly the keys offered since their last failed coin are tracked: replay
        // the same random words against a `HashSet` (no halving: a large capacity).
        // With p = 1/2, a block's coins are one word, and a success draws its level.
        let keys = stream(3_000, 4);
        let mut tracker = FastTracker::new(keys.len() + 1, Some(5));
        tracker.halvings = 1; // p = 1/2, so keys come and go
        let mut replay = rng_from_seed(Some(5));
        let mut expected = std::collections::HashSet::new();
        let mut coins = 0;
        for (index, &key) in keys.iter().enumerate() {
            tracker.offer(key).unwrap();
            if index % BLOCK == 0 {
                coins = replay.next_u64();
            }
            if (coins >> (index % BLOCK)) & 1 == 1 {
                replay.next_u64(); // the level
                expected.insert(key);
            } else {
                expected.remove(&key);
            }
            assert_eq!(tracker.tracked(), expected.len());
        }
        for &key in &expected {
            assert!(tracker.find(key).1);
        }
        assert_the_filter_is_exact(&tracker);
    }

    /// Every tracked key's filter bit is set, and every set bit belongs to a tracked key
    /// (a removal clears the bits nobody else uses).
    fn assert_the_filter_is_exact(tracker: &FastTracker) {
        let mut bits = vec![0_u64; tracker.filter.len()];
        for (slot, &key) in tracker.keys.iter().enumerate() {
            if tracker.tags[slot] != 0 {
                assert!(tracker.maybe_tracked(key));
                let (word, bit) = filter_place(mix(key), tracker.filter_shift);
                bits[word] |= 1 << bit;
            }
        }
        assert_eq!(bits, tracker.filter);
    }

    #[test]
    fn offer_all_gives_the_same_answers_as_offer() {
        // The block loop skips most items; it must leave the tracker exactly as
        // `offer` on every item does: the same keys, levels, halvings and draws.
        // A small stream with many repeats close together (the same key twice in a
        // block), the default capacity (small filter) and a larger one.
        let mut keys = stream(5_000, 20);
        keys.extend((0..20_000_u64).map(|i| i % 7));
        keys.extend(stream(30_000, 2));
        for (epsilon, seed) in [(0.5, 0), (0.5, 1), (0.2, 2), (0.9, 3)] {
            let capacity = tracked_capacity(keys.len(), epsilon, 0.001).unwrap();
            let mut one_by_one = FastTracker::new(capacity, Some(seed));
            for &key in &keys {
                one_by_one.offer(key).unwrap();
            }
            // In two calls, the second starting inside a block.
            let mut blocks = FastTracker::new(capacity, Some(seed));
            let (head, tail) = keys.split_at(100_003);
            blocks.offer_all(head, |k| k).unwrap();
            blocks.offer_all(tail, |k| k).unwrap();
            assert!(one_by_one.halvings() > 0);
            assert_eq!(one_by_one.halvings(), blocks.halvings());
            assert_eq!(one_by_one.tags, blocks.tags);
            assert_eq!(one_by_one.keys, blocks.keys);
            assert_eq!(one_by_one.rng.next_u64(), blocks.rng.next_u64());
            assert_the_filter_is_exact(&blocks);
        }
    }

    #[test]
    fn offer_all_words_gives_the_same_answers_as_offer() {
        // The int64 path (vector instructions where the CPU has AVX-512) against the
        // one-item-at-a-time `offer`, with the small filter and a larger one.
        let mut keys = stream(5_000, 20);
        keys.extend((0..20_000_u64).map(|i| i % 7));
        keys.extend(stream(30_000, 2));
        let signed: Vec<i64> = keys.iter().map(|&k| k as i64).collect();
        for (epsilon, seed) in [(0.5, 0), (0.2, 2)] {
            let capacity = tracked_capacity(keys.len(), epsilon, 0.001).unwrap();
            let mut one_by_one = FastTracker::new(capacity, Some(seed));
            for &key in &keys {
                one_by_one.offer(key).unwrap();
            }
            let mut words = FastTracker::new(capacity, Some(seed));
            let (head, tail) = signed.split_at(100_003);
            words.offer_all_words(head).unwrap();
            words.offer_all_words(tail).unwrap();
            assert_eq!(one_by_one.halvings(), words.halvings());
            assert_eq!(one_by_one.tags, words.tags);
            assert_eq!(one_by_one.keys, words.keys);
            assert_eq!(one_by_one.rng.next_u64(), words.rng.next_u64());
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn the_vector_filter_pass_finds_the_same_bits() {
        if !vector::available() {
            eprintln!("no AVX-512 on this CPU: the vector filter pass is not tested here");
            return;
        }
        // Filters of 8 KiB and 64 KiB with random bits, and keys all over the range.
        let mut rng = rng_from_seed(Some(9));
        for capacity in [1_000, 20_000] {
            let mut tracker = FastTracker::new(capacity, Some(1));
            for word in tracker.filter.iter_mut() {
                *word = rng.next_u64() & rng.next_u64();
            }
            for _ in 0..200 {
                let block: [u64; BLOCK] = std::array::from_fn(|_| rng.next_u64());
                let want = tracker.candidates(&block, |k| k);
                let got = vector::candidates(&block, &tracker.filter, tracker.filter_shift);
                assert_eq!(got, want);
            }
        }
    }

    #[test]
    fn memory_stays_below_the_capacity_and_small_streams_are_exact() {
        let keys = stream(100_000, 2);
        let capacity = tracked_capacity(keys.len(), 0.5, 0.001).unwrap();
        let mut tracker = FastTracker::new(capacity, Some(1));
        for &key in &keys {
            tracker.offer(key).unwrap();
            assert!(tracker.tracked() < capacity);
        }
        assert!(tracker.halvings() > 0);
        // Fewer distinct keys than the capacity (and a table that has to grow).
        let few = stream(200_000, 2);
        assert_eq!(count(&few, 0.001, 3), 200_000);
    }

    #[test]
    fn same_seed_same_estimate_whatever_the_key_values() {
        // The same stream under another naming of its keys (as Python's salted string
        // hashes give from one process to the next): the same estimate.
        let keys = stream(50_000, 3);
        let renamed: Vec<u64> = keys.iter().map(|k| k.rotate_left(17) ^ 0xABCD).collect();
        for seed in 0..3 {
            assert_eq!(count(&keys, 0.5, seed), count(&renamed, 0.5, seed));
        }
        let estimates: std::collections::HashSet<u64> =
            (0..5).map(|seed| count(&keys, 0.5, seed)).collect();
        assert!(estimates.len() > 1);
    }

    #[test]
    fn an_unlucky_halving_is_an_error() {
        let unlucky_error = (0..64)
            .find_map(|seed| {
                let mut tracker = FastTracker::new(1, Some(seed));
                (0..10).find_map(|key| tracker.offer(key).err())
            })
            .expect("one of 64 seeds is unlucky");
        // The same error as the first core's (a Python RuntimeError, tested there).
        assert!(matches!(unlucky_error, Error::Python(_)));
    }
}
