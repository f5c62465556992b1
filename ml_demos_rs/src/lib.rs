//! Lesson 2: machine-learning building blocks in Rust.
//!
//! Every algorithm keeps a plain-Rust core working on `ndarray` views (reached by
//! `cargo test` and the benchmarks) behind a thin `#[pyfunction]` wrapper, in a file of
//! its own (`<topic>_py.rs`), that checks the Python input, releases the GIL and
//! converts errors:
//!
//! - `kmeans.rs` (+ `kmeans/`): k-means (Lloyd's algorithm, k-means++), from scratch;
//! - `kmeans_linfa.rs`: the same job done by the linfa library, for comparison;
//! - `kmeans_py.rs`: `kmeans_alamano`, `kmeans`, `kmeans_linfa` and `KMeansResult`;
//! - `stratified.rs` (+ `stratified_py.rs`): stratified train/test split and k-fold;
//! - `floors.rs` (+ `floors_py.rs`): the floor of the k-means table (its limit row).

// `todo_exercise!`, which the exercise files use in place of the code to write.
#[allow(unused_imports)]
#[macro_use]
extern crate lesson_support;

pub mod floors;
pub mod floors_py;
pub mod kmeans;
pub mod kmeans_linfa;
pub mod kmeans_py;
pub mod stratified;
pub mod stratified_py;

use pyo3::prelude::*;

#[pymodule]
mod _ml_demos_rs {
    #[pymodule_export]
    use super::floors_py::{kmeans_bounds_floor, kmeans_distance_floor};
    #[pymodule_export]
    use super::kmeans_py::{kmeans_alamano, py_kmeans, py_kmeans_linfa, KMeansResult};
    #[pymodule_export]
    use super::stratified_py::{stratified_kfold_indices, stratified_train_test_indices};
    #[pymodule_export]
    use lesson_support::debug_panic;
}
