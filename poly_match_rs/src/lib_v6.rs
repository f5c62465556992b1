//! Stage v6 (beyond the original): v5 plus a spatial index.
//!
//! v5 compares every point with every polygon's centre: 100 points times 1000
//! polygons are 100,000 distance tests, of which about 3 % are close. The inputs,
//! the columns, the areas and the GIL release are v5's; what changes is the search:
//!
//! 1. the points are copied into bands (`PointBands`), so that the points that can
//!    be close to a polygon's centre are one short run of consecutive entries,
//!    instead of all the points;
//! 2. the loop turns around: the polygons are visited in input order, so each point
//!    sees its close polygons in input order, as in v0 and v5, and keeps the
//!    smallest with the same tie rule (`AREA_RTOL`);
//! 3. a bound per run of points (the largest area that would still change one of
//!    them) lets most polygons skip their run unread.
//!
//! The only Python objects made are the output list and its pairs.

use std::ops::Range;

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
#[pyclass(frozen, module = "poly_match_rs.v6")]
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
    let mut columns = PolygonColumns::with_capacity(polygons.len());
    for (index, poly) in polygons.iter().enumerate() {
        let polygon = poly
            .cast::<Polygon>()
            .map_err(|_| checks::not_a_polygon(&poly, index, "poly_match_rs.v6.Polygon"))?;
        // `get` works because Polygon is frozen: a plain reference, no borrow check.
        let polygon = polygon.get();
        columns.push(polygon.center, shoelace_area(&polygon.vertices)?);
    }
    Ok(columns)
}

/// The `[x, y]` of every point (float64 arrays of two finite numbers).
pub fn read_points(points: &Bound<'_, PyList>) -> PyResult<Vec<[f64; 2]>> {
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
}

/// One point copied into a band: its coordinates and where it is in the input list.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BandEntry {
    x: f64,
    y: f64,
    point: usize,
}

/// Columns per row height: the columns are `max_dist / 2` wide, so that the run of
/// a centre spans 2.5 × `max_dist` instead of 3 ×: fewer points to test.
const COLUMNS_PER_ROW: usize = 2;

/// The points, copied into bands so that the points near any position are one
/// run of consecutive entries.
///
/// The plane is cut into rows at least `max_dist` high and columns half as wide.
/// Band `r` holds the points of rows `r - 1`, `r` and `r + 1`, sorted by column
/// (so each point is in three bands). A point closer than `max_dist` to a centre in
/// row `r` and column `c` lies in band `r`, in columns `c - 2 ..= c + 2`: a single
/// run of entries. Empty rows and columns around the points (a border as wide as two
/// rows) keep the run of every centre that can be close to a point inside the bands.
#[derive(Debug)]
pub struct PointBands {
    /// Where row 0 and column 0 start.
    origin: [f64; 2],
    /// One over the height of a row: multiplying by it is faster than dividing.
    rows_per_unit: f64,
    columns: usize,
    rows: usize,
    /// Coordinates too far apart (or too close) for float arithmetic: every
    /// polygon looks at every point.
    one_cell: bool,
    /// Band `r`, column `c` is `entries[start[r * columns + c]..start[r * columns + c + 1]]`.
    start: Vec<usize>,
    entries: Vec<BandEntry>,
}

/// At most this many cells per point, not counting the border: a small `max_dist`
/// over a wide area would otherwise ask for enormous, almost empty bands.
const MAX_CELLS_PER_POINT: usize = 8;

/// At most this many cells, whatever the number of points: row and column numbers
/// then fit in a `u32` (see `cells_near`).
const MAX_CELLS: usize = 1 << 31;

/// Empty rows on each side of the points (the border is as wide: `2 * COLUMNS_PER_ROW` columns).
const BORDER_ROWS: usize = 2;

