//! Stage v4: the loop over the points moves to Rust too.
//!
//! Up to v3 Python called `find_close_polygons` once per point, and every call
//! converted the whole list of polygons again. Now one call receives all the
//! points: each polygon's centre is read once, and the distance test compares
//! squared distances, which saves a square root per pair. `Polygon` is the same
//! class as in v3; choosing the smallest polygon stays in Python.

use ndarray::Array1;
use numpy::{PyArray1, ToPyArray};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::checks::{self, Item};

/// A polygon given by the coordinates of its vertices, with its centre (the mean vertex).
#[pyclass(subclass, module = "poly_match_rs.v4")]
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

/// The centre `[x, y]` of every polygon, read once, in input order.
pub fn polygon_centers(polygons: &[Bound<'_, PyAny>]) -> PyResult<Vec<[f64; 2]>> {
    // exercise: poly_match_v4 intermediate: borrow each Polygon once and copy its centre into a Vec of [x, y]
    let mut centers = Vec::with_capacity(polygons.len());
    for (index, poly) in polygons.iter().enumerate() {
        let polygon = poly
            .cast::<Polygon>()
            .map_err(|_| checks::not_a_polygon(poly, index, "poly_match_rs.v4.Polygon"))?;
        let polygon = polygon.try_borrow()?;
        // A Polygon's centre always holds two values (see `Polygon::new`).
        centers.push([polygon.center[0], polygon.center[1]]);
    }
    Ok(centers)
    // stub:
    // todo_exercise!("poly_match_v4", "read the centre of every polygon")
    // end exercise: poly_match_v4 intermediate
}

/// The indices of the centres closer than `max_dist` to `point`, in increasing order.
///
/// Compares squared distances: `dx² + dy² < max_dist²` is the same test as
/// `sqrt(dx² + dy²) < max_dist` (up to rounding in the last bit, right at the
/// boundary), without a square root.
pub fn close_polygon_indices(
    centers: &[[f64; 2]],
    point: [f64; 2],
    max_dist: f64,
) -> PyResult<Vec<usize>> {
    // exercise: poly_match_v4 hard: collect the indices of the centres closer than max_dist, comparing squared distances
    let max_dist_squared = max_dist * max_dist;
    let mut close = Vec::new();
    for (index, [center_x, center_y]) in centers.iter().enumerate() {
        // exercise: poly_match_v4 easy: the squared distance between the centre and the point
        let distance_squared = (center_x - point[0]).powi(2) + (center_y - point[1]).powi(2);
        // stub:
        // let distance_squared: f64 = todo_exercise!("poly_match_v4", "compute the squared distance");
        // end exercise: poly_match_v4 easy
        if distance_squared < max_dist_squared {
            close.push(index);
        }
    }
    Ok(close)
    // stub:
    // todo_exercise!("poly_match_v4", "collect the indices of the close centres")
    // end exercise: poly_match_v4 hard
}

/// `(point, [polygon, ...])` pairs, as Rust types (a list of tuples in Python).
pub type PolygonSets<'py> = Vec<(Bound<'py, PyAny>, Vec<Bound<'py, PyAny>>)>;

/// For every point, the polygons whose centre lies closer than `max_dist` to it.
///
/// Returns a list of `(point, [polygon, ...])` pairs, in the order of `points`,
/// for the points that have at least one close polygon; each list keeps the
/// order of `polygons` (`poly_match_rs.v4.Polygon` objects or subclasses).
#[pyfunction]
pub fn find_all_close_polygons<'py>(
    polygons: Vec<Bound<'py, PyAny>>,
    points: Vec<Bound<'py, PyAny>>,
    #[pyo3(from_py_with = checks::max_dist_arg)] max_dist: f64,
) -> PyResult<PolygonSets<'py>> {
    // exercise: poly_match_v4 hard: check the input, read the centres once, then find the close polygons of every point
    checks::not_empty(polygons.len(), "polygons")?;
    checks::not_empty(points.len(), "points")?;
    let max_dist = checks::max_distance(max_dist)?;
    let centers = polygon_centers(&polygons)?;

    let mut polygon_sets = Vec::new();
    for (index, point) in points.into_iter().enumerate() {
        let xy = checks::point_xy(&point, Item::new("points", index))?;
        let close = close_polygon_indices(&centers, xy, max_dist)?;
        if !close.is_empty() {
            // Every index comes from `centers`, which has one entry per polygon.
            let close_polygons = close.iter().map(|&i| polygons[i].clone()).collect();
            polygon_sets.push((point, close_polygons));
        }
    }
    Ok(polygon_sets)
    // stub:
    // todo_exercise!("poly_match_v4", "find the close polygons of every point")
    // end exercise: poly_match_v4 hard
}

/// Stage v4: one call finds the close polygons of every point.
#[pymodule(submodule)]
pub mod v4 {
    #[pymodule_export]
    use super::{find_all_close_polygons, Polygon};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_indices_keep_input_order_and_exclude_the_boundary() {
        let centers = [[0.0, 0.0], [3.0, 4.0], [10.0, 0.0], [-1.0, 1.0], [0.0, 5.0]];
        // Distances from the origin: 0, 5, 10, 1.41, 5.
        let close = close_polygon_indices(&centers, [0.0, 0.0], 5.0).unwrap();
        assert_eq!(close, vec![0, 3]);
        let close = close_polygon_indices(&centers, [0.0, 0.0], 5.000001).unwrap();
        assert_eq!(close, vec![0, 1, 3, 4]);
        let close = close_polygon_indices(&centers, [100.0, 100.0], 5.0).unwrap();
        assert!(close.is_empty());
    }

    #[test]
    fn squared_test_agrees_with_the_norm() {
        // The same decision as `sqrt(dx² + dy²) < max_dist` on a sweep of points.
        let centers: Vec<[f64; 2]> = (0..50)
            .map(|i| [f64::from(i) * 0.37 - 9.0, f64::from(i % 7) * 1.3 - 4.0])
            .collect();
        for step in 0..40 {
            let point = [f64::from(step) * 0.5 - 10.0, f64::from(step % 5) - 2.0];
            let expected: Vec<usize> = centers
                .iter()
                .enumerate()
                .filter(|(_, c)| (c[0] - point[0]).hypot(c[1] - point[1]) < 3.0)
                .map(|(i, _)| i)
                .collect();
            assert_eq!(
                close_polygon_indices(&centers, point, 3.0).unwrap(),
                expected
            );
        }
    }
}
