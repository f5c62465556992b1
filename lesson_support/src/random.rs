//! The random generators of every lesson: reproducible from a seed.

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// A generator of type `R` seeded with `seed_from_u64(seed)`, or by the operating
/// system when `seed` is `None` (a different draw on every call).
pub fn seeded<R: SeedableRng>(seed: Option<u64>) -> R {
    match seed {
        Some(seed) => R::seed_from_u64(seed),
        None => R::from_os_rng(),
    }
}

/// The generator the lessons draw from (small, fast, good statistical quality).
pub fn rng_from_seed(seed: Option<u64>) -> Xoshiro256PlusPlus {
    seeded(seed)
}
