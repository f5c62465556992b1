//! Input checks and error wording of the inference lesson, out of the way of the
//! engine code: every wrapper calls them in one line.
//!
//! Bad input becomes a Python `TypeError` (wrong type or dtype) or `ValueError` (wrong
//! shape, sizes, NaN, empty) that names the argument and says what was expected; a
//! model file that is missing is a `FileNotFoundError`, one that cannot be read as a
//! model a `ValueError`, both naming the file.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use numpy::{
    PyArray1, PyArray2, PyArrayMethods, PyReadonlyArray2, PyUntypedArray, PyUntypedArrayMethods,
};
use pyo3::exceptions::{PyFileNotFoundError, PyNotImplementedError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PySequence;

use crate::scratch::ForwardError;

pub fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|name| name.to_string())
        .unwrap_or_else(|_| "an unknown type".to_owned())
}

fn shape_text(shape: &[usize]) -> String {
    match shape {
        [n] => format!("({n},)"),
        _ => {
            let parts: Vec<String> = shape.iter().map(|n| n.to_string()).collect();
            format!("({})", parts.join(", "))
        }
    }
}

/// `X` as a 2-D float32 array of `n_features` columns and at least one row.
pub fn images<'py>(
    obj: &Bound<'py, PyAny>,
    n_features: usize,
) -> PyResult<PyReadonlyArray2<'py, f32>> {
    let Ok(untyped) = obj.cast::<PyUntypedArray>() else {
        return Err(PyTypeError::new_err(format!(
            "X must be a NumPy array of float32 with shape (n_images, {n_features}), got {}",
            type_name(obj)
        )));
    };
    let shape = untyped.shape();
    if shape.len() != 2 {
        let hint = if shape.len() == 1 {
            " (for one image, pass x.reshape(1, -1))"
        } else {
            ""
        };
        return Err(PyValueError::new_err(format!(
            "X must be 2-D with shape (n_images, {n_features}), got shape {}{hint}",
            shape_text(shape)
        )));
    }
    let Ok(array) = obj.cast::<PyArray2<f32>>() else {
        return Err(PyTypeError::new_err(format!(
            "X must have dtype float32 (the models compute in float32; use X.astype(np.float32)), got {}",
            untyped.dtype()
        )));
    };
    if shape[1] != n_features {
        return Err(PyValueError::new_err(format!(
            "X must have {n_features} features per image (the model's input size), got shape {}",
            shape_text(shape)
        )));
    }
    if shape[0] == 0 {
        return Err(PyValueError::new_err(format!(
            "X must hold at least one image, got shape {}",
            shape_text(shape)
        )));
    }
    Ok(array.try_readonly()?)
}

/// The values of a checked `X`, row after row: the array's own memory when it is
/// contiguous, a copy otherwise (a slice `X[:, ::2]`, a transposed array...).
pub fn pixels<'a>(array: &'a PyReadonlyArray2<'_, f32>) -> Cow<'a, [f32]> {
    // `as_slice` also accepts a Fortran-ordered array (contiguous, but column after
    // column): only a C-ordered one has its rows one after the other.
    match array.as_slice() {
        Ok(slice) if array.is_c_contiguous() => Cow::Borrowed(slice),
        _ => Cow::Owned(array.as_array().iter().copied().collect()),
    }
}

/// `Ok` when every value is finite, else the row of the first bad one (for the engines
/// that do not check their input themselves; run with the GIL released).
pub fn finite_rows(values: &[f32], n_features: usize) -> Result<(), String> {
    match values.iter().position(|v| !v.is_finite()) {
        None => Ok(()),
        Some(i) => Err(format!(
            "X[{}] holds NaN or infinity: the models need finite numbers",
            i / n_features
        )),
    }
}

