//! Step 2 of Lloyd's algorithm: the assignment. Every row gets the label of its nearest
//! centroid, and the rows of each cluster are summed on the way, block by block (rayon
//! shares the blocks between the cores when the pass is large enough).

#[cfg(test)]
use super::squared_distance;
use super::{contiguous, BLOCK_ROWS, CHUNK_ROWS, PARALLEL_WORK};
use lesson_support::{Error, Result};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
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

/// With more features than this (and more than 2 clusters) the nearest centroid is
/// found with dot products (`|c|^2 - 2 x.c`, one multiply-add per feature); for fewer,
/// the exact squared distances cost little more and round less.
const MAX_FEATURES_PLAIN_LOOP: usize = 4;

/// The centroids, ready for the distance computations of one assignment step.
pub(crate) struct Scorer {
    centroids: Array2<f64>,
    /// For the dot-product way: the centroids measured from the data's mean,
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
    ///
    /// `columns` is work space of at least `CHUNK_ROWS x n_features`: the chunk is
    /// first copied there feature after feature (all the first coordinates, then all
    /// the second ones, ...), so that the loops below handle several rows at once, one
    /// row per SIMD lane. `FMA` says whether `a * b + c` may be one fused instruction
    /// (only in the build for CPUs that have it).
    #[inline(always)]
    fn nearest<const FMA: bool>(
        &self,
        chunk: &[f64],
        n_features: usize,
        nearest: &mut [usize],
        columns: &mut [f64],
    ) -> Result<()> {
        // exercise: kmeans_rust_scratch hard: find the nearest centroid of every row of the chunk (dot products for many features, squared distances for a few), several rows at a time
        let columns = transpose(chunk, n_features, nearest.len(), columns)?;
        let centroids = contiguous(self.centroids.view())?;
        match &self.product {
            Some((shifted, offsets)) => {
                let shifted = contiguous(shifted.view())?;
                let offsets = offsets
                    .as_slice()
                    .ok_or_else(|| Error::value("offsets must be contiguous"))?;
                nearest_by_product::<FMA>(columns, shifted, offsets, n_features, nearest);
            }
            None => nearest_by_columns(columns, centroids, n_features, nearest),
        }
        Ok(())
        // stub:
        // todo_exercise!("kmeans_rust_scratch", "find the nearest centroid of every row of the chunk (dot products for many features, squared distances for a few), several rows at a time")
        // end exercise: kmeans_rust_scratch hard
    }
}

/// Rows processed together by the column loops: 16 lanes of f64 are four AVX2
/// registers, enough independent sums to keep the multiply-add units busy.
const LANES: usize = 16;

/// Copy the `n_rows` rows of `chunk` into `columns`, feature after feature: value `f`
/// of row `r` goes to `columns[f * CHUNK_ROWS + r]`. The rows after `n_rows` up to
/// the next multiple of [`LANES`] are set to 0 (they are computed and ignored).
#[inline(always)]
fn transpose<'w>(
    chunk: &[f64],
    n_features: usize,
    n_rows: usize,
    columns: &'w mut [f64],
) -> Result<&'w [f64]> {
    let columns = columns
        .get_mut(..CHUNK_ROWS * n_features)
        .filter(|_| n_rows <= CHUNK_ROWS)
        .ok_or_else(|| Error::value("the column work space is too small"))?;
    let padded = n_rows.div_ceil(LANES) * LANES;
    for (f, column) in columns.chunks_exact_mut(CHUNK_ROWS).enumerate() {
        for (value, row) in column.iter_mut().zip(chunk.chunks_exact(n_features)) {
            *value = row[f];
        }
        column[n_rows..padded].fill(0.0);
    }
    Ok(columns)
}

