//! Stage v5 (beyond the seed): the whole job in one call.
//!
//! v4 still handed Python one list of close polygons per point, and Python then
//! read `poly.area` for each of them to keep the smallest. Here one call takes
//! the same inputs as v4 (a list of polygons and a list of points) and returns
//! the `(point, best polygon)` pairs:
//!
//! 1. every polygon is read once into columns (`PolygonColumns`): centre x,
//!    centre y and the area, computed in Rust with the shoelace formula;
//! 2. the points are sorted into a grid of square cells at least `max_dist`
//!    wide (`PointGrid`), so a polygon only looks at the points of the 3 × 3
//!    cells around its centre instead of at every point;
//! 3. the polygons are visited in input order, so each point sees its close
//!    polygons in input order, as in v0, and keeps the smallest with the same
//!    tie rule (`AREA_RTOL`);
//! 4. steps 2 and 3 only touch Rust vectors, so they run with the GIL released
//!    (`py.detach`): other Python threads can run meanwhile.
//!
//! The only Python objects made are the output list and its pairs.

use std::ops::Range;

use ndarray::ArrayView1;
use numpy::PyArray1;
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
    /// block of memory instead of two.
    vertices: Vec<[f64; 2]>,
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
    let [mut x_prev, mut y_prev] = last;
    let (mut x_times_y_prev, mut y_times_x_prev) = (0.0, 0.0);
    for &[x, y] in vertices {
        x_times_y_prev += x * y_prev;
        y_times_x_prev += y * x_prev;
        [x_prev, y_prev] = [x, y];
    }
    Ok(0.5 * (x_times_y_prev - y_times_x_prev).abs())
    // stub:
    // todo_exercise!("poly_match_v5", "compute the area with the shoelace formula")
    // end exercise
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
    // end exercise
}

/// The points, sorted into a grid of square cells (row by row) so that the
/// points near a given position are found without looking at all of them.
#[derive(Debug)]
pub struct PointGrid {
    origin: [f64; 2],
    /// One over the side of a cell: multiplying by it is faster than dividing by the side.
    cells_per_unit: f64,
    columns: usize,
    rows: usize,
    /// The points of cell `c` are the slots `cell_start[c]..cell_start[c + 1]`.
    cell_start: Vec<usize>,
    /// Point coordinates in slot order (grouped by cell).
    x: Vec<f64>,
    y: Vec<f64>,
    /// `point_index[slot]`: where that point is in the input list.
    point_index: Vec<usize>,
}

/// A block of cells of a grid: rows `first_row..=last_row`, columns `first_column..=last_column`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CellBlock {
    pub first_row: usize,
    pub last_row: usize,
    pub first_column: usize,
    pub last_column: usize,
}

/// At most this many cells per point: a small `max_dist` over a wide area would
/// otherwise ask for an enormous, almost empty grid.
const MAX_CELLS_PER_POINT: usize = 4;

