//! k-means clustering (Lloyd's algorithm), written from scratch on ndarray views.
//!
//! The steps follow scikit-learn's `KMeans(algorithm="lloyd", n_init=1)` closely, so
//! that, given the same initial centroids, both find the same labels and centroids:
//!
//! 1. **initial centroids**: k-means++ (each new centroid is a data point drawn with a
//!    probability proportional to its squared distance to the nearest centroid chosen
//!    so far), `k` distinct random rows, or centroids given by the caller;
//! 2. **assignment**: every row gets the label of its nearest centroid, and the rows of
//!    each cluster are summed on the way (rayon shares the rows between the cores);
//! 3. **update**: each centroid becomes the mean of its rows. A cluster left empty is
//!    given the point farthest from its centroid, as scikit-learn does (an empty
//!    cluster is never moved to the origin);
//! 4. stop when no label changed, when the centroids moved less than the tolerance, or
//!    after `max_iter` iterations. The tolerance is relative to the data, as in
//!    scikit-learn: `tol` times the mean variance of the features; `tol = 0` runs until
//!    the labels stop changing.
//!
//! Results do not depend on the number of threads: the rows are cut into fixed blocks
//! whose partial sums are added in block order.

pub use lesson_support::random::rng_from_seed;
use lesson_support::{Error, Result};
use ndarray::linalg::general_mat_mul;
use ndarray::{s, Array1, Array2, ArrayView1, ArrayView2, Axis};
use rand::distr::weighted::WeightedIndex;
use rand::distr::Distribution;
use rand::Rng;
use rayon::prelude::*;

/// Rows handed to one matrix product in the assignment step (small enough for the
/// scores of a chunk to stay in the CPU cache; scikit-learn uses the same size).
const CHUNK_ROWS: usize = 256;
/// Rows per block: the unit of parallel work, and of the (ordered) partial sums.
const BLOCK_ROWS: usize = 32 * CHUNK_ROWS;
/// Below this many multiply-adds per pass (rows x clusters x features), handing the
/// blocks to other threads costs more than it saves: the pass runs on one thread.
const PARALLEL_WORK: usize = 1 << 17;

/// How the first centroids are chosen.
#[derive(Clone, Debug)]
pub enum Init<'a> {
    /// k-means++: spread the centroids out, drawing points by squared distance.
    KMeansPlusPlus,
    /// `n_clusters` distinct rows drawn uniformly.
    Random,
    /// Centroids given by the caller, shape `(n_clusters, n_features)`.
    Centroids(ArrayView2<'a, f64>),
}

/// The settings of one k-means run.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// Number of clusters `k` (at least 1, at most the number of rows).
    pub n_clusters: usize,
    /// Most iterations to run (at least 1).
    pub max_iter: usize,
    /// Stop when the squared centroid shift is at most `tol` times the mean feature
    /// variance; `0` runs until no label changes.
    pub tol: f64,
    /// Seed of the random initialisation; `None` draws one from the operating system.
    pub seed: Option<u64>,
}

impl Options {
    /// `n_clusters` clusters with the defaults of the Python API: 300 iterations at
    /// most, `tol = 1e-6`, no seed.
    pub fn new(n_clusters: usize) -> Self {
        Options {
            n_clusters,
            max_iter: 300,
            tol: 1e-6,
            seed: None,
        }
    }
}

/// What a k-means run found.
#[derive(Clone, Debug)]
pub struct KMeansFit {
    /// `(n_clusters, n_features)`: the mean of each cluster.
    pub centroids: Array2<f64>,
    /// `(n_samples,)`: the cluster of each row, `0..n_clusters`.
    pub labels: Array1<i64>,
    /// Sum of the squared distances from each row to its centroid.
    pub inertia: f64,
    /// Iterations run (assignment + update steps).
    pub n_iter: usize,
}

/// Check the arguments of [`fit`]; every message names the argument at fault.
pub fn validate(data: ArrayView2<f64>, init: &Init, options: &Options) -> Result<()> {
    let (n_samples, n_features) = data.dim();
    if n_samples == 0 {
        return Err(Error::value(
            "data is empty: k-means needs at least one row (sample)",
        ));
    }
    if n_features == 0 {
        return Err(Error::value(
            "data has no columns: k-means needs at least one feature",
        ));
    }
    if options.n_clusters == 0 {
        return Err(Error::value("n_clusters must be at least 1, got 0"));
    }
    if options.n_clusters > n_samples {
        return Err(Error::value(format!(
            "n_clusters={} is larger than the number of samples ({n_samples}): \
             there cannot be more clusters than rows",
            options.n_clusters
        )));
    }
    if options.max_iter == 0 {
        return Err(Error::value("max_iter must be at least 1, got 0"));
    }
    if !(options.tol.is_finite() && options.tol >= 0.0) {
        return Err(Error::value(format!(
            "tol must be a finite number >= 0, got {}",
            options.tol
        )));
    }
    if let Init::Centroids(centroids) = init {
        let expected = (options.n_clusters, n_features);
        if centroids.dim() != expected {
            return Err(Error::value(format!(
                "init must have shape (n_clusters, n_features) = {expected:?}, got {:?}",
                centroids.dim()
            )));
        }
        if centroids.iter().any(|v| !v.is_finite()) {
            return Err(Error::value("init contains NaN or infinity"));
        }
    }
    Ok(())
}

