//! Stage v5 (beyond the original): the whole job in one call.
//!
//! v4 still handed Python one list of close polygons per point, and Python then
//! read `poly.area` for each of them to keep the smallest. Here one call takes
//! the same inputs as v4 (a list of polygons and a list of points) and returns
//! the `(point, best polygon)` pairs:
//!
//! 1. every polygon is read once into columns (`PolygonColumns`): centre x,
//!    centre y and the area, computed in Rust with the shoelace formula;
//! 2. each point is compared with every centre of the columns, in input order,
//!    and keeps the smallest close polygon with the tie rule of v0 (`AREA_RTOL`);
//! 3. step 2 only touches Rust vectors, so it runs with the GIL released
//!    (`py.detach`): other Python threads can run meanwhile.
//!
//! The only Python objects made are the output list and its pairs.

use ndarray::ArrayView1;
use numpy::{PyArray1, PyArrayMethods, PyUntypedArrayMethods};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyList;

use crate::checks::{self, Item};

/// Two areas whose relative difference is below this count as equal: the first
/// polygon in input order wins. Same value as `AREA_RTOL` in `poly_match_v0.py`.
pub const AREA_RTOL: f64 = 1e-9;

/// A polygon given by the coordinates of its vertices. Immutable (`frozen`):
/// Rust reads its fields without any borrow bookkeeping.
#[pyclass(frozen, module = "poly_match_rs.v5")]
pub struct Polygon {
    /// `[x, y]` of each vertex, side by side: reading a polygon touches one
    /// block of memory instead of two. (`pub(crate)`: the benchmark's floor,
    /// `floor.rs`, reads them too.)
    pub(crate) vertices: Vec<[f64; 2]>,
    center: [f64; 2],
}

/// The mean of the values, computed as in the previous stages (by `ndarray`),
/// so every Rust stage sees exactly the same centres.
fn mean(values: Option<&[f64]>) -> PyResult<f64> {
    values
        .map(ArrayView1::from)
        .and_then(|values| values.mean())
        .ok_or_else(|| PyValueError::new_err("cannot take the mean of no values"))
}

/// The area of the polygon with these vertices `[x, y]`, by the shoelace formula:
/// half the absolute value of `sum(x[i] * y[i-1]) - sum(y[i] * x[i-1])`, with
/// the index wrapping around (as `np.roll` does in v0).
pub fn shoelace_area(vertices: &[[f64; 2]]) -> PyResult<f64> {
    // exercise: poly_match_v5 easy: the shoelace formula, with the previous vertex wrapping around
    let Some(&last) = vertices.last() else {
        return Ok(0.0);
    };
    // Two partial sums of each product, for the even and the odd vertices: an
    // addition must wait for the previous one into the same sum, so with two
    // sums the processor works on two additions at once.
    let (mut even, mut odd) = ([0.0; 2], [0.0; 2]); // [sum of x * y_prev, sum of y * x_prev]
    let [mut x_prev, mut y_prev] = last;
    let mut pairs = vertices.chunks_exact(2);
    for pair in &mut pairs {
        let &[[x0, y0], [x1, y1]] = pair else {
            continue; // never: the chunks have two vertices
        };
        even[0] += x0 * y_prev;
        even[1] += y0 * x_prev;
        odd[0] += x1 * y0;
        odd[1] += y1 * x0;
        [x_prev, y_prev] = [x1, y1];
    }
    if let Some(&[x, y]) = pairs.remainder().first() {
        even[0] += x * y_prev;
        even[1] += y * x_prev;
    }
    Ok(0.5 * ((even[0] + odd[0]) - (even[1] + odd[1])).abs())
    // stub:
    // todo_exercise!("poly_match_v5", "compute the area with the shoelace formula")
    // end exercise: poly_match_v5 easy
}

#[pymethods]
impl Polygon {
    /// `Polygon(x, y)`: `x` and `y` are float64 NumPy arrays of the same length
    /// (at least 3), one entry per vertex. They are copied.
    #[new]
    fn new(x: &Bound<'_, PyAny>, y: &Bound<'_, PyAny>) -> PyResult<Self> {
        let (x, y) = checks::polygon_coordinates(x, y)?;
        let center = [mean(x.as_slice())?, mean(y.as_slice())?];
        let vertices = x.iter().zip(&y).map(|(&x, &y)| [x, y]).collect();
        Ok(Polygon { vertices, center })
    }

