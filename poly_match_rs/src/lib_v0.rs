//! Stage v0: the baseline is pure Python (`py_project/poly_match_v0.py`), so
//! the Rust module is empty. It exists so that every stage has a Rust file to
//! compare with the next one.

use pyo3::prelude::*;

/// Stage v0 of the polygon matcher: nothing is in Rust yet.
#[pymodule(submodule)]
pub mod v0 {}
