//! Lesson 2 and the extra lessons: machine-learning building blocks in Rust.
//!
//! Every algorithm keeps a plain-Rust core working on `ndarray` views (reached
//! by `cargo test` and the benchmarks) behind a thin `#[pyfunction]` wrapper
//! that checks the Python input, releases the GIL and converts errors.

#[macro_use]
pub mod exercise;

use pyo3::prelude::*;

#[pymodule]
mod _ml_demos_rs {}