    /// The x coordinates of the vertices (a copy, as a NumPy array).
    #[getter]
    fn x<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        PyArray1::from_iter(py, self.vertices.iter().map(|&[x, _]| x))
    }

    /// The y coordinates of the vertices (a copy, as a NumPy array).
    #[getter]
    fn y<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        PyArray1::from_iter(py, self.vertices.iter().map(|&[_, y]| y))
    }

    /// The centre `[mean x, mean y]` (a copy, as a NumPy array).
    #[getter]
    fn center<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        PyArray1::from_slice(py, &self.center)
    }

    /// The area (shoelace formula), computed on each access.
    #[getter]
    fn area(&self) -> PyResult<f64> {
        shoelace_area(&self.vertices)
    }

    fn __repr__(&self) -> String {
        let [x, y] = self.center;
        format!(
            "Polygon(center=({x}, {y}), vertices={})",
            self.vertices.len()
        )
    }
}

/// The polygons as columns: entry `i` of each vector describes `polygons[i]`.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct PolygonColumns {
    pub center_x: Vec<f64>,
    pub center_y: Vec<f64>,
    pub area: Vec<f64>,
}

impl PolygonColumns {
    pub fn with_capacity(capacity: usize) -> Self {
        PolygonColumns {
            center_x: Vec::with_capacity(capacity),
            center_y: Vec::with_capacity(capacity),
            area: Vec::with_capacity(capacity),
        }
    }

    pub fn push(&mut self, center: [f64; 2], area: f64) {
        self.center_x.push(center[0]);
        self.center_y.push(center[1]);
        self.area.push(area);
    }

    pub fn len(&self) -> usize {
        self.area.len()
    }

    pub fn is_empty(&self) -> bool {
        self.area.is_empty()
    }
}

/// Reads every polygon of the list once: its centre, and its area computed from the vertices.
pub fn read_polygons(polygons: &Bound<'_, PyList>) -> PyResult<PolygonColumns> {
    // exercise: poly_match_v5 intermediate: read the centre of each Polygon and compute its area, into PolygonColumns
    let mut columns = PolygonColumns::with_capacity(polygons.len());
    for (index, poly) in polygons.iter().enumerate() {
        let polygon = poly
            .cast::<Polygon>()
            .map_err(|_| checks::not_a_polygon(&poly, index, "poly_match_rs.v5.Polygon"))?;
        // `get` works because Polygon is frozen: a plain reference, no borrow check.
        let polygon = polygon.get();
        columns.push(polygon.center, shoelace_area(&polygon.vertices)?);
    }
    Ok(columns)
    // stub:
    // todo_exercise!("poly_match_v5", "read the polygons into columns")
    // end exercise: poly_match_v5 intermediate
}

/// The `[x, y]` of every point (float64 arrays of two finite numbers).
pub fn read_points(points: &Bound<'_, PyList>) -> PyResult<Vec<[f64; 2]>> {
    // exercise: poly_match_v5 hard: read the x and y of every point, with a clear error for anything else
    let mut xy = Vec::with_capacity(points.len());
    for (index, point) in points.iter().enumerate() {
        // The usual case in one quick look: a float64 array of two finite numbers.
        let quick = point.cast::<PyArray1<f64>>().ok().and_then(|array| {
            match (array.len(), array.get_owned(0), array.get_owned(1)) {
                (2, Some(x), Some(y)) if x.is_finite() && y.is_finite() => Some([x, y]),
                _ => None,
            }
        });
        match quick {
            Some(point_xy) => xy.push(point_xy),
            // Anything else: the shared check says what is wrong with it.
            None => xy.push(checks::point_xy(&point, Item::new("points", index))?),
        }
    }
    Ok(xy)
    // stub:
    // todo_exercise!("poly_match_v5", "read the points")
    // end exercise: poly_match_v5 hard
}