/// Cluster the rows of `data` into `options.n_clusters` groups with Lloyd's algorithm.
///
/// `data` is `(n_samples, n_features)`; any memory layout works (a non-contiguous view
/// is copied once). Errors name the argument at fault (empty data, `n_clusters` out of
/// range, NaN or infinity in the data, `init` of the wrong shape, ...).
pub fn fit(data: ArrayView2<f64>, init: &Init, options: &Options) -> Result<KMeansFit> {
    // exercise: kmeans_rust_scratch hard: write Lloyd's algorithm: first centroids, then assignment and update steps until the labels settle
    validate(data, init, options)?;
    let data = data.as_standard_layout();
    let data = data.view();
    let (mean, finite) = column_means(data)?;
    if !finite {
        return Err(Error::value(
            "data contains NaN or infinity: remove or impute those values first",
        ));
    }
    let mut rng = rng_from_seed(options.seed);
    let mut centroids = initial_centroids(data, init, options.n_clusters, &mut rng)?;
    let tol = scaled_tolerance(data, mean.view(), options.tol)?;

    // -1 is "no cluster yet", so that the first iteration always counts as a change.
    let mut labels = vec![-1_i64; data.nrows()];
    let mut n_iter = 0;
    let mut labels_stable = false;
    for iteration in 1..=options.max_iter {
        n_iter = iteration;
        let step = assignment_step(data, centroids.view(), mean.view(), &mut labels, true)?;
        let n_changed = step.n_changed;
        let new_centroids = update_centroids(data, centroids.view(), &labels, step)?;
        let shift = squared_shift(centroids.view(), new_centroids.view());
        centroids = new_centroids;
        match stopping_rule(n_changed, shift, tol)? {
            Stop::LabelsStable => {
                labels_stable = true;
                break;
            }
            Stop::SmallShift => break,
            Stop::Continue => {}
        }
    }
    if !labels_stable {
        // The last update moved the centroids: label the rows again so that the
        // labels belong to the centroids we return (scikit-learn does the same).
        assignment_step(data, centroids.view(), mean.view(), &mut labels, false)?;
    }
    let inertia = inertia(data, centroids.view(), &labels)?;
    Ok(KMeansFit {
        centroids,
        labels: Array1::from(labels),
        inertia,
        n_iter,
    })
    // stub:
    // todo_exercise!("kmeans_rust_scratch", "write Lloyd's algorithm: first centroids, then assignment and update steps until the labels settle")
    // end exercise
}

/// Why Lloyd's loop stops after an iteration, or that it goes on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// No label changed: the clustering is final.
    LabelsStable,
    /// The centroids moved by at most the tolerance (the labels may still change).
    SmallShift,
    /// Another iteration is needed.
    Continue,
}

/// The stopping rule after an iteration where `n_changed` labels changed and the
/// centroids moved by `shift` (the sum of their squared moves), for the tolerance
/// `tol` in the units of the data.
pub fn stopping_rule(n_changed: usize, shift: f64, tol: f64) -> Result<Stop> {
    // exercise: kmeans_rust_scratch intermediate: stop when no label changed, or when the centroids moved at most `tol`
    if n_changed == 0 {
        return Ok(Stop::LabelsStable);
    }
    if shift <= tol {
        return Ok(Stop::SmallShift);
    }
    Ok(Stop::Continue)
    // stub:
    // todo_exercise!("kmeans_rust_scratch", "stop when no label changed, or when the centroids moved at most `tol`")
    // end exercise
}

/// Run `job` on every block of rows (`BLOCK_ROWS` rows; the job gets the block and
/// the index of its first row), on all cores when the pass does enough work
/// (`work_per_row` multiply-adds per row), and return the results in block order.
fn map_blocks<'a, T, F>(
    rows: &'a [f64],
    n_features: usize,
    work_per_row: usize,
    job: F,
) -> Result<Vec<T>>
where
    T: Send,
    F: Fn(&'a [f64], usize) -> Result<T> + Sync,
{
    let block_len = BLOCK_ROWS * n_features;
    let run = |(index, block): (usize, &'a [f64])| job(block, index * BLOCK_ROWS);
    if rows.len() * work_per_row < PARALLEL_WORK {
        rows.chunks(block_len).enumerate().map(run).collect()
    } else {
        rows.par_chunks(block_len).enumerate().map(run).collect()
    }
}

/// The mean of every column, and whether every value is finite (one pass).
fn column_means(data: ArrayView2<f64>) -> Result<(Array1<f64>, bool)> {
    let n_features = data.ncols();
    let rows = contiguous(data)?;
    let blocks = map_blocks(rows, n_features, 1, |block, _| {
        let mut sums = vec![0.0; n_features];
        for row in block.chunks_exact(n_features) {
            for (sum, value) in sums.iter_mut().zip(row) {
                *sum += value;
            }
        }
        Ok(sums)
    })?;
    let mut total = vec![0.0; n_features];
    for sums in blocks {
        for (t, s) in total.iter_mut().zip(&sums) {
            *t += s;
        }
    }
    // A NaN or an infinity makes its column's sum non-finite. A non-finite sum can
    // also come from huge finite values, so only then look at every value.
    let finite = total.iter().all(|s| s.is_finite()) || rows.iter().all(|v| v.is_finite());
    let n_samples = data.nrows() as f64;
    Ok((total.iter().map(|s| s / n_samples).collect(), finite))
}

/// `tol` in the units of the data: `tol` times the mean variance of the columns.
fn scaled_tolerance(data: ArrayView2<f64>, mean: ArrayView1<f64>, tol: f64) -> Result<f64> {
    if tol == 0.0 {
        return Ok(0.0);
    }
    let n_features = data.ncols();
    let rows = contiguous(data)?;
    let mean = mean.to_vec();
    let blocks = map_blocks(rows, n_features, 1, |block, _| {
        Ok(block
            .chunks_exact(n_features)
            .map(|row| squared_distance(row, &mean))
            .sum::<f64>())
    })?;
    let mean_variance = blocks.iter().sum::<f64>() / (data.nrows() * n_features) as f64;
    Ok(tol * mean_variance)
}

/// The rows of a standard-layout array as one slice.
fn contiguous<'a>(data: ArrayView2<'a, f64>) -> Result<&'a [f64]> {
    data.to_slice()
        .ok_or_else(|| Error::value("data must be in standard (C) layout here"))
}