impl PointBands {
    /// Copies `points` into bands of rows at least `max_dist` high.
    pub fn new(points: &[[f64; 2]], max_dist: f64) -> PyResult<PointBands> {
        // exercise: poly_match_v6 hard: build the bands: choose the rows and columns, then sort the points into the three bands around their row (a counting sort)
        let mut min = [f64::INFINITY; 2];
        let mut max = [f64::NEG_INFINITY; 2];
        for point in points {
            for axis in 0..2 {
                min[axis] = min[axis].min(point[axis]);
                max[axis] = max[axis].max(point[axis]);
            }
        }
        let (width, height) = (max[0] - min[0], max[1] - min[1]);
        let max_cells = MAX_CELLS_PER_POINT
            .saturating_mul(points.len())
            .saturating_add(16)
            .min(MAX_CELLS) as f64;
        // Slightly higher than max_dist, so that rounding in the cell arithmetic can
        // never push a point within max_dist of a centre out of the centre's run.
        let mut row_height = max_dist * (1.0 + 1e-6);
        let mut inner = None; // rows and columns holding points
        if width.is_finite() && height.is_finite() {
            loop {
                let columns = (width / row_height * COLUMNS_PER_ROW as f64).floor() + 1.0;
                let rows = (height / row_height).floor() + 1.0;
                if columns * rows <= max_cells {
                    inner = Some((columns as usize, rows as usize));
                    break;
                }
                row_height *= 2.0;
            }
        }
        let rows_per_unit = 1.0 / row_height;
        let border = BORDER_ROWS as f64 * row_height;
        let origin = [min[0] - border, min[1] - border];
        let (inner_columns, inner_rows, one_cell) = match inner {
            Some((columns, rows))
                if rows_per_unit.is_normal() && origin.iter().all(|o| o.is_finite()) =>
            {
                (columns, rows, false)
            }
            _ => (1, 1, true),
        };
        let columns = inner_columns + 2 * BORDER_ROWS * COLUMNS_PER_ROW;
        let rows = inner_rows + 2 * BORDER_ROWS;
        let mut bands = PointBands {
            origin,
            rows_per_unit,
            columns,
            rows,
            one_cell,
            start: vec![0; columns * rows + 1],
            entries: Vec::new(),
        };

        // Counting sort: count the entries of each (band, column), turn the counts
        // into start positions, then place the entries (in input order inside each).
        let cells: Vec<(usize, usize)> = points.iter().map(|&point| bands.cell_of(point)).collect();
        for &(row, column) in &cells {
            for band in row - 1..=row + 1 {
                bands.start[band * columns + column + 1] += 1;
            }
        }
        let mut total = 0;
        for start in &mut bands.start {
            total += *start;
            *start = total;
        }
        let mut next = bands.start.clone();
        let no_entry = BandEntry {
            x: 0.0,
            y: 0.0,
            point: 0,
        };
        bands.entries = vec![no_entry; 3 * points.len()];
        for (point, (&(row, column), &[x, y])) in cells.iter().zip(points).enumerate() {
            for band in row - 1..=row + 1 {
                let slot = &mut next[band * columns + column];
                bands.entries[*slot] = BandEntry { x, y, point };
                *slot += 1;
            }
        }
        Ok(bands)
        // stub:
        // todo_exercise!("poly_match_v6", "build the bands of points")
        // end exercise: poly_match_v6 hard
    }

    /// Where `(x, y)` falls in the grid, as fractional `[row, column]` numbers (row 0
    /// and column 0 start at `origin`): rounded down, they are its row and column.
    fn grid_position(&self, x: f64, y: f64) -> [f64; 2] {
        let row = (y - self.origin[1]) * self.rows_per_unit;
        let column = (x - self.origin[0]) * self.rows_per_unit * COLUMNS_PER_ROW as f64;
        [row, column]
    }

    /// The row and column of a point (inside the border).
    fn cell_of(&self, [x, y]: [f64; 2]) -> (usize, usize) {
        let (border_rows, border_columns) = (BORDER_ROWS, BORDER_ROWS * COLUMNS_PER_ROW);
        if self.one_cell {
            return (border_rows, border_columns);
        }
        // `as usize` rounds down like `floor` (the values are >= 0 up to rounding);
        // `clamp` keeps rounding errors from moving a point into the border.
        let [row, column] = self.grid_position(x, y);
        let (row, column) = (row as usize, column as usize);
        (
            row.clamp(border_rows, self.rows - 1 - border_rows),
            column.clamp(border_columns, self.columns - 1 - border_columns),
        )
    }

    /// How many cells (band, column) there are: cell `r * columns + c` is band `r`, column `c`.
    pub fn cell_count(&self) -> usize {
        self.rows * self.columns
    }

