//! Step 2 of Lloyd's algorithm: the assignment. Every row gets the label of its nearest
//! centroid, and the rows of each cluster are summed on the way, block by block (rayon
//! shares the blocks between the cores when the pass is large enough).

use super::{contiguous, squared_distance, BLOCK_ROWS, CHUNK_ROWS, PARALLEL_WORK};
use lesson_support::{Error, Result};
use ndarray::linalg::general_mat_mul;
use ndarray::{s, Array1, Array2, ArrayView1, ArrayView2};
use rayon::prelude::*;

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
pub(crate) struct Scorer {
    centroids: Array2<f64>,
    /// For the matrix-product way: the centroids measured from the data's mean,
    /// and the per-centroid constant of the score (see [`assignment_step`]).
    pub(crate) product: Option<(Array2<f64>, Array1<f64>)>,
}

impl Scorer {
    pub(crate) fn new(centroids: ArrayView2<f64>, mean: ArrayView1<f64>) -> Self {
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
        // end exercise: kmeans_rust_scratch hard
    }
}

/// The nearest centroid of each row, comparing squared distances.
#[inline(always)]
pub(crate) fn nearest_by_distance(
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
    // end exercise: kmeans_rust_scratch intermediate
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
    // end exercise: kmeans_rust_scratch hard
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
    // end exercise: kmeans_rust_scratch hard
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
                // end exercise: kmeans_rust_scratch easy
            }
        }
    }
    step.sums = Array2::from_shape_vec((n_clusters, n_features), sums)
        .map_err(|err| Error::value(format!("sums: {err}")))?;
    Ok(step)
    // stub:
    // todo_exercise!("kmeans_rust_scratch", "for each chunk of rows: find the nearest centroids, count the labels that change, and add each row to its cluster's sum")
    // end exercise: kmeans_rust_scratch hard
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
