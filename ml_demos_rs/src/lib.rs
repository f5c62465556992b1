//! Lesson 2 and the extra lessons: machine-learning building blocks in Rust.
//!
//! Every algorithm keeps a plain-Rust core working on `ndarray` views (reached
//! by `cargo test` and the benchmarks) behind a thin `#[pyfunction]` wrapper
//! that checks the Python input, releases the GIL and converts errors:
//!
//! - `kmeans.rs`: k-means (Lloyd's algorithm, k-means++), written from scratch;
//! - `kmeans_linfa.rs`: the same job done by the linfa library, for comparison;
//! - `stratified.rs`: stratified train/test split and stratified k-fold;
//! - `text.rs`: text preprocessing (an extra lesson), core and Python functions;
//! - `distinct.rs`: approximate distinct count (the CVM algorithm), wrapped for
//!   Python in `distinct_python.rs`;
//! - `msgpack_vectors.rs` (+ `msgpack_python.rs`): float32 vectors from msgpack files,
//!   copied with the GIL released (the "GIL release in a thread pool" lesson);
//! - `python.rs`: the Python functions of `ml_demos_rs`.

// `todo_exercise!`, which the exercise files use in place of the code to write.
#[allow(unused_imports)]
#[macro_use]
extern crate lesson_support;

pub mod distinct;
pub mod distinct_python;
pub mod error;
pub mod kmeans;
pub mod kmeans_linfa;
pub mod msgpack_python;
pub mod msgpack_vectors;
pub mod python;
pub mod stratified;
pub mod text;

use pyo3::prelude::*;

#[pymodule]
mod _ml_demos_rs {
    #[pymodule_export]
    use super::distinct_python::{count_approx_array, count_approx_rust, count_approx_rust_naive};
    #[pymodule_export]
    use super::msgpack_python::{read_msgpack_vectors, take_iter};
    #[pymodule_export]
    use super::python::{
        kmeans_alamano, py_kmeans, py_kmeans_linfa, stratified_kfold_indices,
        stratified_train_test_indices, KMeansResult,
    };
    #[pymodule_export]
    use super::text::{preprocess_text, preprocess_text_buffered, preprocess_text_interned};
    #[pymodule_export]
    use lesson_support::debug_panic;
}
