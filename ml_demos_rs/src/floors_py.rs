//! The Python face of the floors (`floors.rs`): the limit rows of `measure_all.py`.

use crate::floors;
use crate::kmeans_py::{float_matrix, largest_value, positive};
use lesson_support::args::int_arg;
use ndarray::ArrayView2;
use pyo3::prelude::*;

fn n_iter_arg(obj: &Bound<'_, PyAny>) -> PyResult<i64> {
    int_arg(obj, "n_iter", "a positive integer")
}

/// The floor of Lloyd's algorithm: `n_iter` passes of `n x k x d` multiply-adds over
/// `data` `(n, d)` and `centroids` `(k, d)` at full SIMD width, on all cores, and
/// nothing else (no distance, no label, no update).
///
/// It is what no k-means that compares every row with every centroid in every
/// iteration can beat on this machine; it returns a meaningless number (the sum of the
/// products), not an answer.
#[pyfunction]
#[pyo3(signature = (data, centroids, n_iter))]
pub fn kmeans_distance_floor(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    centroids: &Bound<'_, PyAny>,
    #[pyo3(from_py_with = n_iter_arg)] n_iter: i64,
) -> PyResult<f64> {
    run_floor(py, data, centroids, n_iter, floors::kmeans_distance_floor)
}

/// The floor of every k-means, bounds included (the limit row of the k-means table):
/// one pass of `n x k x d` multiply-adds (the first iteration), then one pass over one
/// number per row for each of the other `n_iter - 1` iterations. No answer.
#[pyfunction]
#[pyo3(signature = (data, centroids, n_iter))]
pub fn kmeans_bounds_floor(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    centroids: &Bound<'_, PyAny>,
    #[pyo3(from_py_with = n_iter_arg)] n_iter: i64,
) -> PyResult<f64> {
    run_floor(py, data, centroids, n_iter, floors::kmeans_bounds_floor)
}

/// The arguments of a k-means floor checked, then the floor run without the GIL.
fn run_floor(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    centroids: &Bound<'_, PyAny>,
    n_iter: i64,
    floor: fn(ArrayView2<f64>, ArrayView2<f64>, usize, f64) -> lesson_support::Result<f64>,
) -> PyResult<f64> {
    let data = float_matrix(data, "data")?;
    let centroids = float_matrix(centroids, "centroids")?;
    let n_iter = positive(n_iter, "n_iter")?;
    let (data, centroids) = (data.as_array(), centroids.as_array());
    let largest = largest_value(data.nrows(), data.ncols());
    Ok(py.detach(|| floor(data, centroids, n_iter, largest))?)
}
