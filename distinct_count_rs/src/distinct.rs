//! Approximate distinct count: the CVM algorithm (Chakraborty, Vinodchandran and Meel,
//! "Distinct Elements in Streams: An Algorithm for the (Text) Book", arXiv 2301.10191).
//!
//! The exact count keeps every distinct item in a set. CVM keeps at most `capacity`
//! of them, whatever the size of the stream, and still estimates the count within a
//! factor `1 ± epsilon` with probability at least `1 - delta`:
//!
//! 1. every item first leaves the tracked set, then comes back with probability `p`
//!    (so each distinct item is in the set with probability `p`, however often it was
//!    seen before: only its last occurrence counts);
//! 2. when the set is full, each tracked item is dropped with probability 1/2 and `p`
//!    is halved, so the invariant "each distinct item is tracked with probability `p`"
//!    still holds;
//! 3. the estimate is `len(set) / p`.
//!
//! `p` is always a power of two, `p = 2^-halvings`, which this core exploits: "keep
//! with probability `2^-k`" is "the first `k` bits of a random 64-bit word are all
//! zero", and "drop with probability 1/2" is one random bit. The items are `u64` keys
//! (a hash of a Python object, or a NumPy integer), kept in a Rust `HashSet` with the
//! fast, deterministic Fx hasher, so a seed gives the same answer in every process.

use lesson_support::random::rng_from_seed;
use lesson_support::{Error, Result};
use pyo3::exceptions::PyRuntimeError;
use rand::RngCore;
use rand_xoshiro::Xoshiro256PlusPlus;
use rustc_hash::FxHashSet;

/// The largest accepted `epsilon` and `delta` are just below 1; both must be above 0.
fn check_fraction(name: &str, value: f64, meaning: &str) -> Result<()> {
    if value > 0.0 && value < 1.0 {
        Ok(())
    } else {
        Err(Error::value(format!(
            "{name} must be strictly between 0 and 1 ({meaning}), got {value}"
        )))
    }
}

/// Check `epsilon` (the relative error allowed) and `delta` (the probability of
/// missing it): both in the open interval (0, 1).
pub fn check_accuracy(epsilon: f64, delta: f64) -> Result<()> {
    check_fraction("epsilon", epsilon, "the relative error allowed")?;
    check_fraction("delta", delta, "the probability of a larger error")
}

/// How many distinct items CVM may track for a stream of `n_items` items: the paper's
/// threshold `ceil(12 / epsilon² · log2(8 · n_items / delta))`.
///
/// A threshold above `n_items` can never be reached (there are at most `n_items`
/// distinct items): the set is then never thinned and the count is exact. Such values
/// are returned as `n_items + 1`, which behaves the same and fits in a `usize` even for
/// a tiny `epsilon`. An empty stream is refused: the threshold needs `log2(8 · n / delta)`.
pub fn tracked_capacity(n_items: usize, epsilon: f64, delta: f64) -> Result<usize> {
    check_accuracy(epsilon, delta)?;
    if n_items == 0 {
        return Err(Error::value(
            "items must not be empty: the number of items tracked depends on \
             log2(8 * len(items) / delta)",
        ));
    }
    let threshold = (12.0 / (epsilon * epsilon) * (8.0 * n_items as f64 / delta).log2()).ceil();
    let never_full = n_items.saturating_add(1);
    if threshold.is_finite() && threshold < never_full as f64 {
        // Finite, positive and below a usize: the conversion is exact.
        Ok(threshold as usize)
    } else {
        Ok(never_full)
    }
}

/// The error of the paper's "unlucky" case: thinning a full set dropped no item (each
/// has a 1/2 chance of going, so it happens with probability `2^-capacity`).
pub(crate) fn unlucky(capacity: usize) -> Error {
    Error::Python(PyRuntimeError::new_err(format!(
        "unlucky draw, no estimate: halving the {capacity} tracked items dropped none of \
         them (probability 2**-{capacity}); call again with another seed"
    )))
}

/// The most keys reserved up front (about 2 MiB); the set grows past it if it must.
const MAX_RESERVED: usize = 1 << 17;

/// The state of one CVM count: the tracked keys, `p = 2^-halvings`, the generator.
pub struct Tracker {
    tracked: FxHashSet<u64>,
    capacity: usize,
    halvings: u32,
    rng: Xoshiro256PlusPlus,
}

