//! Input checks shared by every stage.
//!
//! They turn bad input into a Python `TypeError` or `ValueError` that names the
//! argument and says what was expected, before any number is read, so that no
//! Rust panic can reach Python. They are not what the lesson is about: the stage
//! files call them in one line each, and a diff of two stages shows only the
//! lesson's change.

use std::fmt::Display;

use ndarray::Array1;
use numpy::{PyArray1, PyArrayMethods, PyUntypedArray, PyUntypedArrayMethods};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyList, PySequence, PyString};

/// The smallest number of vertices a polygon can have.
pub const MIN_VERTICES: usize = 3;

/// `(1, 2)` for a shape `[1, 2]`, `(3,)` for `[3]`: the way NumPy prints shapes.
fn shape_text(shape: &[usize]) -> String {
    match shape {
        [n] => format!("({n},)"),
        _ => {
            let parts: Vec<String> = shape.iter().map(|n| n.to_string()).collect();
            format!("({})", parts.join(", "))
        }
    }
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|name| name.to_string())
        .unwrap_or_else(|_| "an unknown type".to_owned())
}

/// `obj` as a 1-D float64 NumPy array, or a clear error naming `what`.
pub fn float_vector<'py>(
    obj: &Bound<'py, PyAny>,
    what: impl Display,
) -> PyResult<Bound<'py, PyArray1<f64>>> {
    match obj.cast::<PyArray1<f64>>() {
        Ok(array) => Ok(array.clone()),
        Err(_) => Err(not_a_float_vector(obj, what)),
    }
}

/// Why `obj` is not a 1-D float64 NumPy array (only worked out on the error path).
fn not_a_float_vector(obj: &Bound<'_, PyAny>, what: impl Display) -> PyErr {
    let Ok(untyped) = obj.cast::<PyUntypedArray>() else {
        return PyTypeError::new_err(format!(
            "{what} must be a NumPy array of float64, got {}",
            type_name(obj)
        ));
    };
    if untyped.ndim() != 1 {
        return PyValueError::new_err(format!(
            "{what} must be a 1-D array, got shape {}",
            shape_text(untyped.shape())
        ));
    }
    PyTypeError::new_err(format!(
        "{what} must have dtype float64, got {}",
        untyped.dtype()
    ))
}

/// `obj` as a point: a 1-D float64 NumPy array holding two finite numbers (x, y).
pub fn point_array<'py>(
    obj: &Bound<'py, PyAny>,
    what: impl Display,
) -> PyResult<Bound<'py, PyArray1<f64>>> {
    let array = float_vector(obj, &what)?;
    if array.len() != 2 {
        return Err(PyValueError::new_err(format!(
            "{what} must hold 2 numbers (x, y), got shape {}",
            shape_text(array.shape())
        )));
    }
    for value in [array.get_owned(0), array.get_owned(1)] {
        if !value.is_some_and(f64::is_finite) {
            return Err(PyValueError::new_err(format!(
                "{what} must hold finite numbers, got {}",
                array.str().map(|s| s.to_string()).unwrap_or_default()
            )));
        }
    }
    Ok(array)
}

/// `obj` as the two coordinates of a point (see [`point_array`]).
pub fn point_xy(obj: &Bound<'_, PyAny>, what: impl Display) -> PyResult<[f64; 2]> {
    let array = point_array(obj, &what)?;
    match (array.get_owned(0), array.get_owned(1)) {
        (Some(x), Some(y)) => Ok([x, y]),
        _ => Err(PyValueError::new_err(format!("{what} must hold 2 numbers"))),
    }
}

/// Reads the `max_dist` argument (with `#[pyo3(from_py_with = checks::max_dist_arg)]`).
/// PyO3 alone turns a Python int too big for a float64 (`10**400`) into an
/// `OverflowError` that names nothing; here it is a `ValueError` naming `max_dist`.
/// A wrong type (a string, ...) stays PyO3's `TypeError`.
pub fn max_dist_arg(obj: &Bound<'_, PyAny>) -> PyResult<f64> {
    obj.extract::<f64>().map_err(|err| {
        if err.is_instance_of::<pyo3::exceptions::PyOverflowError>(obj.py()) {
            PyValueError::new_err(format!(
                "max_dist must be a positive finite number, got an integer too large for a float64 ({err})"
            ))
        } else {
            err
        }
    })
}

/// The largest distance between a point and a polygon's centre: positive and
/// finite, and not so small or large that its square (used by v4 and v5, which
/// compare squared distances) would underflow or overflow a float64.
pub fn max_distance(max_dist: f64) -> PyResult<f64> {
    if !(max_dist.is_finite() && max_dist > 0.0) {
        return Err(PyValueError::new_err(format!(
            "max_dist must be a positive finite number, got {max_dist}"
        )));
    }
    if !(max_dist * max_dist).is_normal() {
        return Err(PyValueError::new_err(format!(
            "max_dist must be between about 1e-154 and 1e154 (its square must fit in a float64), got {max_dist}"
        )));
    }
    Ok(max_dist)
}