impl PointGrid {
    /// Sorts `points` into cells at least `max_dist` wide.
    pub fn new(points: &[[f64; 2]], max_dist: f64) -> PyResult<PointGrid> {
        // exercise: poly_match_v5 hard: build the grid: choose the cells, then sort the points by cell (a counting sort keeps the input order inside each cell)
        let mut min = [f64::INFINITY; 2];
        let mut max = [f64::NEG_INFINITY; 2];
        for point in points {
            for axis in 0..2 {
                min[axis] = min[axis].min(point[axis]);
                max[axis] = max[axis].max(point[axis]);
            }
        }
        let (width, height) = (max[0] - min[0], max[1] - min[1]);
        let max_cells = (MAX_CELLS_PER_POINT * points.len() + 16) as f64;
        // Slightly wider than max_dist, so that rounding in the cell arithmetic
        // can never push a point within max_dist of a centre out of the 3 × 3 block.
        let mut cell_size = max_dist * (1.0 + 1e-6);
        let (columns, rows) = if width.is_finite() && height.is_finite() {
            loop {
                let columns = (width / cell_size).floor() + 1.0;
                let rows = (height / cell_size).floor() + 1.0;
                if columns * rows <= max_cells {
                    break (columns as usize, rows as usize);
                }
                cell_size *= 2.0;
            }
        } else {
            (1, 1)
        };
        let cells_per_unit = 1.0 / cell_size;
        // Coordinates too far apart (or too close) for float arithmetic: one cell
        // holds every point, and every polygon looks at all of them.
        let (columns, rows) = if cells_per_unit.is_normal() {
            (columns, rows)
        } else {
            (1, 1)
        };
        let mut grid = PointGrid {
            origin: min,
            cells_per_unit,
            columns,
            rows,
            cell_start: vec![0; columns * rows + 1],
            x: vec![0.0; points.len()],
            y: vec![0.0; points.len()],
            point_index: vec![0; points.len()],
        };

        // Counting sort: count the points of each cell, turn the counts into start
        // positions, then place the points; inside a cell they keep input order.
        let cell_of_point: Vec<usize> = points.iter().map(|&p| grid.cell_of(p)).collect();
        for &cell in &cell_of_point {
            grid.cell_start[cell + 1] += 1;
        }
        for cell in 0..columns * rows {
            grid.cell_start[cell + 1] += grid.cell_start[cell];
        }
        let mut next_slot = grid.cell_start.clone();
        for (index, (&cell, point)) in cell_of_point.iter().zip(points).enumerate() {
            let slot = next_slot[cell];
            next_slot[cell] += 1;
            grid.x[slot] = point[0];
            grid.y[slot] = point[1];
            grid.point_index[slot] = index;
        }
        Ok(grid)
        // stub:
        // todo_exercise!("poly_match_v5", "build the grid of points")
        // end exercise
    }

    /// The cell holding a point of the grid.
    fn cell_of(&self, [x, y]: [f64; 2]) -> usize {
        if self.columns * self.rows == 1 {
            return 0;
        }
        // The quotients are >= 0 here, so `as usize` rounds down like `floor` (a
        // rounding error just below 0 saturates to 0); `min` keeps the far edge in.
        let column = ((x - self.origin[0]) * self.cells_per_unit) as usize;
        let row = ((y - self.origin[1]) * self.cells_per_unit) as usize;
        row.min(self.rows - 1) * self.columns + column.min(self.columns - 1)
    }

    /// The cells that can hold a point closer than `max_dist` to `(x, y)`: the
    /// 3 × 3 block around the cell of `(x, y)`, cut to the grid; `None` when
    /// `(x, y)` is too far from every point of the grid.
    pub fn cells_near(&self, x: f64, y: f64) -> PyResult<Option<CellBlock>> {
        // exercise: poly_match_v5 hard: the 3 x 3 block of cells around the cell of (x, y), cut to the grid
        if self.columns * self.rows == 1 {
            return Ok(Some(CellBlock {
                first_row: 0,
                last_row: 0,
                first_column: 0,
                last_column: 0,
            }));
        }
        // The cells `cell - 1 ..= cell + 1` along one axis, with `cell` the cell
        // index of `value` (it may lie outside the grid), cut to `0..cells`.
        let along = |value: f64, origin: f64, cells: usize| -> Option<(usize, usize)> {
            let position = (value - origin) * self.cells_per_unit;
            if position.is_nan() || position < -1.0 {
                return None; // more than a cell before the grid
            }
            // `position + 1 >= 0`, so `as usize` rounds it down: this is `cell + 1`
            // (saturating at usize::MAX for huge values). Cheaper than `floor`.
            let cell_plus_one = (position + 1.0) as usize;
            let first = cell_plus_one.saturating_sub(2);
            (first < cells).then(|| (first, cell_plus_one.min(cells - 1)))
        };
        let Some((first_column, last_column)) = along(x, self.origin[0], self.columns) else {
            return Ok(None);
        };
        let Some((first_row, last_row)) = along(y, self.origin[1], self.rows) else {
            return Ok(None);
        };
        Ok(Some(CellBlock {
            first_row,
            last_row,
            first_column,
            last_column,
        }))
        // stub:
        // todo_exercise!("poly_match_v5", "find the cells near a position")
        // end exercise
    }

