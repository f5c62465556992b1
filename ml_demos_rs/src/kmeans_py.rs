//! The Python face of k-means: thin `#[pyfunction]` wrappers over `kmeans.rs` (from
//! scratch) and `kmeans_linfa.rs` (the linfa library).
//!
//! Each wrapper (1) checks what Python handed over (type, dtype, shape) and turns a
//! mistake into a `TypeError` or `ValueError` that names the argument, (2) borrows
//! the NumPy array as a read-only ndarray view (linfa's k-means gets a copy, see
//! [`owned_copy`]); nothing is modified, (3) releases the GIL (`py.detach`) while the
//! core runs, so other Python threads can go on, and (4) converts the result to NumPy
//! arrays.

use crate::kmeans::{self, Init, Options};
use crate::kmeans_linfa;
use lesson_support::args::{float_arg, int_arg, numpy_array, seed_arg, seed_value_arg, type_name};
use lesson_support::{Error, Result};
use ndarray::{Array2, ArrayView2};
use numpy::{
    dtype, IntoPyArray, PyArray1, PyArray2, PyArrayDescrMethods, PyArrayMethods, PyReadonlyArray2,
    PyUntypedArray, PyUntypedArrayMethods,
};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyString;

/// A read-only view of a 2-D float64 array, with clear errors for anything else.
pub(crate) fn float_matrix<'py>(
    obj: &Bound<'py, PyAny>,
    name: &str,
) -> PyResult<PyReadonlyArray2<'py, f64>> {
    let expected = "a 2-D float64 array of shape (n_samples, n_features)";
    let array = numpy_array(obj, name, expected)?;
    let found = array.dtype();
    if !found.is_equiv_to(&dtype::<f64>(obj.py())) {
        return Err(PyTypeError::new_err(format!(
            "{name} must have dtype float64, got {found}; \
             convert it with np.asarray({name}, dtype=np.float64)"
        )));
    }
    if array.ndim() != 2 {
        return Err(PyValueError::new_err(format!(
            "{name} must be {expected}, got a {}-D array of shape {:?}{}",
            array.ndim(),
            array.shape(),
            if array.ndim() == 1 {
                "; for a single feature use x.reshape(-1, 1)"
            } else {
                ""
            }
        )));
    }
    obj.cast::<PyArray2<f64>>()?
        .try_readonly()
        .map_err(|err| PyValueError::new_err(format!("{name} cannot be read: {err}")))
}

/// A count argument (`n_clusters`, `max_iter`, `k`) that must be positive.
pub(crate) fn positive(value: i64, name: &str) -> PyResult<usize> {
    usize::try_from(value)
        .ok()
        .filter(|&v| v > 0)
        .ok_or_else(|| {
            PyValueError::new_err(format!("{name} must be a positive integer, got {value}"))
        })
}

/// The `data` argument: a 2-D float64 array, read in place.
fn data_arg<'py>(obj: &Bound<'py, PyAny>) -> PyResult<PyReadonlyArray2<'py, f64>> {
    float_matrix(obj, "data")
}

fn n_clusters_arg(obj: &Bound<'_, PyAny>) -> PyResult<i64> {
    int_arg(obj, "n_clusters", "a positive integer")
}

fn max_iter_arg(obj: &Bound<'_, PyAny>) -> PyResult<i64> {
    int_arg(obj, "max_iter", "a positive integer")
}

fn tol_arg(obj: &Bound<'_, PyAny>) -> PyResult<f64> {
    float_arg(obj, "tol", "a finite number >= 0")
}

/// How the from-scratch k-means finds the nearest centroids (`algorithm=`).
#[derive(Clone, Copy, Debug)]
enum Algorithm {
    /// Every row against every centroid, every iteration.
    Lloyd,
    /// The same iterations, with Hamerly's bounds skipping most comparisons.
    Hamerly,
}

fn algorithm_arg(algorithm: Option<&Bound<'_, PyAny>>) -> PyResult<Algorithm> {
    let Some(algorithm) = algorithm else {
        return Ok(Algorithm::Lloyd);
    };
    let name = algorithm.cast::<PyString>().map_err(|_| {
        PyTypeError::new_err(format!(
            "algorithm must be the string \"lloyd\" or \"hamerly\", got {}",
            type_name(algorithm)
        ))
    })?;
    match name.to_str()? {
        "lloyd" => Ok(Algorithm::Lloyd),
        "hamerly" => Ok(Algorithm::Hamerly),
        other => Err(PyValueError::new_err(format!(
            "algorithm must be \"lloyd\" or \"hamerly\", got {other:?}"
        ))),
    }
}