impl Tracker {
    /// An empty tracker that keeps at most `capacity` keys (see [`tracked_capacity`]);
    /// `seed = None` seeds the generator from the operating system.
    pub fn new(capacity: usize, seed: Option<u64>) -> Self {
        let rng = rng_from_seed(seed);
        // Room for twice the capacity: a hash table more than half full makes every
        // lookup of an absent key (most of them) probe further.
        let room = capacity.saturating_mul(2).min(MAX_RESERVED);
        Tracker {
            tracked: FxHashSet::with_capacity_and_hasher(room, Default::default()),
            capacity,
            halvings: 0,
            rng,
        }
    }

    /// `true` with probability `p = 2^-halvings`: the first `halvings` bits of a random
    /// word are all zero. (After 64 halvings this is never true; no stream gets there.)
    fn coin_with_probability_p(&mut self) -> bool {
        self.rng.next_u64().leading_zeros() >= self.halvings
    }

    /// Process one item of the stream, given by its key.
    pub fn offer(&mut self, key: u64) -> Result<()> {
        // exercise: distinct_rust_hashed hard: process one key: forget it, track it again with probability p, and halve the set when it is full
        self.tracked.remove(&key);
        // exercise: distinct_rust_hashed intermediate: track the key again with probability p = 2^-halvings (one random u64 is enough)
        if self.coin_with_probability_p() {
            self.tracked.insert(key);
        }
        // stub:
        // todo_exercise!("distinct_rust_hashed", "track the key again with probability p = 2^-halvings (one random u64 is enough)");
        // end exercise: distinct_rust_hashed intermediate
        if self.tracked.len() >= self.capacity {
            self.halve()?;
        }
        Ok(())
        // stub:
        // todo_exercise!("distinct_rust_hashed", "process one key: forget it, track it again with probability p, and halve the set when it is full")
        // end exercise: distinct_rust_hashed hard
    }

    /// The set is full: drop each key with probability 1/2 and halve `p`.
    fn halve(&mut self) -> Result<()> {
        // exercise: distinct_rust_hashed hard: drop each tracked key with probability 1/2, halve p, and refuse the unlucky case where nothing was dropped
        let rng = &mut self.rng;
        // exercise: distinct_rust_hashed intermediate: keep each key with probability 1/2, using one bit of a random u64 per key
        let (mut bits, mut bits_left) = (0_u64, 0_u32);
        self.tracked.retain(|_| {
            if bits_left == 0 {
                bits = rng.next_u64();
                bits_left = 64;
            }
            let keep = bits & 1 == 1;
            bits >>= 1;
            bits_left -= 1;
            keep
        });
        // stub:
        // let _ = rng;
        // todo_exercise!("distinct_rust_hashed", "keep each key with probability 1/2, using one bit of a random u64 per key");
        // end exercise: distinct_rust_hashed intermediate
        self.halvings += 1;
        // exercise: distinct_rust_hashed easy: if the set is still full, return the `unlucky` error
        if self.tracked.len() >= self.capacity {
            return Err(unlucky(self.capacity));
        }
        // stub:
        // todo_exercise!("distinct_rust_hashed", "if the set is still full, return the `unlucky` error");
        // end exercise: distinct_rust_hashed easy
        Ok(())
        // stub:
        // todo_exercise!("distinct_rust_hashed", "drop each tracked key with probability 1/2, halve p, and refuse the unlucky case where nothing was dropped")
        // end exercise: distinct_rust_hashed hard
    }

    /// The estimate of the number of distinct keys offered so far: `len(set) / p`.
    pub fn estimate(&self) -> u64 {
        // `as` saturates on overflow (only after ~64 halvings), it never panics.
        (self.tracked.len() as f64 * 2_f64.powi(self.halvings as i32)).round() as u64
    }

    /// How many keys are tracked now (at most `capacity - 1` between two items).
    pub fn tracked(&self) -> usize {
        self.tracked.len()
    }

    /// How many times the set was halved (`p = 2^-halvings`).
    pub fn halvings(&self) -> u32 {
        self.halvings
    }
}

/// Estimate the number of distinct keys among `keys` (`n_items` of them; the count
/// sets the capacity) with the CVM algorithm. Each key can be an error (a Python
/// object that cannot be hashed ...): the first one stops the count.
pub fn count_keys(
    keys: impl IntoIterator<Item = Result<u64>>,
    n_items: usize,
    epsilon: f64,
    delta: f64,
    seed: Option<u64>,
) -> Result<u64> {
    // exercise: distinct_rust_hashed hard: size the tracker from the number of items, offer it every key, and return its estimate
    let capacity = tracked_capacity(n_items, epsilon, delta)?;
    let mut tracker = Tracker::new(capacity, seed);
    for key in keys {
        tracker.offer(key?)?;
    }
    Ok(tracker.estimate())
    // stub:
    // todo_exercise!("distinct_rust_hashed", "size the tracker from the number of items, offer it every key, and return its estimate")
    // end exercise: distinct_rust_hashed hard
}