/// The nearest centroid of each row from the transposed rows (`columns`), comparing
/// squared distances computed exactly as [`nearest_by_distance`] does (the same
/// operations in the same order, so the same labels), [`LANES`] rows at a time.
#[inline(always)]
fn nearest_by_columns(
    columns: &[f64],
    centroids: &[f64],
    n_features: usize,
    nearest: &mut [usize],
) {
    // exercise: kmeans_rust_scratch intermediate: for LANES rows at once, the squared distance to each centroid, keeping the smallest (first on ties) and its index
    for (group, best) in nearest.chunks_mut(LANES).enumerate() {
        let first = group * LANES;
        let mut best_distance = [f64::INFINITY; LANES];
        let mut best_index = [0_usize; LANES];
        for (j, centroid) in centroids.chunks_exact(n_features).enumerate() {
            let mut distance = [0.0; LANES];
            for (f, &c) in centroid.iter().enumerate() {
                let x = &columns[f * CHUNK_ROWS + first..][..LANES];
                for (d, &x) in distance.iter_mut().zip(x) {
                    *d += (x - c) * (x - c);
                }
            }
            // Both updates without a branch, lane by lane: SIMD compare and blend.
            for lane in 0..LANES {
                let closer = distance[lane] < best_distance[lane];
                best_distance[lane] = if closer {
                    distance[lane]
                } else {
                    best_distance[lane]
                };
                best_index[lane] = if closer { j } else { best_index[lane] };
            }
        }
        best.copy_from_slice(&best_index[..best.len()]);
    }
    // stub:
    // nearest.fill(0); // every row in cluster 0 until this is written (the check fails)
    // end exercise: kmeans_rust_scratch intermediate
}

/// The nearest centroid of each row from the transposed rows (`columns`) by the
/// score `offsets[j] - 2 x.c'_j` (see [`assignment_step`]): [`LANES`] dot products
/// at once, each a chain of multiply-adds, fused into one instruction when `FMA`.
#[inline(always)]
fn nearest_by_product<const FMA: bool>(
    columns: &[f64],
    shifted: &[f64],
    offsets: &[f64],
    n_features: usize,
    nearest: &mut [usize],
) {
    // exercise: kmeans_rust_scratch intermediate: for LANES rows at once, the score offsets[j] - 2 x.c'_j of each centroid, keeping the smallest (first on ties) and its index
    for (group, best) in nearest.chunks_mut(LANES).enumerate() {
        let first = group * LANES;
        let mut best_score = [f64::INFINITY; LANES];
        let mut best_index = [0_usize; LANES];
        for (j, (centroid, &offset)) in shifted.chunks_exact(n_features).zip(offsets).enumerate() {
            let mut dot = [0.0; LANES];
            for (f, &c) in centroid.iter().enumerate() {
                let x = &columns[f * CHUNK_ROWS + first..][..LANES];
                for (d, &x) in dot.iter_mut().zip(x) {
                    *d = if FMA { x.mul_add(c, *d) } else { x * c + *d };
                }
            }
            for lane in 0..LANES {
                let score = offset - 2.0 * dot[lane];
                let closer = score < best_score[lane];
                best_score[lane] = if closer { score } else { best_score[lane] };
                best_index[lane] = if closer { j } else { best_index[lane] };
            }
        }
        best.copy_from_slice(&best_index[..best.len()]);
    }
    // stub:
    // nearest.fill(0); // every row in cluster 0 until this is written (the check fails)
    // end exercise: kmeans_rust_scratch intermediate
}

/// The nearest centroid of each row, comparing squared distances (one row at a time:
/// the plain loop the column versions above must agree with; the tests use it).
#[cfg(test)]
pub(crate) fn nearest_by_distance(
    chunk: &[f64],
    centroids: &[f64],
    n_features: usize,
    nearest: &mut [usize],
) -> Result<()> {
    for (best, row) in nearest.iter_mut().zip(chunk.chunks_exact(n_features)) {
        *best = argmin(
            centroids
                .chunks_exact(n_features)
                .map(|centroid| squared_distance(row, centroid)),
        );
    }
    Ok(())
}