/// The `init` argument: "kmeans++" (also "k-means++"), "random" or a float64 array.
enum InitArg {
    PlusPlus,
    Random,
    Centroids(Array2<f64>),
}

fn init_arg(init: Option<&Bound<'_, PyAny>>) -> PyResult<InitArg> {
    let Some(init) = init else {
        return Ok(InitArg::PlusPlus);
    };
    if let Ok(name) = init.cast::<PyString>() {
        return match name.to_str()? {
            "kmeans++" | "k-means++" => Ok(InitArg::PlusPlus),
            "random" => Ok(InitArg::Random),
            other => Err(PyValueError::new_err(format!(
                "init must be \"kmeans++\", \"random\" or an array of initial centroids, got {other:?}"
            ))),
        };
    }
    if init.cast::<PyUntypedArray>().is_ok() {
        return Ok(InitArg::Centroids(owned_copy(&float_matrix(init, "init")?)));
    }
    Err(PyTypeError::new_err(format!(
        "init must be \"kmeans++\", \"random\" or a (n_clusters, n_features) float64 array, got {}",
        type_name(init)
    )))
}

impl InitArg {
    fn as_init(&self) -> Init<'_> {
        match self {
            InitArg::PlusPlus => Init::KMeansPlusPlus,
            InitArg::Random => Init::Random,
            InitArg::Centroids(array) => Init::Centroids(array.view()),
        }
    }
}

/// A copy of a NumPy array, in standard (C) layout, made while we hold the GIL.
///
/// Why linfa does not run on the caller's array directly: while the GIL is released,
/// another Python thread can write to that array (NumPy does not stop it), so the
/// numbers checked before the fit would not be the numbers linfa reads, and linfa panics
/// (an `unwrap` in its k-means++ draw) on values whose squared distances overflow. Our
/// own core needs no copy: it returns an error on such values wherever it meets them.
fn owned_copy<T: numpy::Element + Clone, D: ndarray::Dimension>(
    array: &numpy::PyReadonlyArray<'_, T, D>,
) -> ndarray::Array<T, D> {
    array.as_array().as_standard_layout().into_owned()
}

/// The largest finite `|value|` k-means accepts for `n` rows of `d` features: beyond it
/// a sum of `n` squared distances (up to `d * (2 * value)^2` each) overflows a float64,
/// and the k-means++ draw (rand's weighted sampling, linfa's too) panics on the infinite
/// total. The data must be rescaled instead.
pub(crate) fn largest_value(n: usize, d: usize) -> f64 {
    (f64::MAX / (4.0 * n as f64 * d.max(1) as f64)).sqrt()
}

/// A `ValueError` when `values` (the argument `name`) hold numbers so large that the
/// squared distances of k-means on `n_rows` rows of `n_features` overflow (see
/// [`largest_value`]); NaN and infinity are left to the cores, which name them.
fn values_fit(
    name: &str,
    values: ArrayView2<'_, f64>,
    n_rows: usize,
    n_features: usize,
) -> Result<()> {
    let limit = largest_value(n_rows, n_features);
    let found = values
        .iter()
        .filter(|v| v.is_finite())
        .fold(0.0_f64, |max, v| max.max(v.abs()));
    if found >= limit {
        return Err(Error::value(format!(
            "{name} holds values too large for k-means in float64: the largest is \
             {found:e}, and with {n_rows} rows of {n_features} features the squared \
             distances would overflow above {limit:e}; rescale the data (e.g. divide by \
             its standard deviation)"
        )));
    }
    Ok(())
}

/// `values_fit` for the data and, when given, the initial centroids.
fn data_and_init_fit(data: ArrayView2<'_, f64>, init: &Init<'_>) -> Result<()> {
    let (n_rows, n_features) = data.dim();
    values_fit("data", data, n_rows, n_features)?;
    if let Init::Centroids(centroids) = init {
        values_fit("init", *centroids, n_rows, n_features)?;
    }
    Ok(())
}