/// Pick the first centroids.
pub fn initial_centroids<R: Rng>(
    data: ArrayView2<f64>,
    init: &Init,
    n_clusters: usize,
    rng: &mut R,
) -> Result<Array2<f64>> {
    // exercise: kmeans_rust_scratch hard: pick the first centroids: k-means++, k distinct random rows, or the centroids given
    match init {
        Init::KMeansPlusPlus => kmeans_plus_plus(data, n_clusters, rng),
        Init::Random => {
            let rows = rand::seq::index::sample(rng, data.nrows(), n_clusters).into_vec();
            Ok(data.select(Axis(0), &rows))
        }
        Init::Centroids(centroids) => Ok(centroids.to_owned()),
    }
    // stub:
    // todo_exercise!("kmeans_rust_scratch", "pick the first centroids: k-means++, k distinct random rows, or the centroids given")
    // end exercise
}

/// k-means++: the first centroid is a random row; each next one is a row drawn with a
/// probability proportional to its squared distance to the nearest centroid so far.
pub fn kmeans_plus_plus<R: Rng>(
    data: ArrayView2<f64>,
    n_clusters: usize,
    rng: &mut R,
) -> Result<Array2<f64>> {
    // exercise: kmeans_rust_scratch hard: k-means++: a random first row, then each next centroid drawn with probability proportional to the squared distance to the nearest centroid so far
    let (n_samples, n_features) = data.dim();
    let rows = contiguous(data)?;
    let mut centroids = Array2::zeros((n_clusters, n_features));
    let first = rng.random_range(0..n_samples);
    centroids.row_mut(0).assign(&data.row(first));
    // Squared distance from each row to its nearest centroid chosen so far.
    let mut nearest = vec![f64::INFINITY; n_samples];
    for c in 1..n_clusters {
        let newest = centroids.row(c - 1).to_vec();
        let update = |(nearest, row): (&mut f64, &[f64])| {
            *nearest = nearest.min(squared_distance(row, &newest));
        };
        if rows.len() < PARALLEL_WORK {
            nearest
                .iter_mut()
                .zip(rows.chunks(n_features))
                .for_each(update);
        } else {
            nearest
                .par_iter_mut()
                .zip(rows.par_chunks(n_features))
                .with_min_len(BLOCK_ROWS)
                .for_each(update);
        }
        // Squared distances too large for a float64 make the total weight infinite:
        // say so, rather than drawing from it.
        if !nearest.iter().sum::<f64>().is_finite() {
            return Err(Error::value(
                "data holds values too large for k-means in float64: the squared \
                 distances overflow; rescale the data (e.g. divide by its standard deviation)",
            ));
        }
        // exercise: kmeans_rust_scratch intermediate: draw the next centroid: row i with a probability proportional to nearest[i] (rand's WeightedIndex)
        let chosen = match WeightedIndex::new(&nearest) {
            Ok(weights) => weights.sample(rng),
            // Every row sits on a centroid already (fewer distinct rows than
            // clusters): any row will do.
            Err(_) => rng.random_range(0..n_samples),
        };
        // stub:
        // let chosen: usize = todo_exercise!("kmeans_rust_scratch", "draw the next centroid: row i with a probability proportional to nearest[i] (rand's WeightedIndex)");
        // end exercise

        centroids.row_mut(c).assign(&data.row(chosen));
    }
    Ok(centroids)
    // stub:
    // todo_exercise!("kmeans_rust_scratch", "k-means++: a random first row, then each next centroid drawn with probability proportional to the squared distance to the nearest centroid so far")
    // end exercise
}

