//! The floors of the two tables as hidden Python functions (`_floor_...`), called by the
//! `limit` rows of `py_project/inference_suites.py`. They compute no answer.

use numpy::{PyArray2, PyReadonlyArray2};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::floor;

/// Runs the multiply-adds of the forward pass of an MLP with `layer_sizes` (e.g.
/// `[64, 64, 32, 10]`) for `rows` rows, at full vector width on rayon's threads, with
/// the GIL released. Returns a checksum (meaningless, it keeps the work from being
/// optimised away).
#[pyfunction(name = "_floor_multiply_adds")]
pub fn floor_multiply_adds(py: Python<'_>, layer_sizes: Vec<usize>, rows: usize) -> PyResult<f32> {
    if layer_sizes.len() < 2 {
        return Err(PyValueError::new_err(format!(
            "layer_sizes must list the input and output sizes at least, got {layer_sizes:?}"
        )));
    }
    let count = floor::forward_multiply_adds(&layer_sizes, rows);
    Ok(py.detach(|| floor::multiply_adds(count, rayon::current_num_threads())))
}

/// What one call costs around the arithmetic: take a float32 array `X` from Python,
/// borrow it, and give back a new `(rows, n_classes)` float32 array (of zeros).
#[pyfunction(name = "_floor_array_call")]
#[allow(non_snake_case)]
pub fn floor_array_call<'py>(
    py: Python<'py>,
    X: PyReadonlyArray2<'py, f32>,
    n_classes: usize,
) -> Bound<'py, PyArray2<f32>> {
    let rows = X.as_array().nrows();
    PyArray2::zeros(py, [rows, n_classes], false)
}
