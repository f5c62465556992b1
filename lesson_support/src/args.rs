//! Reading Python arguments with errors that say what was expected.
//!
//! Every lesson's wrappers turn a wrong argument into a `TypeError` or `ValueError`
//! that names the argument and what it should have been. The pieces used by several
//! lessons live here, once; a lesson's own checks stay in the lesson.

use numpy::PyUntypedArray;
use pyo3::exceptions::{PyOverflowError, PyValueError};
use pyo3::prelude::*;

/// The Python type name of `obj` (`"list"`, `"ndarray"`, ...), for error messages.
pub fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|name| name.to_string())
        .unwrap_or_else(|_| "object".to_string())
}

/// `obj` as a NumPy array of any dtype and shape, or a `TypeError` saying that `name`
/// should have been `expected` (a NumPy array).
pub fn numpy_array<'a, 'py>(
    obj: &'a Bound<'py, PyAny>,
    name: &str,
    expected: &str,
) -> PyResult<&'a Bound<'py, PyUntypedArray>> {
    obj.cast::<PyUntypedArray>().map_err(|_| {
        pyo3::exceptions::PyTypeError::new_err(format!(
            "{name} must be {expected} (a NumPy array), got {}",
            type_name(obj)
        ))
    })
}

/// PyO3 turns a Python int too big for the Rust type into an `OverflowError`, which is
/// neither a `TypeError` nor a `ValueError` and does not say what was expected: this
/// makes it a `ValueError` naming the argument. Any other error (a `TypeError` for a
/// string, ...) is passed on unchanged.
pub fn out_of_range(obj: &Bound<'_, PyAny>, name: &str, expected: &str, err: PyErr) -> PyErr {
    if err.is_instance_of::<PyOverflowError>(obj.py()) {
        let text = obj.str().map(|s| s.to_string()).unwrap_or_default();
        let shown = if text.chars().count() > 30 {
            let start: String = text.chars().take(20).collect();
            format!("{start}... ({} characters)", text.chars().count())
        } else {
            text
        };
        PyValueError::new_err(format!("{name} must be {expected}, got {shown}"))
    } else {
        err
    }
}

/// An integer argument (for `#[pyo3(from_py_with = ...)]` readers).
pub fn int_arg(obj: &Bound<'_, PyAny>, name: &str, expected: &str) -> PyResult<i64> {
    obj.extract::<i64>()
        .map_err(|err| out_of_range(obj, name, expected, err))
}

/// A float argument (for `#[pyo3(from_py_with = ...)]` readers).
pub fn float_arg(obj: &Bound<'_, PyAny>, name: &str, expected: &str) -> PyResult<f64> {
    obj.extract::<f64>()
        .map_err(|err| out_of_range(obj, name, expected, err))
}

/// The `seed` argument as Python gave it: `None` or any integer (range checked by
/// [`seed_arg`], so that a negative seed gets the same message as a huge one).
pub fn seed_value_arg(obj: &Bound<'_, PyAny>) -> PyResult<Option<i128>> {
    if obj.is_none() {
        return Ok(None);
    }
    obj.extract::<i128>()
        .map(Some)
        .map_err(|err| out_of_range(obj, "seed", "None or an integer in [0, 2**64)", err))
}

/// The `seed` argument: `None` or an integer in `[0, 2**64)`.
pub fn seed_arg(seed: Option<i128>) -> PyResult<Option<u64>> {
    seed.map(|value| {
        u64::try_from(value).map_err(|_| {
            PyValueError::new_err(format!(
                "seed must be None or an integer in [0, 2**64), got {value}"
            ))
        })
    })
    .transpose()
}