/// Squared Euclidean distance between two points.
fn squared_distance(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

/// What one assignment step found: the per-cluster sums and counts of the rows (when
/// asked for) and how many labels changed.
#[derive(Clone, Debug)]
pub struct Step {
    /// `(n_clusters, n_features)`: sum of the rows of each cluster.
    pub sums: Array2<f64>,
    /// Rows in each cluster.
    pub counts: Vec<usize>,
    /// Rows whose label changed.
    pub n_changed: usize,
}

impl Step {
    fn zeros(n_clusters: usize, n_features: usize) -> Self {
        Step {
            sums: Array2::zeros((n_clusters, n_features)),
            counts: vec![0; n_clusters],
            n_changed: 0,
        }
    }

    fn add(mut self, other: Step) -> Self {
        self.sums += &other.sums;
        for (count, more) in self.counts.iter_mut().zip(&other.counts) {
            *count += more;
        }
        self.n_changed += other.n_changed;
        self
    }
}

/// With more features than this (and more than 2 clusters) the distances are computed
/// with a matrix product; for fewer, the plain (unrolled) loop is faster (measured).
const MAX_FEATURES_PLAIN_LOOP: usize = 4;

/// The centroids, ready for the distance computations of one assignment step.
struct Scorer {
    centroids: Array2<f64>,
    /// For the matrix-product way: the centroids measured from the data's mean,
    /// and the per-centroid constant of the score (see [`assignment_step`]).
    product: Option<(Array2<f64>, Array1<f64>)>,
}

impl Scorer {
    fn new(centroids: ArrayView2<f64>, mean: ArrayView1<f64>) -> Self {
        let (n_clusters, n_features) = centroids.dim();
        let use_product = n_features > MAX_FEATURES_PLAIN_LOOP && n_clusters > 2;
        let product = use_product.then(|| {
            let shifted = &centroids - &mean;
            let offsets = shifted
                .rows()
                .into_iter()
                .map(|c| c.dot(&c) + 2.0 * mean.dot(&c))
                .collect();
            (shifted, offsets)
        });
        Scorer {
            centroids: centroids.as_standard_layout().into_owned(),
            product,
        }
    }

    /// The nearest centroid of every row of `chunk`, written to `nearest`.
    /// `scores` is work space of at least `CHUNK_ROWS x n_clusters`.
    #[inline(always)]
    fn nearest(
        &self,
        chunk: &[f64],
        n_features: usize,
        nearest: &mut [usize],
        scores: &mut Array2<f64>,
    ) -> Result<()> {
        // exercise: kmeans_rust_scratch hard: find the nearest centroid of every row of the chunk (a matrix product for many features, squared distances for a few)
        let centroids = contiguous(self.centroids.view())?;
        match &self.product {
            Some((shifted, offsets)) => {
                let chunk = ArrayView2::from_shape((nearest.len(), n_features), chunk)
                    .map_err(|err| Error::value(format!("data: {err}")))?;
                let mut products = scores.slice_mut(s![..nearest.len(), ..]);
                // products = -2 * chunk . shifted^T; the score adds the offsets.
                general_mat_mul(-2.0, &chunk, &shifted.t(), 0.0, &mut products);
                let products = products
                    .as_slice()
                    .ok_or_else(|| Error::value("scores must be contiguous"))?;
                let offsets = offsets
                    .as_slice()
                    .ok_or_else(|| Error::value("offsets must be contiguous"))?;
                for (best, row) in nearest.iter_mut().zip(products.chunks_exact(offsets.len())) {
                    *best = argmin(row.iter().zip(offsets).map(|(p, o)| p + o));
                }
            }
            None => nearest_by_distance(chunk, centroids, n_features, nearest)?,
        }
        Ok(())
        // stub:
        // todo_exercise!("kmeans_rust_scratch", "find the nearest centroid of every row of the chunk (a matrix product for many features, squared distances for a few)")
        // end exercise
    }
}

/// The nearest centroid of each row, comparing squared distances.
#[inline(always)]
fn nearest_by_distance(
    chunk: &[f64],
    centroids: &[f64],
    n_features: usize,
    nearest: &mut [usize],
) -> Result<()> {
    // exercise: kmeans_rust_scratch intermediate: for each row, the index of the centroid at the smallest squared distance (argmin of squared_distance)
    for (best, row) in nearest.iter_mut().zip(chunk.chunks_exact(n_features)) {
        *best = argmin(
            centroids
                .chunks_exact(n_features)
                .map(|centroid| squared_distance(row, centroid)),
        );
    }
    Ok(())
    // stub:
    // todo_exercise!("kmeans_rust_scratch", "for each row, the index of the centroid at the smallest squared distance (argmin of squared_distance)")
    // end exercise
}

/// Give every row the label of its nearest centroid (updating `labels` in place) and,
/// if `accumulate`, sum the rows of each cluster.
///
/// With many clusters and features the distances are computed as scikit-learn does,
/// with one matrix product per chunk of rows: `|x - c|^2 = |x|^2 - 2 x.c + |c|^2`, and
/// `|x|^2` is the same for every centroid, so the nearest centroid minimises
/// `|c|^2 - 2 x.c`. To keep the rounding error small when the data sits far from the
/// origin, the centroids are measured from the data's mean `m` (`c' = c - m`): the
/// score becomes `|c'|^2 + 2 m.c' - 2 x.c'`.
pub fn assignment_step(
    data: ArrayView2<f64>,
    centroids: ArrayView2<f64>,
    mean: ArrayView1<f64>,
    labels: &mut [i64],
    accumulate: bool,
) -> Result<Step> {
    // exercise: kmeans_rust_scratch hard: label every row with its nearest centroid and sum the rows of each cluster, block by block (in parallel with rayon when the work is large)
    let n_features = data.ncols();
    let n_clusters = centroids.nrows();
    let rows = contiguous(data)?;
    let scorer = Scorer::new(centroids, mean);
    let block = |(block_rows, block_labels): (&[f64], &mut [i64])| {
        assign_block(block_rows, block_labels, &scorer, accumulate)
    };
    let partials: Vec<Step> = if rows.len() * n_clusters < PARALLEL_WORK {
        rows.chunks(BLOCK_ROWS * n_features)
            .zip(labels.chunks_mut(BLOCK_ROWS))
            .map(block)
            .collect::<Result<_>>()?
    } else {
        rows.par_chunks(BLOCK_ROWS * n_features)
            .zip(labels.par_chunks_mut(BLOCK_ROWS))
            .map(block)
            .collect::<Result<_>>()?
    };
    // Adding the blocks in order keeps the sums identical whatever the thread count.
    Ok(partials
        .into_iter()
        .fold(Step::zeros(n_clusters, n_features), Step::add))
    // stub:
    // todo_exercise!("kmeans_rust_scratch", "label every row with its nearest centroid and sum the rows of each cluster, block by block (in parallel with rayon when the work is large)")
    // end exercise
}

/// The assignment step for one block of rows.
fn assign_block(
    rows: &[f64],
    labels: &mut [i64],
    scorer: &Scorer,
    accumulate: bool,
) -> Result<Step> {
    // exercise: kmeans_rust_scratch hard: call assign_rows with the number of features (a literal 1 to 4 lets the compiler unroll the loops)
    // Called with a literal width, the (inlined) loops below know how many features
    // a row has and the compiler unrolls them: much faster for the usual 2-D data.
    match scorer.centroids.ncols() {
        1 => assign_rows(rows, labels, scorer, accumulate, 1),
        2 => assign_rows(rows, labels, scorer, accumulate, 2),
        3 => assign_rows(rows, labels, scorer, accumulate, 3),
        4 => assign_rows(rows, labels, scorer, accumulate, 4),
        n_features => assign_rows(rows, labels, scorer, accumulate, n_features),
    }
    // stub:
    // todo_exercise!("kmeans_rust_scratch", "call assign_rows with the number of features (a literal 1 to 4 lets the compiler unroll the loops)")
    // end exercise
}

/// [`assign_block`] for rows of `n_features` values.
#[inline(always)]
fn assign_rows(
    rows: &[f64],
    labels: &mut [i64],
    scorer: &Scorer,
    accumulate: bool,
    n_features: usize,
) -> Result<Step> {
    // exercise: kmeans_rust_scratch hard: for each chunk of rows: find the nearest centroids, count the labels that change, and add each row to its cluster's sum
    let n_clusters = scorer.centroids.nrows();
    let mut step = Step::zeros(n_clusters, n_features);
    let mut sums = vec![0.0; n_clusters * n_features];
    let mut scores = Array2::<f64>::zeros((CHUNK_ROWS, n_clusters));
    let mut nearest = [0_usize; CHUNK_ROWS];
    for (chunk, chunk_labels) in rows
        .chunks(CHUNK_ROWS * n_features)
        .zip(labels.chunks_mut(CHUNK_ROWS))
    {
        let nearest = &mut nearest[..chunk_labels.len()];
        scorer.nearest(chunk, n_features, nearest, &mut scores)?;
        for ((row, &cluster), label) in chunk
            .chunks_exact(n_features)
            .zip(nearest.iter())
            .zip(chunk_labels.iter_mut())
        {
            if *label != cluster as i64 {
                *label = cluster as i64;
                step.n_changed += 1;
            }
            if accumulate {
                // exercise: kmeans_rust_scratch easy: add the row to the sum of its cluster (in `sums`, row after row) and count it in `step.counts`
                let start = cluster * n_features;
                for (sum, x) in sums[start..start + n_features].iter_mut().zip(row) {
                    *sum += x;
                }
                step.counts[cluster] += 1;
                // stub:
                // todo_exercise!("kmeans_rust_scratch", "add the row to the sum of its cluster (in `sums`, row after row) and count it in `step.counts`");
                // end exercise
            }
        }
    }
    step.sums = Array2::from_shape_vec((n_clusters, n_features), sums)
        .map_err(|err| Error::value(format!("sums: {err}")))?;
    Ok(step)
    // stub:
    // todo_exercise!("kmeans_rust_scratch", "for each chunk of rows: find the nearest centroids, count the labels that change, and add each row to its cluster's sum")
    // end exercise
}

/// Index of the smallest value (the first one on ties, like NumPy's argmin).
fn argmin(values: impl Iterator<Item = f64>) -> usize {
    let mut best = 0;
    let mut best_value = f64::INFINITY;
    for (i, value) in values.enumerate() {
        // Both updates without a branch: the CPU never guesses wrong here.
        let closer = value < best_value;
        best = if closer { i } else { best };
        best_value = if closer { value } else { best_value };
    }
    best
}

/// New centroids from the sums and counts of an assignment step: relocate the empty
/// clusters, then divide each sum by its count.
pub fn update_centroids(
    data: ArrayView2<f64>,
    old_centroids: ArrayView2<f64>,
    labels: &[i64],
    mut step: Step,
) -> Result<Array2<f64>> {
    // exercise: kmeans_rust_scratch hard: the new centroids: relocate the empty clusters, then divide each cluster's sum by its count
    relocate_empty_clusters(data, old_centroids, labels, &mut step)?;
    let mut centroids = step.sums;
    for (mut centroid, &count) in centroids.rows_mut().into_iter().zip(&step.counts) {
        // exercise: kmeans_rust_scratch easy: turn the sum of the cluster into its mean
        if count > 0 {
            centroid /= count as f64;
        }
        // stub:
        // todo_exercise!("kmeans_rust_scratch", "turn the sum of the cluster into its mean");
        // end exercise
    }
    // A cluster can still be empty when there are fewer distinct rows than clusters;
    // like scikit-learn, put it on the biggest cluster rather than at the origin.
    let biggest = (0..step.counts.len())
        .max_by_key(|&j| (step.counts[j], std::cmp::Reverse(j)))
        .unwrap_or(0);
    let biggest_centroid = centroids.row(biggest).to_owned();
    for (mut centroid, &count) in centroids.rows_mut().into_iter().zip(&step.counts) {
        if count == 0 {
            centroid.assign(&biggest_centroid);
        }
    }
    Ok(centroids)
    // stub:
    // todo_exercise!("kmeans_rust_scratch", "the new centroids: relocate the empty clusters, then divide each cluster's sum by its count")
    // end exercise
}

/// Give each empty cluster one of the rows farthest from their centroid (the farthest
/// row to the empty cluster with the smallest index, and so on), as scikit-learn does.
pub fn relocate_empty_clusters(
    data: ArrayView2<f64>,
    old_centroids: ArrayView2<f64>,
    labels: &[i64],
    step: &mut Step,
) -> Result<()> {
    // exercise: kmeans_rust_scratch hard: give each empty cluster one of the rows farthest from their own centroid (the farthest to the lowest cluster number)
    let empty: Vec<usize> = (0..step.counts.len())
        .filter(|&j| step.counts[j] == 0)
        .collect();
    if empty.is_empty() {
        return Ok(());
    }
    let distances = distances_to_own_centroid(data, old_centroids, labels)?;
    if distances.iter().all(|&d| d == 0.0) {
        return Ok(()); // every row sits on its centroid: nothing to move
    }
    // The rows sorted by decreasing distance (ties: the lower row first).
    let mut farthest: Vec<usize> = (0..distances.len()).collect();
    let by_distance = |a: &usize, b: &usize| distances[*b].total_cmp(&distances[*a]).then(a.cmp(b));
    if empty.len() < farthest.len() {
        farthest.select_nth_unstable_by(empty.len(), by_distance);
        farthest.truncate(empty.len());
    }
    farthest.sort_unstable_by(by_distance);
    // exercise: kmeans_rust_scratch intermediate: move each chosen row: out of its old cluster's sum and count, into the empty cluster
    for (&cluster, &row) in empty.iter().zip(&farthest) {
        let old_cluster = cluster_index(labels[row], step.counts.len())?;
        let point = data.row(row);
        let mut old_sum = step.sums.row_mut(old_cluster);
        old_sum -= &point;
        step.counts[old_cluster] = step.counts[old_cluster].saturating_sub(1);
        step.sums.row_mut(cluster).assign(&point);
        step.counts[cluster] = 1;
    }
    // stub:
    // todo_exercise!("kmeans_rust_scratch", "move each chosen row: out of its old cluster's sum and count, into the empty cluster");
    // end exercise
    Ok(())
    // stub:
    // todo_exercise!("kmeans_rust_scratch", "give each empty cluster one of the rows farthest from their own centroid (the farthest to the lowest cluster number)")
    // end exercise
}

/// Squared distance from every row to the centroid of its label.
fn distances_to_own_centroid(
    data: ArrayView2<f64>,
    centroids: ArrayView2<f64>,
    labels: &[i64],
) -> Result<Vec<f64>> {
    let n_features = data.ncols();
    let centroids = centroids.as_standard_layout();
    let centroids = contiguous(centroids.view())?;
    let blocks = map_blocks(contiguous(data)?, n_features, 1, |block, first| {
        block
            .chunks_exact(n_features)
            .zip(&labels[first..])
            .map(|(row, &label)| {
                let centroid = centroid_row(centroids, label, n_features)?;
                Ok(squared_distance(row, centroid))
            })
            .collect::<Result<Vec<f64>>>()
    })?;
    Ok(blocks.concat())
}

/// A label as an index into the centroids (an error, not a panic, if out of range).
fn cluster_index(label: i64, n_clusters: usize) -> Result<usize> {
    usize::try_from(label)
        .ok()
        .filter(|&j| j < n_clusters)
        .ok_or_else(|| Error::value(format!("label {label} is not in 0..{n_clusters}")))
}

/// The centroid of cluster `label`, from the centroids stored row after row.
fn centroid_row(centroids: &[f64], label: i64, n_features: usize) -> Result<&[f64]> {
    let cluster = cluster_index(label, centroids.len() / n_features)?;
    Ok(&centroids[cluster * n_features..(cluster + 1) * n_features])
}

/// Sum of the squared distances between old and new centroids.
fn squared_shift(old: ArrayView2<f64>, new: ArrayView2<f64>) -> f64 {
    old.iter().zip(new).map(|(a, b)| (a - b) * (a - b)).sum()
}

/// Sum of the squared distances from each row to the centroid of its label.
pub fn inertia(data: ArrayView2<f64>, centroids: ArrayView2<f64>, labels: &[i64]) -> Result<f64> {
    // exercise: kmeans_rust_scratch hard: sum, over the rows, the squared distance to the centroid of their label
    let n_features = data.ncols();
    if labels.len() != data.nrows() {
        return Err(Error::value(format!(
            "labels has {} entries for {} rows",
            labels.len(),
            data.nrows()
        )));
    }
    let centroids = centroids.as_standard_layout();
    let centroids = contiguous(centroids.view())?;
    let blocks = map_blocks(contiguous(data)?, n_features, 1, |block, first| {
        block
            .chunks_exact(n_features)
            .zip(&labels[first..])
            .map(|(row, &label)| {
                let centroid = centroid_row(centroids, label, n_features)?;
                Ok(squared_distance(row, centroid))
            })
            .sum::<Result<f64>>()
    })?;
    Ok(blocks.iter().sum())
    // stub:
    // todo_exercise!("kmeans_rust_scratch", "sum, over the rows, the squared distance to the centroid of their label")
    // end exercise
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    /// Two obvious groups on a line, around 0 and around 10.
    fn two_groups() -> Array2<f64> {
        array![[0.0], [1.0], [2.0], [9.0], [10.0], [11.0]]
    }

    fn options(k: usize) -> Options {
        Options {
            tol: 0.0,
            seed: Some(7),
            ..Options::new(k)
        }
    }

    #[test]
    fn finds_two_groups_from_given_centroids() {
        let data = two_groups();
        let init = array![[0.0], [1.0]];
        let fit = fit(data.view(), &Init::Centroids(init.view()), &options(2)).unwrap();
        assert_eq!(fit.labels.to_vec(), vec![0, 0, 0, 1, 1, 1]);
        assert_eq!(fit.centroids, array![[1.0], [10.0]]);
        assert_eq!(fit.inertia, 4.0); // 1 + 0 + 1 on each side
                                      // Iteration 1 moves the second centroid, 2 moves both, 3 changes no label.
        assert_eq!(fit.n_iter, 3);
    }

    #[test]
    fn many_features_use_the_matrix_product_and_agree_with_plain_loops() {
        // 6 features and 3 clusters take the matrix-product path; the plain loop on
        // the same points (one feature at a time) must agree on every label.
        let mut rng = rng_from_seed(Some(1));
        let data = Array2::from_shape_fn((500, 6), |(i, _)| {
            (i % 3) as f64 * 20.0 + rng.random::<f64>() * 5.0 + 1e6
        });
        let fit_product = fit(data.view(), &Init::KMeansPlusPlus, &options(3)).unwrap();
        let scorer = Scorer::new(fit_product.centroids.view(), Array1::zeros(6).view());
        assert!(scorer.product.is_some());
        let mut direct = vec![0; 500];
        let rows = data.as_slice().unwrap();
        let centroids = fit_product.centroids.as_slice().unwrap();
        nearest_by_distance(rows, centroids, 6, &mut direct).unwrap();
        let direct: Vec<i64> = direct.iter().map(|&j| j as i64).collect();
        assert_eq!(fit_product.labels.to_vec(), direct);
        // Each group of rows ends in one cluster.
        for i in 0..500 {
            assert_eq!(fit_product.labels[i], fit_product.labels[i % 3]);
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_clustering() {
        let mut rng = rng_from_seed(Some(3));
        let data = Array2::from_shape_fn((300, 2), |_| rng.random::<f64>());
        let a = fit(data.view(), &Init::KMeansPlusPlus, &options(4)).unwrap();
        let b = fit(data.view(), &Init::KMeansPlusPlus, &options(4)).unwrap();
        assert_eq!(a.centroids, b.centroids);
        assert_eq!(a.labels, b.labels);
        let other = Options {
            seed: Some(8),
            ..options(4)
        };
        let c = initial_centroids(
            data.view(),
            &Init::KMeansPlusPlus,
            4,
            &mut rng_from_seed(other.seed),
        );
        let d = initial_centroids(
            data.view(),
            &Init::KMeansPlusPlus,
            4,
            &mut rng_from_seed(a_seed()),
        );
        assert_ne!(c.unwrap(), d.unwrap());
    }

    fn a_seed() -> Option<u64> {
        Some(7)
    }

    #[test]
    fn results_do_not_depend_on_the_number_of_threads() {
        let mut rng = rng_from_seed(Some(5));
        let data = Array2::from_shape_fn((20_000, 5), |_| rng.random::<f64>());
        let run = |threads| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| fit(data.view(), &Init::KMeansPlusPlus, &options(6)).unwrap())
        };
        let (one, two) = (run(1), run(2));
        assert_eq!(one.centroids, two.centroids);
        assert_eq!(one.labels, two.labels);
        assert_eq!(one.inertia, two.inertia);
    }

    #[test]
    fn kmeans_plus_plus_picks_distinct_rows_of_the_data() {
        let data = two_groups();
        let centroids = kmeans_plus_plus(data.view(), 3, &mut rng_from_seed(Some(0))).unwrap();
        let mut picked: Vec<f64> = centroids.iter().copied().collect();
        picked.sort_by(f64::total_cmp);
        picked.dedup();
        assert_eq!(picked.len(), 3);
        assert!(picked.iter().all(|p| data.iter().any(|x| x == p)));
    }

    #[test]
    fn an_empty_cluster_takes_the_farthest_point_not_the_origin() {
        // The third centroid is far from every point: nobody joins it in the first
        // iteration, so it moves to the point farthest from its own centroid (13,
        // 3 away from 10), as scikit-learn does.
        let data = array![[0.0], [1.0], [2.0], [9.0], [10.0], [13.0]];
        let init = array![[1.0], [10.0], [100.0]];
        let step_options = Options {
            max_iter: 1,
            ..options(3)
        };
        let fit = fit(data.view(), &Init::Centroids(init.view()), &step_options).unwrap();
        assert_eq!(fit.centroids, array![[1.0], [9.5], [13.0]]);
        // After the last update the rows are labelled again with these centroids.
        assert_eq!(fit.labels.to_vec(), vec![0, 0, 0, 1, 1, 2]);
    }

    #[test]
    fn more_clusters_than_distinct_points_stay_on_the_biggest_cluster() {
        let data = array![[1.0, 1.0], [1.0, 1.0], [1.0, 1.0]];
        let fit = fit(data.view(), &Init::KMeansPlusPlus, &options(2)).unwrap();
        assert!(fit.centroids.iter().all(|&c| c == 1.0));
        assert_eq!(fit.inertia, 0.0);
    }

    #[test]
    fn a_positive_tolerance_stops_early_and_relabels() {
        let mut rng = rng_from_seed(Some(9));
        let data = Array2::from_shape_fn((2_000, 2), |_| rng.random::<f64>());
        let exact = fit(data.view(), &Init::KMeansPlusPlus, &options(5)).unwrap();
        let loose = Options {
            tol: 1e-2,
            ..options(5)
        };
        let early = fit(data.view(), &Init::KMeansPlusPlus, &loose).unwrap();
        assert!(early.n_iter < exact.n_iter);
        // The labels belong to the centroids returned.
        let rows = data.as_slice().unwrap();
        let mut nearest = vec![0; 2_000];
        nearest_by_distance(rows, early.centroids.as_slice().unwrap(), 2, &mut nearest).unwrap();
        let nearest: Vec<i64> = nearest.iter().map(|&j| j as i64).collect();
        assert_eq!(early.labels.to_vec(), nearest);
    }

    #[test]
    fn bad_arguments_are_value_errors_naming_the_argument() {
        let data = two_groups();
        // (data, options, initial centroids, expected words of the message)
        type Case = (Array2<f64>, Options, Option<Array2<f64>>, &'static str);
        let cases: Vec<Case> = vec![
            (Array2::zeros((0, 1)), options(1), None, "data is empty"),
            (Array2::zeros((3, 0)), options(1), None, "no columns"),
            (data.clone(), options(0), None, "n_clusters"),
            (data.clone(), options(7), None, "n_clusters=7"),
            (
                data.clone(),
                Options {
                    max_iter: 0,
                    ..options(2)
                },
                None,
                "max_iter",
            ),
            (
                data.clone(),
                Options {
                    tol: -1.0,
                    ..options(2)
                },
                None,
                "tol",
            ),
            (
                data.clone(),
                Options {
                    tol: f64::NAN,
                    ..options(2)
                },
                None,
                "tol",
            ),
            (array![[0.0], [f64::NAN]], options(1), None, "NaN"),
            (
                array![[0.0], [f64::INFINITY]],
                options(1),
                None,
                "NaN or infinity",
            ),
            (
                data.clone(),
                options(2),
                Some(array![[0.0, 1.0], [1.0, 2.0]]),
                "init must have shape",
            ),
            (
                data.clone(),
                options(2),
                Some(array![[0.0], [f64::NAN]]),
                "init contains NaN",
            ),
        ];
        for (data, options, init, expected) in cases {
            let init = match &init {
                Some(centroids) => Init::Centroids(centroids.view()),
                None => Init::KMeansPlusPlus,
            };
            match fit(data.view(), &init, &options) {
                Err(Error::Value(message)) => {
                    assert!(message.contains(expected), "{message:?} lacks {expected:?}")
                }
                other => panic!("expected a ValueError about {expected:?}, got {other:?}"),
            }
        }
    }

    #[test]
    fn huge_finite_values_are_not_mistaken_for_infinity() {
        let data = array![[1e308], [1e308], [-1e308]];
        let fit = fit(
            data.view(),
            &Init::Centroids(array![[1e308], [-1e308]].view()),
            &options(2),
        )
        .unwrap();
        assert_eq!(fit.labels.to_vec(), vec![0, 0, 1]);
    }

    #[test]
    fn non_contiguous_views_give_the_same_result() {
        let data = two_groups();
        let wide = ndarray::concatenate![Axis(1), data, data];
        let column = wide.slice(s![.., 1..2]); // a strided view
        let init = array![[0.0], [1.0]];
        let a = fit(data.view(), &Init::Centroids(init.view()), &options(2)).unwrap();
        let b = fit(column, &Init::Centroids(init.view()), &options(2)).unwrap();
        assert_eq!(a.labels, b.labels);
        assert_eq!(a.centroids, b.centroids);
    }
}
