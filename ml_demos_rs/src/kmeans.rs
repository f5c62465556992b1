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
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
use rayon::prelude::*;

// The steps of Lloyd's algorithm, one file each; this file holds the loop (`fit`) and
// what the steps share.
mod assign;
mod bounds;
mod init;
#[cfg(test)]
mod tests;
mod update;

pub use assign::{assignment_step, Step};
pub use bounds::{fit_counting, fit_with_bounds};
pub use init::{initial_centroids, kmeans_plus_plus};
pub use update::{relocate_empty_clusters, update_centroids};

/// Rows handed to one matrix product in the assignment step (small enough for the
/// scores of a chunk to stay in the CPU cache; scikit-learn uses the same size).
pub(crate) const CHUNK_ROWS: usize = 256;
/// Rows per block: the unit of parallel work, and of the (ordered) partial sums.
pub(crate) const BLOCK_ROWS: usize = 32 * CHUNK_ROWS;
/// Below this many multiply-adds per pass (rows x clusters x features), handing the
/// blocks to other threads costs more than it saves: the pass runs on one thread.
pub(crate) const PARALLEL_WORK: usize = 1 << 17;

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
    // end exercise: kmeans_rust_scratch hard
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
    // end exercise: kmeans_rust_scratch intermediate
}

/// Run `job` on every block of rows (`BLOCK_ROWS` rows; the job gets the block and
/// the index of its first row), on all cores when the pass does enough work
/// (`work_per_row` multiply-adds per row), and return the results in block order.
pub(crate) fn map_blocks<'a, T, F>(
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
pub(crate) fn contiguous<'a>(data: ArrayView2<'a, f64>) -> Result<&'a [f64]> {
    data.to_slice()
        .ok_or_else(|| Error::value("data must be in standard (C) layout here"))
}

/// Squared Euclidean distance between two points.
pub(crate) fn squared_distance(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

/// A label as an index into the centroids (an error, not a panic, if out of range).
pub(crate) fn cluster_index(label: i64, n_clusters: usize) -> Result<usize> {
    usize::try_from(label)
        .ok()
        .filter(|&j| j < n_clusters)
        .ok_or_else(|| Error::value(format!("label {label} is not in 0..{n_clusters}")))
}

/// The centroid of cluster `label`, from the centroids stored row after row.
pub(crate) fn centroid_row(centroids: &[f64], label: i64, n_features: usize) -> Result<&[f64]> {
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
    // end exercise: kmeans_rust_scratch hard
}