/// For every point, the index of the smallest polygon whose centre is closer
/// than `max_dist`, or `None`. Ties follow v0: the close polygons are scanned in
/// input order and one replaces the current best only if its area is smaller
/// by more than the relative `AREA_RTOL`.
pub fn best_polygon_per_point(
    polygons: &PolygonColumns,
    points: &[[f64; 2]],
    max_dist: f64,
) -> PyResult<Vec<Option<usize>>> {
    // exercise: poly_match_v5 hard: for every point, scan the columns in input order and keep the smallest close polygon
    let max_dist_squared = max_dist * max_dist;
    let mut best_polygon = Vec::with_capacity(points.len());
    for &[x, y] in points {
        // The area a polygon must be below to replace the best polygon so far
        // (`best area * (1 - AREA_RTOL)`), and that polygon's index. Infinity
        // means "none yet": the first close polygon wins.
        let mut threshold = f64::INFINITY;
        let mut best = None;
        // exercise: poly_match_v5 intermediate: one pass over the three columns: test the squared distance and the tie rule of each polygon
        let centers = polygons.center_x.iter().zip(&polygons.center_y);
        for (polygon, ((&center_x, &center_y), &area)) in centers.zip(&polygons.area).enumerate() {
            // `&` rather than `&&`: both tests are cheap, and one combined branch is
            // easier for the processor to predict than two.
            let close = (x - center_x).powi(2) + (y - center_y).powi(2) < max_dist_squared;
            if (area < threshold) & close {
                // exercise: poly_match_v5 easy: the tie rule: this polygon is the new best; what must the next one beat?
                threshold = area * (1.0 - AREA_RTOL);
                // stub:
                // todo_exercise!("poly_match_v5", "apply the tie rule");
                // end exercise: poly_match_v5 easy
                best = Some(polygon);
            }
        }
        // stub:
        // todo_exercise!("poly_match_v5", "find the best close polygon of this point");
        // end exercise: poly_match_v5 intermediate
        best_polygon.push(best);
    }
    Ok(best_polygon)
    // stub:
    // todo_exercise!("poly_match_v5", "find the best polygon of every point")
    // end exercise: poly_match_v5 hard
}

/// The `(point, polygon)` pairs of v0's `main`: for every point (in input order)
/// that has a polygon whose centre is closer than `max_dist`, the one with the
/// smallest area (first in input order among equal areas, see `AREA_RTOL`).
///
/// `polygons` are `poly_match_rs.v5.Polygon` objects, `points` float64 arrays `[x, y]`;
/// the pairs hold these same objects.
#[pyfunction]
pub fn find_best_polygons<'py>(
    py: Python<'py>,
    polygons: &Bound<'py, PyAny>,
    points: &Bound<'py, PyAny>,
    #[pyo3(from_py_with = checks::max_dist_arg)] max_dist: f64,
) -> PyResult<Vec<(Bound<'py, PyAny>, Bound<'py, PyAny>)>> {
    // exercise: poly_match_v5 hard: check the input, read polygons and points into Rust vectors, match them with the GIL released, then build the pairs
    let polygons = checks::non_empty_list(polygons, "polygons")?;
    let points = checks::non_empty_list(points, "points")?;
    let max_dist = checks::max_distance(max_dist)?;
    let columns = read_polygons(&polygons)?;
    let xy = read_points(&points)?;

    // Only Rust data inside: other Python threads may run meanwhile.
    let best = py.detach(|| best_polygon_per_point(&columns, &xy, max_dist))?;

    let mut matches = Vec::with_capacity(points.len());
    for (point, best) in points.iter().zip(best) {
        if let Some(polygon) = best {
            matches.push((point, polygons.get_item(polygon)?));
        }
    }
    Ok(matches)
    // stub:
    // todo_exercise!("poly_match_v5", "match every point to its best polygon")
    // end exercise: poly_match_v5 hard
}

/// Stage v5: one call matches every point to its best polygon.
#[pymodule(submodule)]
pub mod v5 {
    #[pymodule_export]
    use super::{find_best_polygons, Polygon};

    #[pymodule_export]
    const AREA_RTOL: f64 = super::AREA_RTOL;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rule of v0, written as plainly as possible: every polygon for every point.
    fn brute_force(
        polygons: &PolygonColumns,
        points: &[[f64; 2]],
        max_dist: f64,
    ) -> Vec<Option<usize>> {
        points
            .iter()
            .map(|&[x, y]| {
                let mut best: Option<(usize, f64)> = None;
                for i in 0..polygons.len() {
                    let distance = (polygons.center_x[i] - x).hypot(polygons.center_y[i] - y);
                    if distance >= max_dist {
                        continue;
                    }
                    let area = polygons.area[i];
                    let replace = match best {
                        None => true,
                        Some((_, best_area)) => area < best_area * (1.0 - AREA_RTOL),
                    };
                    if replace {
                        best = Some((i, area));
                    }
                }
                best.map(|(i, _)| i)
            })
            .collect()
    }

    /// A small deterministic generator (xorshift), enough for test data.
    struct Numbers(u64);

