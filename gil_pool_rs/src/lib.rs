//! Extra lesson: releasing the GIL in a thread pool (`docs/gil_thread_pool.md`).
//!
//! - `msgpack.rs`: the plain-Rust core (bytes to float32 rows, msgpack decoding with rmp);
//! - `msgpack_py.rs`: the Python functions `take_iter` (copies with the GIL released)
//!   and `read_msgpack_vectors` (a whole file read in Rust).

// `todo_exercise!`, which the exercise files use in place of the code to write.
#[allow(unused_imports)]
#[macro_use]
extern crate lesson_support;

pub mod msgpack;
pub mod msgpack_py;

use pyo3::prelude::*;

#[pymodule]
mod _gil_pool_rs {
    #[pymodule_export]
    use super::msgpack_py::{read_msgpack_vectors, take_iter};
    #[pymodule_export]
    use lesson_support::debug_panic;
}