/// `obj` as a non-empty Python list: a list is used as it is (no copy), any
/// other sequence (a tuple, ...) is copied into a new list. Reading a list's
/// items directly is cheaper than converting it into a Rust `Vec` first.
pub fn non_empty_list<'py>(obj: &Bound<'py, PyAny>, what: &str) -> PyResult<Bound<'py, PyList>> {
    let list = if let Ok(list) = obj.cast::<PyList>() {
        list.clone()
    } else if obj.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(format!(
            "{what} must be a list, got str"
        )));
    } else if let Ok(sequence) = obj.cast::<PySequence>() {
        sequence.to_list()?
    } else {
        return Err(PyTypeError::new_err(format!(
            "{what} must be a list, got {}",
            type_name(obj)
        )));
    };
    not_empty(list.len(), what)?;
    Ok(list)
}

/// An error unless a list argument has at least one element.
pub fn not_empty(len: usize, what: &str) -> PyResult<()> {
    if len == 0 {
        Err(PyValueError::new_err(format!("{what} must not be empty")))
    } else {
        Ok(())
    }
}

/// Owned copies of a polygon's vertex coordinates, after checking that `x` and
/// `y` are float64 vectors of the same length, with at least 3 finite values.
pub fn polygon_coordinates(
    x: &Bound<'_, PyAny>,
    y: &Bound<'_, PyAny>,
) -> PyResult<(Array1<f64>, Array1<f64>)> {
    let x = float_vector(x, "x")?;
    let y = float_vector(y, "y")?;
    if x.len() != y.len() {
        return Err(PyValueError::new_err(format!(
            "x and y must have the same length (one pair per vertex), got {} and {}",
            x.len(),
            y.len()
        )));
    }
    if x.len() < MIN_VERTICES {
        return Err(PyValueError::new_err(format!(
            "a polygon needs at least {MIN_VERTICES} vertices, got {}",
            x.len()
        )));
    }
    // `to_owned_array` copies, so the caller's arrays are never shared or modified.
    // A copy of a view with a negative stride (`x[::-1]`) keeps that stride, and
    // `as_slice` then finds no slice in it: `as_standard_layout` puts it in order.
    let x = x.to_owned_array().as_standard_layout().into_owned();
    let y = y.to_owned_array().as_standard_layout().into_owned();
    for (name, values) in [("x", &x), ("y", &y)] {
        if !values.iter().all(|v| v.is_finite()) {
            return Err(PyValueError::new_err(format!(
                "{name} must hold finite numbers (no NaN or infinity)"
            )));
        }
    }
    Ok((x, y))
}

/// The name of one element of a list argument in an error message:
/// `Item::new("points", 3)` reads `points[3]`, `Item::attribute("polygons", 2, "center")`
/// reads `polygons[2].center`. Formatting waits until an error needs the text,
/// so naming the element costs nothing when the input is fine.
#[derive(Clone, Copy)]
pub struct Item<'a> {
    list: &'a str,
    index: usize,
    attribute: Option<&'a str>,
}

impl<'a> Item<'a> {
    pub fn new(list: &'a str, index: usize) -> Self {
        Item {
            list,
            index,
            attribute: None,
        }
    }

    pub fn attribute(list: &'a str, index: usize, attribute: &'a str) -> Self {
        Item {
            list,
            index,
            attribute: Some(attribute),
        }
    }
}

impl Display for Item<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}[{}]", self.list, self.index)?;
        if let Some(attribute) = self.attribute {
            write!(f, ".{attribute}")?;
        }
        Ok(())
    }
}

/// A `TypeError` saying that `polygons[index]` is not an instance of `class`.
pub fn not_a_polygon(obj: &Bound<'_, PyAny>, index: usize, class: &str) -> PyErr {
    PyTypeError::new_err(format!(
        "polygons[{index}] must be a {class}, got {}",
        type_name(obj)
    ))
}

/// The error for an object of `polygons` without a `center` attribute: a
/// `TypeError` (the object is not a polygon) instead of Python's `AttributeError`.
/// Any other error raised while reading the attribute is passed on unchanged.
pub fn missing_center(obj: &Bound<'_, PyAny>, index: usize, err: PyErr) -> PyErr {
    if err.is_instance_of::<pyo3::exceptions::PyAttributeError>(obj.py()) {
        PyTypeError::new_err(format!(
            "polygons[{index}] must be a polygon with a `center` attribute, got {} ({err})",
            type_name(obj)
        ))
    } else {
        err
    }
}