    /// The cells that can hold points closer than `max_dist` to `(x, y)`: in the band
    /// of its row, from two columns left to two columns right of its column.
    /// Consecutive numbers, so their entries are one run. Empty when `(x, y)` is too
    /// far from every point.
    pub fn cells_near(&self, x: f64, y: f64) -> PyResult<Range<usize>> {
        // exercise: poly_match_v6 hard: the cells near (x, y): its row's band, two columns each side of its column
        let reach = COLUMNS_PER_ROW; // columns each side
        let (row, column) = if self.one_cell {
            (BORDER_ROWS, BORDER_ROWS * COLUMNS_PER_ROW)
        } else {
            let [row, column] = self.grid_position(x, y);
            // Outside the bands, or so near their edge that the run would leave
            // them: more than max_dist from every point. (False for NaN too.)
            let inside = row >= 0.0
                && row < self.rows as f64
                && column >= reach as f64
                && column < (self.columns - reach) as f64;
            if !inside {
                return Ok(0..0);
            }
            // Through `u32` (the grid has fewer than 2^31 rows and columns, see
            // `MAX_CELLS`): converting a float to `u32` takes fewer instructions than
            // to `usize`, and this runs once per polygon.
            (row as u32 as usize, column as u32 as usize)
        };
        let first = row * self.columns + column - reach;
        Ok(first..first + 2 * reach + 1)
        // stub:
        // todo_exercise!("poly_match_v6", "find the cells near a position")
        // end exercise: poly_match_v6 hard
    }

    /// The entries of the cells `cells` (one run: the cells are consecutive).
    pub fn entries_in(&self, cells: Range<usize>) -> &[BandEntry] {
        let run = match (self.start.get(cells.start), self.start.get(cells.end)) {
            (Some(&start), Some(&end)) => self.entries.get(start..end),
            _ => None,
        };
        run.unwrap_or_default()
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
    // exercise: poly_match_v6 hard: visit the polygons in input order and update the best polygon of each nearby point
    let bands = PointBands::new(points, max_dist)?;
    let max_dist_squared = max_dist * max_dist;
    // For each point: the area a polygon must be below to replace its best polygon
    // so far (`best area * (1 - AREA_RTOL)`), and that polygon's index. Infinity
    // means "none yet": the first close polygon wins.
    let mut threshold = vec![f64::INFINITY; points.len()];
    let mut best_polygon = vec![None; points.len()];
    // For each run of cells (numbered by its first cell): a number at least as
    // large as the threshold of every point in the run. Thresholds only go down, so
    // the number stays an upper bound; scanning the run makes it exact again.
    let mut run_bound = vec![f64::INFINITY; bands.cell_count()];
    let centers = polygons.center_x.iter().zip(&polygons.center_y);
    for (polygon, ((&center_x, &center_y), &area)) in centers.zip(&polygons.area).enumerate() {
        let cells = bands.cells_near(center_x, center_y)?;
        // exercise: poly_match_v6 intermediate: skip the run if its bound says that no point can take this polygon; otherwise test each entry (tie rule, squared distance) and store the run's new bound
        if cells.is_empty() {
            continue; // no point anywhere near this centre
        }
        let Some(bound) = run_bound.get_mut(cells.start) else {
            continue;
        };
        if area >= *bound {
            // Every point of the run already has a polygon at least as small: most
            // polygons stop here, without reading a single point.
            continue;
        }
        let mut largest_threshold = f64::NEG_INFINITY;
        for entry in bands.entries_in(cells) {
            let Some(point_threshold) = threshold.get_mut(entry.point) else {
                continue;
            };
            // `&` rather than `&&`: both tests are cheap, and one combined branch is
            // easier for the processor to predict than two.
            let close =
                (entry.x - center_x).powi(2) + (entry.y - center_y).powi(2) < max_dist_squared;
            if (area < *point_threshold) & close {
                // exercise: poly_match_v6 easy: the tie rule: this polygon is the new best; what must the next one beat?
                *point_threshold = area * (1.0 - AREA_RTOL);
                // stub:
                // todo_exercise!("poly_match_v6", "apply the tie rule");
                // end exercise: poly_match_v6 easy
                if let Some(best) = best_polygon.get_mut(entry.point) {
                    *best = Some(polygon);
                }
            }
            // A plain comparison: `f64::max` also handles NaN, which costs more here.
            if *point_threshold > largest_threshold {
                largest_threshold = *point_threshold;
            }
        }
        *bound = largest_threshold;
        // stub:
        // todo_exercise!("poly_match_v6", "update the best polygon of the points near this centre");
        // end exercise: poly_match_v6 intermediate
    }
    Ok(best_polygon)
    // stub:
    // todo_exercise!("poly_match_v6", "find the best polygon of every point")
    // end exercise: poly_match_v6 hard
}

/// The `(point, polygon)` pairs of v0's `main`: for every point (in input order)
/// that has a polygon whose centre is closer than `max_dist`, the one with the
/// smallest area (first in input order among equal areas, see `AREA_RTOL`).
///
/// `polygons` are `poly_match_rs.v6.Polygon` objects, `points` float64 arrays `[x, y]`;
/// the pairs hold these same objects.
#[pyfunction]
pub fn find_best_polygons<'py>(
    py: Python<'py>,
    polygons: &Bound<'py, PyAny>,
    points: &Bound<'py, PyAny>,
    #[pyo3(from_py_with = checks::max_dist_arg)] max_dist: f64,
) -> PyResult<Vec<(Bound<'py, PyAny>, Bound<'py, PyAny>)>> {
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
}