/// Give every row the label of its nearest centroid (updating `labels` in place) and,
/// if `accumulate`, sum the rows of each cluster.
///
/// With many clusters and features the distances are computed as scikit-learn does:
/// `|x - c|^2 = |x|^2 - 2 x.c + |c|^2`, and `|x|^2` is the same for every centroid, so
/// the nearest centroid minimises `|c|^2 - 2 x.c`: one multiply-add per feature
/// instead of a subtraction, a multiplication and an addition. To keep the rounding
/// error small when the data sits far from the origin, the centroids are measured from
/// the data's mean `m` (`c' = c - m`): the score becomes `|c'|^2 + 2 m.c' - 2 x.c'`.
/// Each chunk of 256 rows is transposed (feature after feature) so that 16 rows are
/// handled at once, one per SIMD lane, in the AVX2 + FMA build when the CPU has it.
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

/// The assignment step for one block of rows: the build for AVX2 and FMA when the CPU
/// has them (checked once per block, a cached flag), the portable build otherwise.
fn assign_block(
    rows: &[f64],
    labels: &mut [i64],
    scorer: &Scorer,
    accumulate: bool,
) -> Result<Step> {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
        return assign_block_avx2(rows, labels, scorer, accumulate);
    }
    assign_block_generic::<false>(rows, labels, scorer, accumulate)
}

/// [`assign_block_generic`] compiled with AVX2 (4 f64 per instruction) and FMA: the
/// compiler vectorises the `LANES` loops with the wide registers.
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
fn assign_block_avx2(
    rows: &[f64],
    labels: &mut [i64],
    scorer: &Scorer,
    accumulate: bool,
) -> Result<Step> {
    #[target_feature(enable = "avx2,fma")]
    unsafe fn with_avx2(
        rows: &[f64],
        labels: &mut [i64],
        scorer: &Scorer,
        accumulate: bool,
    ) -> Result<Step> {
        assign_block_generic::<true>(rows, labels, scorer, accumulate)
    }
    // SAFETY: the only requirement of `with_avx2` is a CPU with AVX2 and FMA, which
    // the caller has checked with `is_x86_feature_detected!`.
    unsafe { with_avx2(rows, labels, scorer, accumulate) }
}

/// The assignment step for one block of rows, for either build (`FMA`).
#[inline(always)]
fn assign_block_generic<const FMA: bool>(
    rows: &[f64],
    labels: &mut [i64],
    scorer: &Scorer,
    accumulate: bool,
) -> Result<Step> {
    // exercise: kmeans_rust_scratch hard: call assign_rows with the number of features (a literal 1 to 4 lets the compiler unroll the loops)
    // Called with a literal width, the (inlined) loops below know how many features
    // a row has and the compiler unrolls them: much faster for the usual 2-D data.
    match scorer.centroids.ncols() {
        1 => assign_rows::<FMA>(rows, labels, scorer, accumulate, 1),
        2 => assign_rows::<FMA>(rows, labels, scorer, accumulate, 2),
        3 => assign_rows::<FMA>(rows, labels, scorer, accumulate, 3),
        4 => assign_rows::<FMA>(rows, labels, scorer, accumulate, 4),
        n_features => assign_rows::<FMA>(rows, labels, scorer, accumulate, n_features),
    }
    // stub:
    // todo_exercise!("kmeans_rust_scratch", "call assign_rows with the number of features (a literal 1 to 4 lets the compiler unroll the loops)")
    // end exercise: kmeans_rust_scratch hard
}

/// [`assign_block`] for rows of `n_features` values.
#[inline(always)]
fn assign_rows<const FMA: bool>(
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
    let mut columns = vec![0.0; CHUNK_ROWS * n_features];
    let mut nearest = [0_usize; CHUNK_ROWS];
    for (chunk, chunk_labels) in rows
        .chunks(CHUNK_ROWS * n_features)
        .zip(labels.chunks_mut(CHUNK_ROWS))
    {
        let nearest = &mut nearest[..chunk_labels.len()];
        scorer.nearest::<FMA>(chunk, n_features, nearest, &mut columns)?;
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
#[cfg(test)]
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
