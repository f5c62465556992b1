//! Stage v3: the distance without a temporary array.
//!
//! v2 copied each centre (`to_owned`) only because `(center - point).norm()`
//! builds a new array: one heap allocation and one free per polygon and point.
//! A point has two coordinates, so the norm is short enough to write by hand,
//! reading the centre in place. `Polygon` is the same class as in v2 (the
//! exercise of this stage is the distance only).

use ndarray::{Array1, ArrayView1};
use ndarray_linalg::Scalar;
use numpy::{PyArray1, PyArrayMethods, ToPyArray};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::checks;

/// A polygon given by the coordinates of its vertices, with its centre (the mean vertex).
#[pyclass(subclass, module = "poly_match_rs.v3")]
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
        let (x, y) = checks::polygon_coordinates(x, y)?;
        let center = Array1::from_vec(vec![mean(&x)?, mean(&y)?]);
        Ok(Polygon { x, y, center })
    }

    /// The x coordinates of the vertices (a copy, as a NumPy array).
    #[getter]
    fn x<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyArray1<f64>>> {
        Ok(self.x.to_pyarray(py))
    }

    /// The y coordinates of the vertices (a copy, as a NumPy array).
    #[getter]
    fn y<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyArray1<f64>>> {
        Ok(self.y.to_pyarray(py))
    }

    /// The centre `[mean x, mean y]` (a copy, as a NumPy array).
    #[getter]
    fn center<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyArray1<f64>>> {
        Ok(self.center.to_pyarray(py))
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

/// The Euclidean distance between a polygon's centre and a point, both `[x, y]`.
///
/// The arrays are only read: no new array is made.
pub fn center_distance(center: &Array1<f64>, point: ArrayView1<'_, f64>) -> PyResult<f64> {
    // exercise: poly_match_v3 easy: write the norm by hand: the square root of dx² + dy²
    Ok(((center[0] - point[0]).square() + (center[1] - point[1]).square()).sqrt())
    // stub:
    // todo_exercise!("poly_match_v3", "write the distance by hand")
    // end exercise: poly_match_v3 easy
}

/// The polygons (`poly_match_rs.v3.Polygon`, or subclasses) whose centre lies
/// closer than `max_dist` to `point`, in input order.
#[pyfunction]
pub fn find_close_polygons<'py>(
    polygons: Vec<Bound<'py, PyAny>>,
    point: &Bound<'py, PyAny>,
    #[pyo3(from_py_with = checks::max_dist_arg)] max_dist: f64,
) -> PyResult<Vec<Bound<'py, PyAny>>> {
    // exercise: poly_match_v3 hard: check the input (see checks.rs), then keep the polygons whose centre is closer than `max_dist` to the point
    checks::not_empty(polygons.len(), "polygons")?;
    let max_dist = checks::max_distance(max_dist)?;
    let point = checks::point_array(point, "point")?;
    let point = point
        .try_readonly()
        .map_err(|err| PyValueError::new_err(format!("point: {err}")))?;
    let point = point.as_array();

    let mut close_polygons = Vec::new();
    for (index, poly) in polygons.into_iter().enumerate() {
        // exercise: poly_match_v3 intermediate: borrow the Rust Polygon behind `poly` and measure the distance of its centre without copying it
        let polygon = poly
            .cast::<Polygon>()
            .map_err(|_| checks::not_a_polygon(&poly, index, "poly_match_rs.v3.Polygon"))?;
        // A reference to the centre inside the Polygon: nothing is copied.
        let distance = center_distance(&polygon.try_borrow()?.center, point)?;
        // stub:
        // let distance: f64 = todo_exercise!("poly_match_v3", "measure the distance without copying the centre");
        // end exercise: poly_match_v3 intermediate

        if distance < max_dist {
            close_polygons.push(poly);
        }
    }
    Ok(close_polygons)
    // stub:
    // todo_exercise!("poly_match_v3", "keep the polygons whose centre is closer than max_dist")
    // end exercise: poly_match_v3 hard
}

/// Stage v3: as v2, but the distance is computed in place, without allocating.
#[pymodule(submodule)]
pub mod v3 {
    #[pymodule_export]
    use super::{find_close_polygons, Polygon};
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn distance_is_euclidean() {
        let distance = center_distance(&array![3.0, 4.0], array![0.0, 0.0].view()).unwrap();
        assert_eq!(distance, 5.0);
        let distance = center_distance(&array![1.5, -2.0], array![1.5, 1.0].view()).unwrap();
        assert_eq!(distance, 3.0);
    }

    #[test]
    fn mean_of_vertices_is_the_centre() {
        assert_eq!(mean(&array![0.0, 1.0, 1.0, 0.0]).unwrap(), 0.5);
        assert!(mean(&Array1::zeros(0)).is_err());
    }
}
