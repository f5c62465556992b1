//! Extra lesson: approximate distinct count, the CVM algorithm (`docs/distinct_count.md`).
//!
//! - `distinct.rs`: the plain-Rust core (CVM on 64-bit keys, seeded generator);
//! - `distinct_py.rs`: the Python functions `count_approx_rust_naive` (the line-by-line
//!   port, on a Python set), `count_approx_rust` (hashes into the core);
//! - `distinct_fast.rs`: the faster core (each key keeps its coin, a table sized once);
//!   `count_approx_fast` (Python's cached hashes) and `count_approx_array` (NumPy
//!   integers, GIL released) use it.

// `todo_exercise!`, which the exercise files use in place of the code to write.
#[allow(unused_imports)]
#[macro_use]
extern crate lesson_support;

pub mod distinct;
pub mod distinct_fast;
pub mod distinct_py;

use pyo3::prelude::*;

#[pymodule]
mod _distinct_count_rs {
    #[pymodule_export]
    use super::distinct_py::{
        count_approx_array, count_approx_fast, count_approx_rust, count_approx_rust_naive,
    };
    #[pymodule_export]
    use lesson_support::debug_panic;
}