    impl Numbers {
        fn uniform(&mut self, low: f64, high: f64) -> f64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            low + (high - low) * ((self.0 >> 11) as f64 / (1u64 << 53) as f64)
        }
    }

    fn random_case(
        seed: u64,
        polygons: usize,
        points: usize,
        world: f64,
    ) -> (PolygonColumns, Vec<[f64; 2]>) {
        let mut numbers = Numbers(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let mut columns = PolygonColumns::default();
        for _ in 0..polygons {
            let center = [numbers.uniform(0.0, world), numbers.uniform(0.0, world)];
            // A few distinct areas, so that equal areas (ties) and different ones both occur.
            let area = [0.5, 1.0, 1.0 + 1e-12, 2.0][(numbers.uniform(0.0, 4.0) as usize).min(3)];
            columns.push(center, area);
        }
        let points = (0..points)
            .map(|_| {
                let margin = 0.05 * world;
                [
                    numbers.uniform(-margin, world + margin),
                    numbers.uniform(-margin, world + margin),
                ]
            })
            .collect();
        (columns, points)
    }

    #[test]
    fn shoelace_area_of_unit_square_and_triangle() {
        let square = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]];
        assert_eq!(shoelace_area(&square).unwrap(), 1.0);
        // Clockwise order gives the same (absolute) area.
        let clockwise = [[0.0, 0.0], [0.0, 1.0], [1.0, 1.0], [1.0, 0.0]];
        assert_eq!(shoelace_area(&clockwise).unwrap(), 1.0);
        let triangle = [[0.0, 0.0], [4.0, 0.0], [0.0, 3.0]];
        assert_eq!(shoelace_area(&triangle).unwrap(), 6.0);
    }

    #[test]
    fn search_matches_brute_force_on_random_cases() {
        for (seed, max_dist, world) in [
            (1, 10.0, 100.0),
            (2, 3.0, 100.0),
            (3, 0.02, 1.0),
            (4, 500.0, 100.0),
            (5, 10.0, 1.0),
        ] {
            let (polygons, points) = random_case(seed, 400, 120, world);
            let expected = brute_force(&polygons, &points, max_dist);
            let got = best_polygon_per_point(&polygons, &points, max_dist).unwrap();
            assert_eq!(got, expected, "seed {seed}, max_dist {max_dist}");
            assert!(
                got.iter().any(Option::is_some),
                "seed {seed}: nothing matched"
            );
        }
    }

    #[test]
    fn lines_clusters_and_single_points_match_brute_force() {
        let (polygons, _) = random_case(6, 300, 0, 20.0);
        let line: Vec<[f64; 2]> = (0..50).map(|i| [f64::from(i) * 0.4, 7.0]).collect();
        let column: Vec<[f64; 2]> = (0..50).map(|i| [3.0, f64::from(i) * 0.4]).collect();
        let cluster = vec![[5.0, 5.0]; 20];
        let single = vec![[10.0, 10.0]];
        for points in [line, column, cluster, single] {
            for max_dist in [0.3, 1.0, 2.5, 50.0] {
                assert_eq!(
                    best_polygon_per_point(&polygons, &points, max_dist).unwrap(),
                    brute_force(&polygons, &points, max_dist),
                    "max_dist {max_dist}, points {points:?}"
                );
            }
        }
    }

    #[test]
    fn ties_go_to_the_first_polygon_in_input_order() {
        let mut polygons = PolygonColumns::default();
        polygons.push([0.0, 0.0], 1.0);
        polygons.push([1.0, 0.0], 1.0 - 1e-12); // smaller only by rounding noise: a tie
        polygons.push([0.0, 1.0], 0.5); // genuinely smaller
        polygons.push([1.0, 1.0], 0.5); // a tie with the previous one
        let points = [[0.5, 0.5], [0.2, -0.9], [50.0, 50.0]];
        let got = best_polygon_per_point(&polygons, &points, 1.0).unwrap();
        // The second point is only close to polygons 0 and 1.
        assert_eq!(got, vec![Some(2), Some(0), None]);
    }

    #[test]
    fn tiny_distances_and_identical_points() {
        let mut polygons = PolygonColumns::default();
        polygons.push([0.0, 0.0], 1.0);
        polygons.push([3e-151, 0.0], 0.5);
        let points = [[0.0, 0.0], [5e-151, 0.0], [0.0, 0.0]];
        for max_dist in [1e-151, 4e-151, 1.0] {
            let got = best_polygon_per_point(&polygons, &points, max_dist).unwrap();
            assert_eq!(
                got,
                brute_force(&polygons, &points, max_dist),
                "max_dist {max_dist}"
            );
        }
    }

    #[test]
    fn identical_points_and_far_away_coordinates() {
        let mut polygons = PolygonColumns::default();
        polygons.push([1e300, -1e300], 1.0);
        polygons.push([0.0, 0.0], 2.0);
        let points = [[0.0, 0.0], [0.0, 0.0], [-1e300, 1e300]];
        let got = best_polygon_per_point(&polygons, &points, 1.0).unwrap();
        assert_eq!(got, brute_force(&polygons, &points, 1.0));
        assert_eq!(got, vec![Some(1), Some(1), None]);
    }
}
