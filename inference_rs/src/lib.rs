//! Extra lesson: inference of a scikit-learn model embedded in Rust, three ways.
//!
//! - `scratch.rs`: the forward pass written by hand (plain Rust on slices, no
//!   dependency; the WebAssembly module in `wasm/` builds the same file), wrapped
//!   by `scratch_py.rs` as `ScratchMlp`;
//! - `tract_model.rs`: tract, an ONNX engine written in Rust;
//! - `ort_model.rs`: ONNX Runtime (C++) through its C API, with the `ort` crate;
//!
//! `floor.rs` (wrapped by `floor_py.rs`) measures the floor of the batch table.
//!
//! `engines_py.rs` wraps the two engines as `TractModel` and `OrtModel`, and
//! `checks.rs` holds the input checks. The Python package in
//! `python/inference_rs/` re-exports the classes and adds `inference_rs.wasm`.

// `todo_exercise!`, which the exercise files use in place of the code to write.
#[allow(unused_imports)]
#[macro_use]
extern crate lesson_support;

pub mod checks;
pub mod engines_py;
pub mod floor;
pub mod floor_py;
pub mod ort_model;
pub mod scratch;
pub mod scratch_py;
pub mod tract_model;

use pyo3::prelude::*;

#[pymodule]
mod _inference_rs {
    #[pymodule_export]
    use super::engines_py::{OrtModel, TractModel};
    #[pymodule_export]
    use super::floor_py::{floor_array_call, floor_multiply_adds};
    #[pymodule_export]
    use super::scratch_py::ScratchMlp;
    #[pymodule_export]
    use lesson_support::debug_panic;
}
