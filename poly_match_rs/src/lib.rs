//! Lesson 1: match each point to the smallest nearby polygon.
//!
//! Each stage of the lesson lives in its own file, `lib_v0.rs` … `lib_v5.rs`,
//! so that a student can diff one stage against the previous one. This file
//! only gathers them into one Python extension, `poly_match_rs._poly_match_rs`,
//! with one submodule per stage (`v0`, `v1`, …). The Python package in
//! `python/poly_match_rs/` makes `from poly_match_rs.v1 import ...` work.
//! `checks.rs` holds the input checks that every stage shares.

#[macro_use]
pub mod exercise;
pub mod checks;
pub mod lib_v0;
pub mod lib_v1;
pub mod lib_v2;
pub mod lib_v3;
pub mod lib_v4;
pub mod lib_v5;

use pyo3::prelude::*;

#[pymodule]
mod _poly_match_rs {
    #[pymodule_export]
    use super::debug_panic;
    #[pymodule_export]
    use super::lib_v0::v0;
    #[pymodule_export]
    use super::lib_v1::v1;
    #[pymodule_export]
    use super::lib_v2::v2;
    #[pymodule_export]
    use super::lib_v3::v3;
    #[pymodule_export]
    use super::lib_v4::v4;
    #[pymodule_export]
    use super::lib_v5::v5;
}

/// Panics on purpose, for the reliability tests only (not part of the API, not
/// re-exported by the `poly_match_rs` package). `reliability/` calls it to prove that a
/// Rust panic reaches Python as `pyo3_runtime.PanicException` instead of aborting the
/// interpreter: on the calling thread (`where_="gil"`), with the GIL released
/// (`"detached"`), and inside a rayon worker thread (`"rayon"`).
#[pyfunction]
#[pyo3(name = "_debug_panic", signature = (message, where_="gil"))]
pub fn debug_panic(py: Python<'_>, message: &str, where_: &str) -> PyResult<()> {
    let fail = || -> PyResult<()> { panic!("{message}") };
    match where_ {
        "gil" => fail(),
        "detached" => py.detach(fail),
        "rayon" => py.detach(|| rayon::join(|| (), fail).1),
        other => Err(pyo3::exceptions::PyValueError::new_err(format!(
            "where_ must be \"gil\", \"detached\" or \"rayon\", got {other:?}"
        ))),
    }
}