#[cfg(test)]
mod tests {
    use super::*;
    use pyo3::prelude::*;

    /// `n_distinct` keys, each repeated `repeats` times, interleaved.
    fn stream(n_distinct: u64, repeats: u64) -> Vec<u64> {
        (0..repeats)
            .flat_map(|_| 0..n_distinct)
            .map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15))
            .collect()
    }

    fn count(keys: &[u64], epsilon: f64, seed: u64) -> Result<u64> {
        count_keys(
            keys.iter().map(|&k| Ok(k)),
            keys.len(),
            epsilon,
            0.001,
            Some(seed),
        )
    }

    #[test]
    fn capacity_follows_the_paper() {
        // The original article's example: 10 million items, epsilon 0.5, delta 0.001.
        assert_eq!(tracked_capacity(10_000_000, 0.5, 0.001).unwrap(), 1739);
        // Never more than n + 1, however small epsilon is.
        assert_eq!(tracked_capacity(100, 1e-200, 0.5).unwrap(), 101);
        assert!(tracked_capacity(0, 0.5, 0.001).is_err());
        for bad in [0.0, 1.0, -0.5, f64::NAN, f64::INFINITY] {
            assert!(tracked_capacity(10, bad, 0.001).is_err());
            assert!(tracked_capacity(10, 0.5, bad).is_err());
        }
    }

    #[test]
    fn estimate_is_within_epsilon() {
        for (n_distinct, repeats) in [(50_000, 4), (200_000, 2)] {
            let keys = stream(n_distinct, repeats);
            for seed in 0..5 {
                let estimate = count(&keys, 0.5, seed).unwrap() as f64;
                let error = (estimate - n_distinct as f64).abs() / n_distinct as f64;
                // The guarantee is 0.5; in practice the error is a few percent.
                assert!(error < 0.5, "seed {seed}: {estimate} for {n_distinct}");
            }
        }
    }

    #[test]
    fn memory_stays_below_the_capacity() {
        let keys = stream(100_000, 3);
        let capacity = tracked_capacity(keys.len(), 0.5, 0.001).unwrap();
        let mut tracker = Tracker::new(capacity, Some(1));
        for &key in &keys {
            tracker.offer(key).unwrap();
            assert!(tracker.tracked() < capacity);
        }
        assert!(tracker.halvings() > 0);
    }

    #[test]
    fn small_streams_are_counted_exactly() {
        let keys = stream(300, 5);
        assert_eq!(count(&keys, 0.5, 3).unwrap(), 300);
    }

    #[test]
    fn same_seed_same_estimate_other_seed_other_estimate() {
        let keys = stream(100_000, 2);
        assert_eq!(
            count(&keys, 0.5, 11).unwrap(),
            count(&keys, 0.5, 11).unwrap()
        );
        let estimates: std::collections::HashSet<u64> = (0..5)
            .map(|seed| count(&keys, 0.5, seed).unwrap())
            .collect();
        assert!(estimates.len() > 1);
    }

    #[test]
    fn an_unlucky_halving_is_a_python_runtime_error() {
        // With room for a single key, each halving keeps it with probability 1/2:
        // some seed hits the unlucky case within a few keys.
        let unlucky_error = (0..64)
            .find_map(|seed| {
                let mut tracker = Tracker::new(1, Some(seed));
                (0..10).find_map(|key| tracker.offer(key).err())
            })
            .expect("one of 64 seeds is unlucky");
        let Error::Python(err) = unlucky_error else {
            panic!("expected a Python error, got {unlucky_error}");
        };
        Python::initialize();
        Python::attach(|py| {
            assert!(err.is_instance_of::<PyRuntimeError>(py));
            assert!(err.to_string().contains("unlucky"));
        });
    }

    #[test]
    fn a_bad_key_stops_the_count() {
        let keys = vec![Ok(1), Err(Error::value("items[1] is not hashable")), Ok(2)];
        let err = count_keys(keys, 3, 0.5, 0.001, Some(0)).unwrap_err();
        assert!(err.to_string().contains("items[1]"));
    }
}
