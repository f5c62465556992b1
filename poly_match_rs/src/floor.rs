//! The floor of lesson 1's table (the `limit` row of `py_project/poly_match_suites.py`):
//! what every correct version pays for the same input, timed, never an answer.
//!
//! One pass that visits every polygon object of the list and reads each of its vertices
//! once, reads the `[x, y]` of every point, and builds the output list of
//! `(point, polygon)` pairs, as many as the answer holds. No area, no distance test, no
//! search: only the reading of the input and the making of the output.
//!
//! The polygons are v6's (`lib_v6::Polygon`, frozen, the vertices side by side): the
//! cheapest form of the input in the lesson. Not a stage: it is no part of the exercises
//! or of the stage diffs.

use numpy::{PyArray1, PyArrayMethods, PyReadonlyArray2, PyUntypedArrayMethods};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyList;

use crate::checks::{self, Item};
use crate::lib_v6::Polygon;

/// All the bits of the vertices, folded together with `^`: every coordinate is read
/// once, with integer operations that the compiler turns into SIMD instructions (a
/// floating-point sum would wait on each addition).
fn fold_vertices(vertices: &[[f64; 2]]) -> u64 {
    vertices
        .as_flattened()
        .iter()
        .fold(0, |bits, value| bits ^ value.to_bits())
}

/// The index in a list of `len` items that `value` (from the `pairs` array) names.
fn list_index(value: i64, len: usize, what: &str) -> PyResult<usize> {
    usize::try_from(value)
        .ok()
        .filter(|&index| index < len)
        .ok_or_else(|| {
            PyValueError::new_err(format!(
                "pairs holds {what} index {value}, outside 0..{len}"
            ))
        })
}

/// `_floor_one_pass(polygons, points, pairs)`: reads every vertex of every
/// `poly_match_rs.v6.Polygon` and the coordinates of every point (float64 arrays
/// `[x, y]`), then returns one `(points[i], polygons[j])` tuple per row `[i, j]` of
/// `pairs` (an int64 array of shape `(n, 2)`). The benchmark's floor, not a version.
#[pyfunction]
#[pyo3(name = "_floor_one_pass")]
pub fn floor_one_pass<'py>(
    polygons: &Bound<'py, PyList>,
    points: &Bound<'py, PyList>,
    pairs: PyReadonlyArray2<'py, i64>,
) -> PyResult<Vec<(Bound<'py, PyAny>, Bound<'py, PyAny>)>> {
    let mut bits = 0;
    for (index, poly) in polygons.iter().enumerate() {
        let polygon = poly
            .cast::<Polygon>()
            .map_err(|_| checks::not_a_polygon(&poly, index, "poly_match_rs.v6.Polygon"))?;
        bits ^= fold_vertices(&polygon.get().vertices);
    }
    for (index, point) in points.iter().enumerate() {
        let xy = match point.cast::<PyArray1<f64>>() {
            Ok(array) if array.len() == 2 => array.get_owned(0).zip(array.get_owned(1)),
            _ => None,
        };
        let (x, y) = match xy {
            Some(xy) => xy,
            None => checks::point_xy(&point, Item::new("points", index))?.into(),
        };
        bits ^= x.to_bits() ^ y.to_bits();
    }
    // Keeps the reads above: without a use of `bits`, the compiler could drop them.
    std::hint::black_box(bits);

    let pairs = pairs.as_array();
    if pairs.ncols() != 2 {
        return Err(PyValueError::new_err(format!(
            "pairs must have 2 columns, got {}",
            pairs.ncols()
        )));
    }
    let mut matches = Vec::with_capacity(pairs.nrows());
    for row in pairs.rows() {
        let point = list_index(row[0], points.len(), "a point")?;
        let polygon = list_index(row[1], polygons.len(), "a polygon")?;
        matches.push((points.get_item(point)?, polygons.get_item(polygon)?));
    }
    Ok(matches)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_coordinate_changes_the_fold() {
        let vertices = [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]];
        let all = fold_vertices(&vertices);
        for i in 0..3 {
            for axis in 0..2 {
                let mut changed = vertices;
                changed[i][axis] += 1.0;
                assert_ne!(fold_vertices(&changed), all, "vertex {i}, axis {axis}");
            }
        }
        assert_eq!(fold_vertices(&[]), 0);
    }

    #[test]
    fn indices_outside_the_list_are_errors() {
        assert_eq!(list_index(2, 3, "a point").unwrap(), 2);
        assert!(list_index(3, 3, "a point").is_err());
        assert!(list_index(-1, 3, "a point").is_err());
    }
}