/// The from-scratch k-means, with the checks on values too large for float64: the
/// centroids given as `init` up front (they are few), the data after the fit (a
/// non-finite inertia can only come from squared distances that overflowed, since NaN
/// and infinity are rejected first), which costs no extra pass over the data.
fn scratch_fit(
    data: ArrayView2<'_, f64>,
    init: &Init<'_>,
    options: &Options,
    algorithm: Algorithm,
) -> Result<kmeans::KMeansFit> {
    if let Init::Centroids(centroids) = init {
        values_fit("init", *centroids, data.nrows(), data.ncols())?;
    }
    let fit = match algorithm {
        Algorithm::Lloyd => kmeans::fit(data, init, options)?,
        Algorithm::Hamerly => kmeans::fit_with_bounds(data, init, options)?,
    };
    if !fit.inertia.is_finite() || fit.centroids.iter().any(|v| !v.is_finite()) {
        return Err(Error::value(format!(
            "data holds values too large for k-means in float64: with {} rows of {} \
             features the squared distances overflow; rescale the data (e.g. divide by \
             its standard deviation)",
            data.nrows(),
            data.ncols()
        )));
    }
    Ok(fit)
}

/// Everything a k-means call needs, checked. `data` is the caller's array, read in
/// place (the from-scratch core never panics, whatever the values, even if another
/// thread writes to the array meanwhile); linfa gets a copy (see `py_kmeans_linfa`).
struct KMeansCall<'py> {
    data: PyReadonlyArray2<'py, f64>,
    init: InitArg,
    options: Options,
}

fn kmeans_call<'py>(
    data: PyReadonlyArray2<'py, f64>,
    n_clusters: i64,
    max_iter: i64,
    tol: f64,
    init: Option<&Bound<'py, PyAny>>,
    seed: Option<i128>,
) -> PyResult<KMeansCall<'py>> {
    let options = Options {
        n_clusters: positive(n_clusters, "n_clusters")?,
        max_iter: positive(max_iter, "max_iter")?,
        tol,
        seed: seed_arg(seed)?,
    };
    let init = init_arg(init)?;
    Ok(KMeansCall {
        data,
        init,
        options,
    })
}

/// `(centroids, labels)` as returned by `kmeans_alamano`.
type CentroidsAndLabels<'py> = (Bound<'py, PyArray2<f64>>, Bound<'py, PyArray1<i64>>);
/// The result of `kmeans` and `kmeans_linfa`.
#[pyclass(frozen, module = "ml_demos_rs")]
pub struct KMeansResult {
    /// `(n_clusters, n_features)` float64: the centre of each cluster.
    #[pyo3(get)]
    centroids: Py<PyArray2<f64>>,
    /// `(n_samples,)` int64: the cluster of each row.
    #[pyo3(get)]
    labels: Py<PyArray1<i64>>,
    /// Sum of the squared distances from each row to its centroid.
    #[pyo3(get)]
    inertia: f64,
    /// Iterations run; `None` when the library does not report it (linfa).
    #[pyo3(get)]
    n_iter: Option<usize>,
}

#[pymethods]
impl KMeansResult {
    fn __repr__(&self, py: Python<'_>) -> String {
        let centroids = self.centroids.bind(py);
        let (k, d) = (centroids.shape()[0], centroids.shape()[1]);
        let n_iter = self
            .n_iter
            .map_or_else(|| "None".to_string(), |n| n.to_string());
        format!(
            "KMeansResult(centroids=<{k}x{d} array>, labels=<{} labels>, inertia={}, n_iter={n_iter})",
            self.labels.bind(py).len(),
            self.inertia
        )
    }
}

/// k-means (Lloyd's algorithm), the workshop's original signature.
///
/// `data` is a 2-D float64 array `(n_samples, n_features)`; `init` is `"kmeans++"`,
/// `"random"` or a `(n_clusters, n_features)` float64 array of initial centroids.
/// Returns `(centroids, labels)`: `(n_clusters, n_features)` float64 and
/// `(n_samples,)` int64. `tol = 0` runs until no label changes.
#[pyfunction]
#[pyo3(
    signature = (data, n_clusters, max_iter=300, tol=1e-6, init=None, seed=None),
    text_signature = "(data, n_clusters, max_iter=300, tol=1e-6, init='kmeans++', seed=None)"
)]
pub fn kmeans_alamano<'py>(
    py: Python<'py>,
    #[pyo3(from_py_with = data_arg)] data: PyReadonlyArray2<'py, f64>,
    #[pyo3(from_py_with = n_clusters_arg)] n_clusters: i64,
    #[pyo3(from_py_with = max_iter_arg)] max_iter: i64,
    #[pyo3(from_py_with = tol_arg)] tol: f64,
    init: Option<&Bound<'py, PyAny>>,
    #[pyo3(from_py_with = seed_value_arg)] seed: Option<i128>,
) -> PyResult<CentroidsAndLabels<'py>> {
    let call = kmeans_call(data, n_clusters, max_iter, tol, init, seed)?;
    let (view, init) = (call.data.as_array(), call.init.as_init());
    let fit = py.detach(|| scratch_fit(view, &init, &call.options, Algorithm::Lloyd))?;
    Ok((fit.centroids.into_pyarray(py), fit.labels.into_pyarray(py)))
}

