//! The Python face of the stratified splits: thin `#[pyfunction]` wrappers over
//! `stratified.rs`. They check the labels (any integer dtype; int64 and int32 are read
//! in place, others converted), release the GIL while the core runs and return NumPy
//! index arrays; the caller's arrays are never modified.

use crate::stratified;
use lesson_support::args::{float_arg, int_arg, numpy_array, seed_arg, seed_value_arg};
use lesson_support::random::rng_from_seed;
use numpy::{
    dtype, IntoPyArray, PyArray1, PyArrayDescrMethods, PyArrayMethods, PyReadonlyArray1,
    PyUntypedArrayMethods,
};
use pyo3::exceptions::{PyTypeError, PyUserWarning, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::ffi::CString;

/// Integer class labels, borrowed as they are (int64, int32) or converted to int64.
pub enum Labels<'py> {
    I64(PyReadonlyArray1<'py, i64>),
    I32(PyReadonlyArray1<'py, i32>),
}

/// Read `y`: a 1-D array of integer class labels (bool and other integer dtypes are
/// converted to int64; floats, strings and objects are refused).
fn label_array<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Labels<'py>> {
    let py = obj.py();
    let array = numpy_array(obj, "y", "a 1-D array of integer class labels")?;
    if array.ndim() != 1 {
        return Err(PyValueError::new_err(format!(
            "y must be a 1-D array of class labels, got a {}-D array of shape {:?}",
            array.ndim(),
            array.shape()
        )));
    }
    let found = array.dtype();
    if found.is_equiv_to(&dtype::<i64>(py)) {
        return Ok(Labels::I64(
            obj.cast::<PyArray1<i64>>()?
                .try_readonly()
                .map_err(|err| PyValueError::new_err(format!("y cannot be read: {err}")))?,
        ));
    }
    if found.is_equiv_to(&dtype::<i32>(py)) {
        return Ok(Labels::I32(
            obj.cast::<PyArray1<i32>>()?
                .try_readonly()
                .map_err(|err| PyValueError::new_err(format!("y cannot be read: {err}")))?,
        ));
    }
    let refused = || {
        PyTypeError::new_err(format!(
            "y must hold integer class labels (a dtype that fits in int64), got dtype {found}; \
             encode other labels first, e.g. with np.unique(y, return_inverse=True)"
        ))
    };
    if !matches!(found.kind(), b'i' | b'u' | b'b') {
        return Err(refused());
    }
    // Other integer widths: an exact (`safe`) conversion to int64, or a TypeError.
    let kwargs = PyDict::new(py);
    kwargs.set_item("casting", "safe")?;
    let converted = obj
        .call_method("astype", ("int64",), Some(&kwargs))
        .map_err(|_| refused())?;
    Ok(Labels::I64(
        converted
            .cast::<PyArray1<i64>>()?
            .try_readonly()
            .map_err(|err| PyValueError::new_err(format!("y cannot be read: {err}")))?,
    ))
}

fn k_arg(obj: &Bound<'_, PyAny>) -> PyResult<i64> {
    int_arg(obj, "k", "an integer >= 2")
}

fn size_arg(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Option<f64>> {
    if obj.is_none() {
        return Ok(None);
    }
    float_arg(obj, name, "a fraction strictly between 0 and 1").map(Some)
}

fn test_size_arg(obj: &Bound<'_, PyAny>) -> PyResult<Option<f64>> {
    size_arg(obj, "test_size")
}

fn train_size_arg(obj: &Bound<'_, PyAny>) -> PyResult<Option<f64>> {
    size_arg(obj, "train_size")
}

/// `(train_idx, test_idx)` as returned by `stratified_train_test_indices`.
type TrainAndTest<'py> = (Bound<'py, PyArray1<i64>>, Bound<'py, PyArray1<i64>>);

/// Stratified train/test split: `(train_idx, test_idx)`, int64 row indices.
///
/// `y` holds integer class labels (any values, int32 or int64). `test_size` and
/// `train_size` are fractions in (0, 1); a size left as `None` is the rest. Each class
/// keeps its share in both parts, with scikit-learn's rounding rule.
#[pyfunction]
#[pyo3(
    signature = (y, test_size=Some(0.2), train_size=None, seed=None),
    text_signature = "(y, test_size=0.2, train_size=None, seed=None)"
)]
pub fn stratified_train_test_indices<'py>(
    py: Python<'py>,
    #[pyo3(from_py_with = label_array)] y: Labels<'py>,
    #[pyo3(from_py_with = test_size_arg)] test_size: Option<f64>,
    #[pyo3(from_py_with = train_size_arg)] train_size: Option<f64>,
    #[pyo3(from_py_with = seed_value_arg)] seed: Option<i128>,
) -> PyResult<TrainAndTest<'py>> {
    let mut rng = rng_from_seed(seed_arg(seed)?);
    let (train, test) = match &y {
        Labels::I64(y) => {
            let y = y.as_array();
            py.detach(|| stratified::train_test_indices(y, test_size, train_size, &mut rng))
        }
        Labels::I32(y) => {
            let y = y.as_array();
            py.detach(|| stratified::train_test_indices(y, test_size, train_size, &mut rng))
        }
    }?;
    Ok((train.into_pyarray(py), test.into_pyarray(py)))
}

/// Stratified k-fold: a list of `k` int64 arrays of row indices (the test rows of
/// each fold, increasing), disjoint and covering every row.
///
/// Per-class counts per fold follow scikit-learn's `StratifiedKFold`; which rows of a
/// class go to which fold is shuffled with `seed`.
#[pyfunction]
#[pyo3(signature = (y, k, seed=None))]
pub fn stratified_kfold_indices<'py>(
    py: Python<'py>,
    #[pyo3(from_py_with = label_array)] y: Labels<'py>,
    #[pyo3(from_py_with = k_arg)] k: i64,
    #[pyo3(from_py_with = seed_value_arg)] seed: Option<i128>,
) -> PyResult<Vec<Bound<'py, PyArray1<i64>>>> {
    let n_folds = usize::try_from(k)
        .map_err(|_| PyValueError::new_err(format!("k must be at least 2, got {k}")))?;
    let mut rng = rng_from_seed(seed_arg(seed)?);
    let folds = match &y {
        Labels::I64(y) => {
            let y = y.as_array();
            py.detach(|| stratified::kfold_indices(y, n_folds, &mut rng))
        }
        Labels::I32(y) => {
            let y = y.as_array();
            py.detach(|| stratified::kfold_indices(y, n_folds, &mut rng))
        }
    }?;
    if folds.smallest_class < n_folds {
        // scikit-learn warns here too: some folds get no sample of that class.
        let message = CString::new(format!(
            "The least populated class in y has only {} members, which is less than k={n_folds}.",
            folds.smallest_class
        ))?;
        PyErr::warn(py, &py.get_type::<PyUserWarning>(), &message, 1)?;
    }
    Ok(folds
        .folds
        .into_iter()
        .map(|fold| fold.into_pyarray(py))
        .collect())
}
