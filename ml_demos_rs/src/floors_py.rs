//! The Python face of the floors (`floors.rs`): the limit rows of `measure_all.py`.

use crate::floors;
use crate::kmeans_py::{float_matrix, largest_value, positive};
use lesson_support::args::int_arg;
use pyo3::prelude::*;

/// The floor of the k-means table: `n_iter` passes of `n x k x d` multiply-adds over
/// `data` `(n, d)` and `centroids` `(k, d)` at full SIMD width, on all cores, and
/// nothing else (no distance, no label, no update).
///
/// It is what no correct k-means can beat on this machine for that many iterations;
/// it returns a meaningless number (the sum of the products), not an answer.
fn n_iter_arg(obj: &Bound<'_, PyAny>) -> PyResult<i64> {
    int_arg(obj, "n_iter", "a positive integer")
}

#[pyfunction]
#[pyo3(signature = (data, centroids, n_iter))]
pub fn kmeans_distance_floor(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    centroids: &Bound<'_, PyAny>,
    #[pyo3(from_py_with = n_iter_arg)] n_iter: i64,
) -> PyResult<f64> {
    let data = float_matrix(data, "data")?;
    let centroids = float_matrix(centroids, "centroids")?;
    let n_iter = positive(n_iter, "n_iter")?;
    let (data, centroids) = (data.as_array(), centroids.as_array());
    let largest = largest_value(data.nrows(), data.ncols());
    Ok(py.detach(|| floors::kmeans_distance_floor(data, centroids, n_iter, largest))?)
}