/// k-means (Lloyd's algorithm) written from scratch in Rust.
///
/// Same arguments as `kmeans_alamano` (keywords after `n_clusters`), and `algorithm`:
/// `"lloyd"` compares every row with every centroid in every iteration; `"hamerly"`
/// keeps two bounds per row and skips the comparisons they prove useless (the same
/// labels, centroids and iterations, usually much faster once few labels change).
/// Returns a `KMeansResult` with `centroids`, `labels`, `inertia` and `n_iter`.
#[pyfunction(name = "kmeans")]
#[pyo3(
    signature = (data, n_clusters, *, init=None, max_iter=300, tol=1e-6, seed=None, algorithm=None),
    text_signature = "(data, n_clusters, *, init='kmeans++', max_iter=300, tol=1e-6, seed=None, algorithm='lloyd')"
)]
#[allow(clippy::too_many_arguments)] // the Python signature: keywords with defaults
pub fn py_kmeans<'py>(
    py: Python<'py>,
    #[pyo3(from_py_with = data_arg)] data: PyReadonlyArray2<'py, f64>,
    #[pyo3(from_py_with = n_clusters_arg)] n_clusters: i64,
    init: Option<&Bound<'py, PyAny>>,
    #[pyo3(from_py_with = max_iter_arg)] max_iter: i64,
    #[pyo3(from_py_with = tol_arg)] tol: f64,
    #[pyo3(from_py_with = seed_value_arg)] seed: Option<i128>,
    algorithm: Option<&Bound<'py, PyAny>>,
) -> PyResult<KMeansResult> {
    let algorithm = algorithm_arg(algorithm)?;
    let call = kmeans_call(data, n_clusters, max_iter, tol, init, seed)?;
    let (view, init) = (call.data.as_array(), call.init.as_init());
    let fit = py.detach(|| scratch_fit(view, &init, &call.options, algorithm))?;
    Ok(KMeansResult {
        centroids: fit.centroids.into_pyarray(py).unbind(),
        labels: fit.labels.into_pyarray(py).unbind(),
        inertia: fit.inertia,
        n_iter: Some(fit.n_iter),
    })
}

/// k-means by the linfa library (`linfa-clustering`), for comparison.
///
/// Same arguments and result as `kmeans`, except that `n_iter` is `None`: linfa does
/// not report it. linfa's update step counts the old centroid as one more point, so
/// its centroids approach Lloyd's means a little more slowly.
#[pyfunction(name = "kmeans_linfa")]
#[pyo3(
    signature = (data, n_clusters, *, init=None, max_iter=300, tol=1e-6, seed=None),
    text_signature = "(data, n_clusters, *, init='kmeans++', max_iter=300, tol=1e-6, seed=None)"
)]
pub fn py_kmeans_linfa<'py>(
    py: Python<'py>,
    #[pyo3(from_py_with = data_arg)] data: PyReadonlyArray2<'py, f64>,
    #[pyo3(from_py_with = n_clusters_arg)] n_clusters: i64,
    init: Option<&Bound<'py, PyAny>>,
    #[pyo3(from_py_with = max_iter_arg)] max_iter: i64,
    #[pyo3(from_py_with = tol_arg)] tol: f64,
    #[pyo3(from_py_with = seed_value_arg)] seed: Option<i128>,
) -> PyResult<KMeansResult> {
    let call = kmeans_call(data, n_clusters, max_iter, tol, init, seed)?;
    // linfa panics on values whose squared distances overflow: check a copy, so that
    // no other thread can change the values between the check and the fit.
    let data = owned_copy(&call.data);
    let (view, init) = (data.view(), call.init.as_init());
    let fit = py.detach(|| {
        data_and_init_fit(view, &init)?;
        kmeans_linfa::fit(view, &init, &call.options)
    })?;
    Ok(KMeansResult {
        centroids: fit.centroids.into_pyarray(py).unbind(),
        labels: fit.labels.into_pyarray(py).unbind(),
        inertia: fit.inertia,
        n_iter: None,
    })
}
