//! Stage v2: the `Polygon` class itself is written in Rust.
//!
//! In v1 most of the time went into asking Python for `poly.center`. Now the
//! polygon is a Rust struct exposed to Python with `#[pyclass]`: Rust reads its
//! fields directly, and Python still sees `x`, `y` and `center` as NumPy arrays.
//! `subclass` lets `poly_match_v2.py` add the `area` property in Python.

use ndarray::{Array1, ArrayView1};
use ndarray_linalg::Norm;
use numpy::{PyArray1, PyArrayMethods, ToPyArray};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::checks;

/// A polygon given by the coordinates of its vertices, with its centre (the mean vertex).
#[pyclass(subclass, module = "poly_match_rs.v2")]
pub struct Polygon {
    x: Array1<f64>,
    y: Array1<f64>,
    center: Array1<f64>,
}

/// The mean of the values (the caller makes sure there is at least one).
fn mean(values: &Array1<f64>) -> PyResult<f64> {
    values
        .mean()
        .ok_or_else(|| PyValueError::new_err("cannot take the mean of no values"))
}

#[pymethods]
impl Polygon {
    /// `Polygon(x, y)`: `x` and `y` are float64 NumPy arrays of the same length
    /// (at least 3), one entry per vertex. They are copied.
    #[new]
    fn new(x: &Bound<'_, PyAny>, y: &Bound<'_, PyAny>) -> PyResult<Self> {
        // exercise: poly_match_v2 hard: check and copy x and y, compute the centre and build the Polygon
        let (x, y) = checks::polygon_coordinates(x, y)?;
        // exercise: poly_match_v2 intermediate: the centre is the array [mean of x, mean of y]
        let center = Array1::from_vec(vec![mean(&x)?, mean(&y)?]);
        // stub:
        // let center: Array1<f64> = todo_exercise!("poly_match_v2", "compute the centre");
        // end exercise: poly_match_v2 intermediate
        Ok(Polygon { x, y, center })
        // stub:
        // todo_exercise!("poly_match_v2", "build the Polygon")
        // end exercise: poly_match_v2 hard
    }

    /// The x coordinates of the vertices (a copy, as a NumPy array).
    #[getter]
    fn x<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyArray1<f64>>> {
        // exercise: poly_match_v2 easy: return the field as a new NumPy array
        Ok(self.x.to_pyarray(py))
        // stub:
        // todo_exercise!("poly_match_v2", "return `x` as a NumPy array")
        // end exercise: poly_match_v2 easy
    }

    /// The y coordinates of the vertices (a copy, as a NumPy array).
    #[getter]
    fn y<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyArray1<f64>>> {
        // exercise: poly_match_v2 easy: return the field as a new NumPy array
        Ok(self.y.to_pyarray(py))
        // stub:
        // todo_exercise!("poly_match_v2", "return `y` as a NumPy array")
        // end exercise: poly_match_v2 easy
    }

    /// The centre `[mean x, mean y]` (a copy, as a NumPy array).
    #[getter]
    fn center<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyArray1<f64>>> {
        // exercise: poly_match_v2 easy: return the field as a new NumPy array
        Ok(self.center.to_pyarray(py))
        // stub:
        // todo_exercise!("poly_match_v2", "return `center` as a NumPy array")
        // end exercise: poly_match_v2 easy
    }

    fn __repr__(&self) -> String {
        polygon_repr(&self.center, self.x.len())
    }
}

fn polygon_repr(center: &Array1<f64>, vertices: usize) -> String {
    let coords: Vec<String> = center.iter().map(|c| format!("{c}")).collect();
    format!(
        "Polygon(center=({}), vertices={vertices})",
        coords.join(", ")
    )
}

/// The Euclidean distance between a polygon's centre and a point.
pub fn center_distance(center: Array1<f64>, point: ArrayView1<'_, f64>) -> PyResult<f64> {
    // exercise: poly_match_v2 intermediate: subtract the point from the centre and take the norm of the difference
    Ok((center - point).norm())
    // stub:
    // todo_exercise!("poly_match_v2", "subtract the point from the centre and take the norm")
    // end exercise: poly_match_v2 intermediate
}

/// The polygons (`poly_match_rs.v2.Polygon`, or subclasses) whose centre lies
/// closer than `max_dist` to `point`, in input order.
#[pyfunction]
pub fn find_close_polygons<'py>(
    polygons: Vec<Bound<'py, PyAny>>,
    point: &Bound<'py, PyAny>,
    #[pyo3(from_py_with = checks::max_dist_arg)] max_dist: f64,
) -> PyResult<Vec<Bound<'py, PyAny>>> {
    // exercise: poly_match_v2 hard: check the input (see checks.rs), then keep the polygons whose centre is closer than `max_dist` to the point
    checks::not_empty(polygons.len(), "polygons")?;
    let max_dist = checks::max_distance(max_dist)?;
    let point = checks::point_array(point, "point")?;
    let point = point
        .try_readonly()
        .map_err(|err| PyValueError::new_err(format!("point: {err}")))?;
    let point = point.as_array();

    let mut close_polygons = Vec::new();
    for (index, poly) in polygons.into_iter().enumerate() {
        // exercise: poly_match_v2 intermediate: borrow the Rust Polygon behind `poly` and copy its centre
        let polygon = poly
            .cast::<Polygon>()
            .map_err(|_| checks::not_a_polygon(&poly, index, "poly_match_rs.v2.Polygon"))?;
        // `try_borrow` gives read access to the Rust struct (an error, not a
        // panic, if something were writing to it at the same time).
        let center = polygon.try_borrow()?.center.to_owned();
        // stub:
        // let center: Array1<f64> = todo_exercise!("poly_match_v2", "read the centre of the Rust Polygon");
        // end exercise: poly_match_v2 intermediate

        if center_distance(center, point)? < max_dist {
            close_polygons.push(poly);
        }
    }
    Ok(close_polygons)
    // stub:
    // todo_exercise!("poly_match_v2", "keep the polygons whose centre is closer than max_dist")
    // end exercise: poly_match_v2 hard
}

/// Stage v2: `Polygon` is a Rust class (subclassable from Python) and
/// `find_close_polygons` reads its centre without calling into Python.
#[pymodule(submodule)]
pub mod v2 {
    #[pymodule_export]
    use super::{find_close_polygons, Polygon};
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn distance_is_euclidean() {
        let distance = center_distance(array![3.0, 4.0], array![0.0, 0.0].view()).unwrap();
        assert_eq!(distance, 5.0);
    }

    #[test]
    fn mean_of_vertices_is_the_centre() {
        assert_eq!(mean(&array![0.0, 1.0, 1.0, 0.0]).unwrap(), 0.5);
        assert!(mean(&Array1::zeros(0)).is_err());
    }
}
