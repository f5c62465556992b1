//! The CVM core again, built for speed (the stages `distinct_rust_fast` and
//! `distinct_rust_array`; `distinct.rs` is the first, simpler core, the exercise).
//!
//! Same algorithm, same guarantee, three changes:
//!
//! 1. **Each tracked key remembers its own coin.** When a key is (re)tracked, the core
//!    draws one random 64-bit word `r` and tracks the key if `r` starts with `halvings`
//!    zero bits (probability `p = 2^-halvings`, as before). It stores the number of
//!    leading zeros of `r`, the key's *level*. A halving then keeps the keys whose level
//!    is above the old `halvings`: for a tracked key the next bit of `r` is a fresh fair
//!    coin, so each one stays with probability 1/2, independently, exactly as in the
//!    paper. No random number is drawn at a halving, and the outcome depends on which
//!    keys are tracked, never on where they sit in the table: the estimate is the same
//!    whatever the keys' values are (Python's salted string hashes included), given
//!    the seed and the order of the items.
//! 2. **A hash table of our own, sized once**: open addressing with linear probing in
//!    two flat arrays (the keys, and one byte per slot: 0 for empty, else level + 1),
//!    at least four slots per tracked key so that a lookup of an absent key (most
//!    lookups) stops after one or two slots. A removal shifts the following keys back
//!    (no tombstones), so the table never needs cleaning between halvings.
//! 3. **One lookup per item**: `offer` finds the key's slot once and then keeps, drops,
//!    inserts or does nothing there, instead of a `remove` then an `insert`.

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

/// The state of one CVM count: the table of tracked keys with their levels, `p`, the
/// generator.
pub struct FastTracker {
    keys: Vec<u64>,
    /// 0: empty slot; otherwise 1 + the key's level (leading zeros of its random word).
    tags: Vec<u8>,
    /// `keys.len() - 1` (the table's size is a power of two).
    mask: usize,
    /// 64 - log2(table size): the top bits of the mixed key give its home slot.
    shift: u32,
    len: usize,
    capacity: usize,
    halvings: u32,
    rng: Xoshiro256PlusPlus,
}

/// The home slot of `key`: Fibonacci hashing (one multiplication, keep the top bits),
/// which spreads consecutive integers and already random hashes alike.
#[inline(always)]
fn home(key: u64, shift: u32) -> usize {
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> shift) as usize
}

impl FastTracker {
    /// An empty tracker that keeps at most `capacity` keys (see
    /// `distinct::tracked_capacity`); `seed = None` seeds from the operating system.
    pub fn new(capacity: usize, seed: Option<u64>) -> Self {
        let slots = capacity
            .saturating_mul(SLOTS_PER_KEY)
            .clamp(16, MAX_INITIAL_SLOTS)
            .next_power_of_two();
        FastTracker {
            keys: vec![0; slots],
            tags: vec![0; slots],
            mask: slots - 1,
            shift: 64 - slots.trailing_zeros(),
            len: 0,
            capacity,
            halvings: 0,
            rng: rng_from_seed(seed),
        }
    }

    /// The slot holding `key`, or the empty slot where it would go.
    #[inline(always)]
    fn find(&self, key: u64) -> (usize, bool) {
        let mut slot = home(key, self.shift);
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

    /// Empty `slot` and shift back the keys after it that would no longer be found
    /// (linear probing's deletion without tombstones).
    fn remove_at(&mut self, mut slot: usize) {
        let mut next = slot;
        loop {
            next = (next + 1) & self.mask;
            if self.tags[next] == 0 {
                break;
            }
            // The key at `next` may move to `slot` if its home is not in (slot, next].
            let from_home = next.wrapping_sub(home(self.keys[next], self.shift)) & self.mask;
            let from_slot = next.wrapping_sub(slot) & self.mask;
            if from_home >= from_slot {
                self.keys[slot] = self.keys[next];
                self.tags[slot] = self.tags[next];
                slot = next;
            }
        }
        self.tags[slot] = 0;
        self.len -= 1;
    }

    /// Process one item of the stream, given by its key.
    #[inline(always)]
    pub fn offer(&mut self, key: u64) -> Result<()> {
        // The key's coin and level: one random word, tracked if it starts with
        // `halvings` zeros (probability p).
        let level = self.rng.next_u64().leading_zeros();
        let tracked = level >= self.halvings;
        let (slot, found) = self.find(key);
        match (found, tracked) {
            // Tracked before and again: the new coin replaces the old one.
            (true, true) => self.tags[slot] = level as u8 + 1,
            (true, false) => self.remove_at(slot),
            (false, true) => {
                self.keys[slot] = key;
                self.tags[slot] = level as u8 + 1;
                self.len += 1;
                if self.len >= self.capacity {
                    return self.halve();
                }
                if self.len * 2 > self.keys.len() {
                    self.rebuild(self.keys.len() * 2);
                }
            }
            (false, false) => {}
        }
        Ok(())
    }

    /// The set is full: keep the keys whose level is above `halvings` (each with
    /// probability 1/2), halve `p`, and refuse the unlucky case where nothing went.
    #[cold]
    fn halve(&mut self) -> Result<()> {
        // Tags hold level + 1; a key stays if level >= halvings + 1.
        let keep_from = (self.halvings + 2).min(255) as u8;
        self.halvings += 1;
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

    /// Insert the tracked keys into a fresh table of `slots` slots.
    #[cold]
    fn rebuild(&mut self, slots: usize) {
        let old_keys = std::mem::replace(&mut self.keys, vec![0; slots]);
        let old_tags = std::mem::replace(&mut self.tags, vec![0; slots]);
        self.mask = slots - 1;
        self.shift = 64 - slots.trailing_zeros();
        for (key, tag) in old_keys.into_iter().zip(old_tags) {
            if tag != 0 {
                let (slot, _) = self.find(key);
                self.keys[slot] = key;
                self.tags[slot] = tag;
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
        let keys = stream(3_000, 4);
        let mut tracker = FastTracker::new(keys.len() + 1, Some(5));
        tracker.halvings = 1; // p = 1/2, so keys come and go
        let mut replay = rng_from_seed(Some(5));
        let mut expected = std::collections::HashSet::new();
        for &key in &keys {
            tracker.offer(key).unwrap();
            if replay.next_u64().leading_zeros() >= 1 {
                expected.insert(key);
            } else {
                expected.remove(&key);
            }
            assert_eq!(tracker.tracked(), expected.len());
        }
        for &key in &expected {
            assert!(tracker.find(key).1);
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