/// A 1-D float32 or float64 array (as scikit-learn stores its fitted values) as float32.
pub fn vector(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<f32>> {
    if let Ok(array) = obj.cast::<PyArray1<f32>>() {
        return Ok(array.try_readonly()?.as_array().to_vec());
    }
    if let Ok(array) = obj.cast::<PyArray1<f64>>() {
        return Ok(array
            .try_readonly()?
            .as_array()
            .iter()
            .map(|v| *v as f32)
            .collect());
    }
    Err(not_an_array(obj, what, 1))
}

/// A 2-D float32 or float64 array as float32 values row after row, with its shape.
pub fn matrix(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<(Vec<f32>, usize, usize)> {
    if let Ok(array) = obj.cast::<PyArray2<f32>>() {
        let array = array.try_readonly()?;
        let (rows, cols) = array.as_array().dim();
        return Ok((array.as_array().iter().copied().collect(), rows, cols));
    }
    if let Ok(array) = obj.cast::<PyArray2<f64>>() {
        let array = array.try_readonly()?;
        let (rows, cols) = array.as_array().dim();
        let values = array.as_array().iter().map(|v| *v as f32).collect();
        return Ok((values, rows, cols));
    }
    Err(not_an_array(obj, what, 2))
}

fn not_an_array(obj: &Bound<'_, PyAny>, what: &str, ndim: usize) -> PyErr {
    match obj.cast::<PyUntypedArray>() {
        Err(_) => PyTypeError::new_err(format!(
            "{what} must be a {ndim}-D NumPy array of float32 or float64, got {}",
            type_name(obj)
        )),
        Ok(untyped) if untyped.ndim() != ndim => PyValueError::new_err(format!(
            "{what} must be a {ndim}-D array, got shape {}",
            shape_text(untyped.shape())
        )),
        Ok(untyped) => PyTypeError::new_err(format!(
            "{what} must have dtype float32 or float64, got {}",
            untyped.dtype()
        )),
    }
}

/// A list (or tuple) argument, such as `coefs`, as its items.
pub fn sequence<'py>(obj: &Bound<'py, PyAny>, what: &str) -> PyResult<Vec<Bound<'py, PyAny>>> {
    let items = obj
        .cast::<PySequence>()
        .ok()
        .filter(|_| {
            obj.cast::<PyUntypedArray>().is_err() && !obj.is_instance_of::<pyo3::types::PyString>()
        })
        .ok_or_else(|| {
            PyTypeError::new_err(format!(
                "{what} must be a list of NumPy arrays (one per layer), got {}",
                type_name(obj)
            ))
        })?;
    items.try_iter()?.collect()
}

/// The path of a model file: it must exist and be a file.
pub fn model_path(path: PathBuf) -> PyResult<PathBuf> {
    if !path.exists() {
        return Err(PyFileNotFoundError::new_err(format!(
            "no ONNX model file at {}",
            path.display()
        )));
    }
    if !path.is_file() {
        return Err(PyValueError::new_err(format!(
            "{} is not a file (an ONNX model file was expected)",
            path.display()
        )));
    }
    Ok(path)
}

/// A model file that could not be loaded: a `ValueError` naming the file and the cause.
pub fn unreadable_model(path: &Path, engine: &str, cause: impl std::fmt::Display) -> PyErr {
    PyValueError::new_err(format!(
        "{engine} cannot run {} as a scikit-learn classifier exported to ONNX: {cause}",
        path.display()
    ))
}

/// The most threads an engine may be given (more than any machine of the workshop has).
const MAX_THREADS: i128 = 1024;

/// Reads the `threads` argument (with `#[pyo3(from_py_with = checks::threads_arg)]`): an
/// integer from 1 to 1024, or None. Any integer is read first, so that `10**30` is a
/// `ValueError` naming `threads` rather than PyO3's bare `OverflowError`.
pub fn threads_arg(obj: &Bound<'_, PyAny>) -> PyResult<Option<usize>> {
    if obj.is_none() {
        return Ok(None);
    }
    if obj.is_instance_of::<pyo3::types::PyBool>() {
        return Err(PyTypeError::new_err(
            "threads must be an integer or None, got bool",
        ));
    }
    let n: i128 = match obj.extract() {
        Ok(n) => n,
        Err(err) if err.is_instance_of::<pyo3::exceptions::PyOverflowError>(obj.py()) => i128::MAX,
        Err(_) => {
            return Err(PyTypeError::new_err(format!(
                "threads must be an integer or None, got {}",
                type_name(obj)
            )))
        }
    };
    if !(1..=MAX_THREADS).contains(&n) {
        return Err(PyValueError::new_err(format!(
            "threads must be from 1 to {MAX_THREADS} (or None: as many as rayon's pool), got {}",
            obj.str().map(|s| s.to_string()).unwrap_or_default()
        )));
    }
    Ok(Some(n as usize))
}

/// The number of threads an engine uses: `threads`, or as many as the scratch engine's
/// rayon pool (one per core, or `RAYON_NUM_THREADS`, which the benchmarks pin).
pub fn thread_count(threads: Option<usize>) -> usize {
    threads.unwrap_or_else(rayon::current_num_threads)
}

/// A scratch-engine error as a Python exception.
pub fn forward_error(err: ForwardError) -> PyErr {
    match err {
        ForwardError::Invalid(message) => PyValueError::new_err(message),
        ForwardError::Unfinished(message) => PyNotImplementedError::new_err(message),
    }
}