    /// The slots of the points in row `row`, columns `first_column..=last_column`:
    /// consecutive, as the grid is stored row by row.
    fn slots(&self, row: usize, first_column: usize, last_column: usize) -> Range<usize> {
        let row_start = row * self.columns;
        self.cell_start[row_start + first_column]..self.cell_start[row_start + last_column + 1]
    }
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
    // exercise: poly_match_v5 hard: visit the polygons in input order and update the best polygon of each nearby point
    let grid = PointGrid::new(points, max_dist)?;
    let max_dist_squared = max_dist * max_dist;
    // For the point in each slot of the grid: the area a polygon must be below to
    // replace its best polygon so far (`best area * (1 - AREA_RTOL)`), and that
    // polygon's index. Infinity means "none yet": the first close polygon wins.
    let mut threshold = vec![f64::INFINITY; points.len()];
    let mut best_polygon = vec![usize::MAX; points.len()];
    let centers = polygons.center_x.iter().zip(&polygons.center_y);
    for (polygon, ((&center_x, &center_y), &area)) in centers.zip(&polygons.area).enumerate() {
        let Some(block) = grid.cells_near(center_x, center_y)? else {
            continue;
        };
        for row in block.first_row..=block.last_row {
            let slots = grid.slots(row, block.first_column, block.last_column);
            // exercise: poly_match_v5 intermediate: for each point in these slots, test the squared distance and apply the tie rule
            let xs = &grid.x[slots.clone()];
            let ys = &grid.y[slots.clone()];
            let thresholds = &mut threshold[slots.clone()];
            let best_polygons = &mut best_polygon[slots];
            let points_in_row = xs
                .iter()
                .zip(ys)
                .zip(thresholds.iter_mut().zip(best_polygons));
            for ((&x, &y), (threshold, best_polygon)) in points_in_row {
                let close = (x - center_x).powi(2) + (y - center_y).powi(2) < max_dist_squared;
                // `&`, not `&&`: both tests always run and the branch below is
                // rarely taken, so the processor predicts it well (whether a point
                // is close is a coin toss it could not predict).
                if close & (area < *threshold) {
                    // exercise: poly_match_v5 easy: the tie rule: this polygon is the new best; what must the next one beat?
                    *threshold = area * (1.0 - AREA_RTOL);
                    // stub:
                    // todo_exercise!("poly_match_v5", "apply the tie rule");
                    // end exercise
                    *best_polygon = polygon;
                }
            }
            // stub:
            // todo_exercise!("poly_match_v5", "update the best polygon of the points in these slots");
            // end exercise
        }
    }
    // Back from grid order to input order.
    let mut best_per_point = vec![None; points.len()];
    for (&point, &polygon) in grid.point_index.iter().zip(&best_polygon) {
        best_per_point[point] = (polygon != usize::MAX).then_some(polygon);
    }
    Ok(best_per_point)
    // stub:
    // todo_exercise!("poly_match_v5", "find the best polygon of every point")
    // end exercise
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
    max_dist: f64,
) -> PyResult<Vec<(Bound<'py, PyAny>, Bound<'py, PyAny>)>> {
    // exercise: poly_match_v5 hard: check the input, read polygons and points into Rust vectors, match them with the GIL released, then build the pairs
    let polygons = checks::non_empty_list(polygons, "polygons")?;
    let points = checks::non_empty_list(points, "points")?;
    let max_dist = checks::max_distance(max_dist)?;
    let columns = read_polygons(&polygons)?;
    let xy = points
        .iter()
        .enumerate()
        .map(|(index, point)| checks::point_xy(&point, Item::new("points", index)))
        .collect::<PyResult<Vec<[f64; 2]>>>()?;

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
    // end exercise
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
    fn grid_matches_brute_force_on_random_cases() {
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

    #[test]
    fn a_grid_never_has_more_cells_than_allowed() {
        let points: Vec<[f64; 2]> = (0..10).map(|i| [f64::from(i) * 1e6, 0.0]).collect();
        let grid = PointGrid::new(&points, 1e-9).unwrap();
        assert!(grid.columns * grid.rows <= MAX_CELLS_PER_POINT * points.len() + 16);
        assert!(1.0 / grid.cells_per_unit >= 1e-9);
    }
}
