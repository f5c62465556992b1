//! Stage v1: `find_close_polygons` translated line by line from Python.
//!
//! The polygons are still the Python objects of `poly_match_v1.py`. For each one
//! we ask Python for its `center` attribute, borrow the NumPy array behind it,
//! copy it into an `ndarray` array and measure the distance with
//! `ndarray_linalg::Norm`, as `np.linalg.norm(poly.center - point)` does in v0.

use ndarray::{Array1, ArrayView1};
use ndarray_linalg::Norm;
use numpy::PyArrayMethods;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::checks::{self, Item};

/// The Euclidean distance between a polygon's centre and a point.
///
/// `Norm::norm` needs an array it can read; `center - point` makes a new one,
/// which is why `center` is taken by value (owned).
pub fn center_distance(center: Array1<f64>, point: ArrayView1<'_, f64>) -> PyResult<f64> {
    // exercise: poly_match_v1 intermediate: subtract the point from the centre and take the norm of the difference
    Ok((center - point).norm())
    // stub:
    // todo_exercise!("poly_match_v1", "subtract the point from the centre and take the norm")
    // end exercise: poly_match_v1 intermediate
}

/// The polygons whose centre lies closer than `max_dist` to `point`, in input order.
///
/// A polygon is any object with a `center` attribute holding a float64 NumPy
/// array `[x, y]` (the `Polygon` class of `poly_match_v1.py`).
#[pyfunction]
pub fn find_close_polygons<'py>(
    polygons: Vec<Bound<'py, PyAny>>,
    point: &Bound<'py, PyAny>,
    #[pyo3(from_py_with = checks::max_dist_arg)] max_dist: f64,
) -> PyResult<Vec<Bound<'py, PyAny>>> {
    // exercise: poly_match_v1 hard: check the input (see checks.rs), then keep the polygons whose `center` is closer than `max_dist` to the point
    checks::not_empty(polygons.len(), "polygons")?;
    let max_dist = checks::max_distance(max_dist)?;
    let point = checks::point_array(point, "point")?;
    // A read-only borrow: NumPy arrays can be shared, and the borrow makes sure
    // nothing writes to this one while we read it.
    let point = point
        .try_readonly()
        .map_err(|err| PyValueError::new_err(format!("point: {err}")))?;
    let point = point.as_array();

    // exercise: poly_match_v1 intermediate: loop over the polygons, read each centre (`getattr`, then `checks::missing_center` and `checks::point_array` give the error messages) and keep the polygons closer than max_dist
    let mut close_polygons = Vec::new();
    for (index, poly) in polygons.into_iter().enumerate() {
        // exercise: poly_match_v1 easy: read `poly.center` with `getattr` (its error through `checks::missing_center`), check it with `checks::point_array` and copy it into an owned ndarray
        let center = poly
            .getattr("center")
            .map_err(|err| checks::missing_center(&poly, index, err))?;
        let center = checks::point_array(&center, Item::attribute("polygons", index, "center"))?;
        let center = center
            .try_readonly()
            .map_err(|err| PyValueError::new_err(format!("polygons[{index}].center: {err}")))?;
        let center = center.as_array().to_owned();
        // stub:
        // let center: Array1<f64> = todo_exercise!("poly_match_v1", "read `poly.center` with `getattr`");
        // end exercise: poly_match_v1 easy

        if center_distance(center, point)? < max_dist {
            close_polygons.push(poly);
        }
    }
    Ok(close_polygons)
    // stub:
    // todo_exercise!("poly_match_v1", "loop over the polygons and keep the close ones")
    // end exercise: poly_match_v1 intermediate
    // stub:
    // todo_exercise!("poly_match_v1", "keep the polygons whose centre is closer than max_dist")
    // end exercise: poly_match_v1 hard
}

/// Stage v1: `find_close_polygons` in Rust; the polygons are still Python objects.
#[pymodule(submodule)]
pub mod v1 {
    #[pymodule_export]
    use super::find_close_polygons;
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn distance_is_euclidean() {
        let distance = center_distance(array![3.0, 4.0], array![0.0, 0.0].view()).unwrap();
        assert_eq!(distance, 5.0);
        let distance = center_distance(array![1.5, -2.0], array![1.5, 1.0].view()).unwrap();
        assert_eq!(distance, 3.0);
    }
}