/// Stage v6: v5 with a spatial index (bands of points).
#[pymodule(submodule)]
pub mod v6 {
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

    /// The run bounds skip polygons; whatever the order of the areas, no update may be lost.
    #[test]
    fn skipping_runs_loses_no_update_whatever_the_order_of_areas() {
        let (mut polygons, points) = random_case(7, 600, 150, 50.0);
        let count = polygons.len();
        let mut numbers = Numbers(99);
        let random: Vec<f64> = (0..count).map(|_| numbers.uniform(0.5, 1.5)).collect();
        // Areas a hair apart (0.01 %): a bound even slightly too low would skip updates.
        let close_together: Vec<f64> = (0..count)
            .map(|_| 1.0 + 1e-4 * numbers.uniform(0.0, 20.0).floor())
            .collect();
        let orders = [
            (
                "decreasing",
                (0..count).map(|i| 2.0 - i as f64 / count as f64).collect(),
            ),
            (
                "increasing",
                (0..count).map(|i| 1.0 + i as f64 / count as f64).collect(),
            ),
            ("all equal", vec![1.0; count]),
            ("random", random),
            ("close together", close_together),
        ];
        for (name, areas) in orders {
            polygons.area = areas;
            for max_dist in [1.0, 4.0, 15.0] {
                assert_eq!(
                    best_polygon_per_point(&polygons, &points, max_dist).unwrap(),
                    brute_force(&polygons, &points, max_dist),
                    "areas {name}, max_dist {max_dist}"
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

    #[test]
    fn bands_never_have_more_cells_than_allowed() {
        let points: Vec<[f64; 2]> = (0..10).map(|i| [f64::from(i) * 1e6, 0.0]).collect();
        let bands = PointBands::new(&points, 1e-9).unwrap();
        let inner_columns = bands.columns - 2 * BORDER_ROWS * COLUMNS_PER_ROW;
        let inner_rows = bands.rows - 2 * BORDER_ROWS;
        assert!(inner_columns * inner_rows <= MAX_CELLS_PER_POINT * points.len() + 16);
        assert!(1.0 / bands.rows_per_unit >= 1e-9);
        assert!(!bands.one_cell);
    }

    #[test]
    fn every_point_is_in_three_bands_and_far_centres_see_none() {
        let points = [[0.0, 0.0], [3.0, 4.0], [0.5, 9.0]];
        let bands = PointBands::new(&points, 1.0).unwrap();
        assert_eq!(bands.entries.len(), 3 * points.len());
        for point in 0..points.len() {
            let copies = bands.entries.iter().filter(|e| e.point == point).count();
            assert_eq!(copies, 3);
        }
        let near = bands.cells_near(3.2, 4.1).unwrap();
        assert_eq!(near.len(), 2 * COLUMNS_PER_ROW + 1);
        assert!(near.end <= bands.cell_count());
        assert!(bands.entries_in(near).iter().any(|e| e.point == 1));
        assert!(bands.cells_near(100.0, 4.0).unwrap().is_empty());
        assert!(bands.cells_near(f64::NAN, 4.0).unwrap().is_empty());
    }
}
