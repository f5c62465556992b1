//! Lloyd's iterations with Hamerly's bounds: the same labels and centroids, most of the
//! distances never computed.
//!
//! After a few iterations most rows keep their cluster, yet Lloyd's assignment step
//! compares every row with every centroid again. Two numbers per row are enough to know
//! (most of the time) that its label cannot change, without any distance:
//!
//! - `upper`: at least the distance from the row to its own centroid;
//! - `lower`: at most the distance from the row to any other centroid.
//!
//! If `upper < lower`, no other centroid can be closer: the label stays. The same holds
//! if `upper` is below half the distance from the row's centroid to the nearest other
//! centroid (the triangle inequality). When a centroid moves by `drift`, a distance to
//! it changes by at most `drift`, so the bounds stay true if `upper` grows by its
//! centroid's drift and `lower` shrinks by the largest drift of the others: no pass over
//! the features. Only the rows that fail both tests are looked at: first the distance
//! to their own centroid (a tighter `upper`), then, if that is not enough, the distances
//! to every centroid, which also give exact new bounds.
//!
//! The cluster sums are kept up to date the same way: a row that changes cluster is
//! taken out of its old cluster's sum and added to its new one, so a row that stays is
//! never read. Everything else (the first centroids, the update, the empty clusters,
//! the stopping rule, the final inertia) is the Lloyd code of this module.
//!
//! A bound decides only with a safety margin ([`slack`]) far above the rounding error of
//! the distances, so a row near a tie is always computed: the labels are the ones
//! Lloyd's full comparison finds.

use super::assign::Scorer;
use super::{
    assignment_step, column_means, contiguous, inertia, initial_centroids, map_blocks,
    rng_from_seed, scaled_tolerance, squared_distance, squared_shift, stopping_rule,
    update_centroids, validate, Init, KMeansFit, Options, Step, Stop, BLOCK_ROWS, CHUNK_ROWS,
    PARALLEL_WORK,
};
use lesson_support::{Error, Result};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
use rayon::prelude::*;

/// A bound decides only when it wins by more than this fraction of the distances and
/// of the data's scale: far above the rounding error of the bounds moved by hundreds
/// of drifts.
const RELATIVE_SLACK: f64 = 1e-9;

/// The squared distances that give new bounds are made this much looser (relative to
/// the squared norms involved): far above their rounding error, so that a bound is
/// always true.
const SQUARED_SLACK: f64 = 1e-12;

/// Above this many multiply-adds per row (`k x d`), the bounds are tested and an
/// unsettled row first gets the exact distance to its own centroid, which often settles
/// it; at or below, all the distances of a row cost about as much as that.
const TIGHTEN_WORK: usize = 16;

/// Rows compared together by the SIMD loops, one per lane (as in Lloyd's step).
const LANES: usize = 16;

/// The two bounds of every row and its label (`-1` before the first assignment).
struct RowBounds {
    labels: Vec<i64>,
    upper: Vec<f64>,
    lower: Vec<f64>,
}

/// What the centroids of one iteration look like to the bounds.
struct Geometry<'a> {
    /// `(k, d)`, row after row.
    centroids: Vec<f64>,
    /// The data's mean: the rows are measured from it (see `Scorer`).
    mean: &'a [f64],
    /// Lloyd's scores for many features: the centroids measured from the mean, and the
    /// constant of each score; `None` for the exact squared distances.
    product: Option<(Vec<f64>, Vec<f64>)>,
    /// The largest squared norm of a centroid measured from the mean.
    largest_norm: f64,
    /// Half the distance from each centroid to its nearest other centroid.
    half_gap: Vec<f64>,
    /// How far each centroid moved in the last update.
    drift: Vec<f64>,
    /// For each cluster, the most any *other* centroid moved.
    others_drift: Vec<f64>,
    /// No row has a label yet (the first iteration): every row meets every centroid.
    first_pass: bool,
    /// The scale of the data (its largest magnitude), for [`slack`].
    scale: f64,
    n_clusters: usize,
}

impl<'a> Geometry<'a> {
    /// `drift` is `None` before the first assignment.
    fn new(
        centroids: ArrayView2<f64>,
        mean: &'a [f64],
        drift: Option<Vec<f64>>,
        scale: f64,
    ) -> Result<Geometry<'a>> {
        let (n_clusters, n_features) = centroids.dim();
        let centroids = centroids.as_standard_layout().into_owned();
        let scorer = Scorer::new(centroids.view(), ndarray::ArrayView1::from(mean));
        let product = scorer
            .product
            .map(|(shifted, offsets)| (shifted.into_raw_vec_and_offset().0, offsets.to_vec()));
        let centroids = contiguous(centroids.view())?.to_vec();
        let largest_norm = centroids
            .chunks_exact(n_features)
            .map(|c| squared_distance(c, mean))
            .fold(0.0, f64::max);
        let half_gap = (0..n_clusters)
            .map(|j| {
                let own = &centroids[j * n_features..(j + 1) * n_features];
                let nearest = centroids
                    .chunks_exact(n_features)
                    .enumerate()
                    .filter(|&(other, _)| other != j)
                    .map(|(_, other)| squared_distance(own, other))
                    .fold(f64::INFINITY, f64::min);
                0.5 * nearest.sqrt()
            })
            .collect();
        let first_pass = drift.is_none();
        let drift = drift.unwrap_or_else(|| vec![0.0; n_clusters]);
        // The largest drift, whose it is, and the second largest: the most the others
        // moved is the largest, except for the cluster that moved most.
        let (mut largest, mut owner, mut second) = (0.0, usize::MAX, 0.0);
        for (j, &moved) in drift.iter().enumerate() {
            if moved > largest {
                (largest, owner, second) = (moved, j, largest);
            } else if moved > second {
                second = moved;
            }
        }
        let others_drift = (0..n_clusters)
            .map(|j| if j == owner { second } else { largest })
            .collect();
        Ok(Geometry {
            centroids,
            mean,
            product,
            largest_norm,
            half_gap,
            drift,
            others_drift,
            first_pass,
            scale,
            n_clusters,
        })
    }
}

/// How much a bound must win by before it decides: see [`RELATIVE_SLACK`].
#[inline(always)]
fn slack(upper: f64, scale: f64) -> f64 {
    RELATIVE_SLACK * (upper + scale)
}

/// What one pass over a block of rows changed: rows that moved in and out of each
/// cluster's sum and count, and how many labels changed.
struct BlockChange {
    sums: Vec<f64>,
    counts: Vec<i64>,
    n_changed: usize,
    /// Rows compared with every centroid (for the tests and the lesson's figures).
    n_full: usize,
}

/// Cluster the rows of `data` as [`super::fit`] does (same arguments, same labels,
/// centroids and iterations), skipping the distances that Hamerly's bounds prove
/// useless (see the module documentation).
pub fn fit_with_bounds(data: ArrayView2<f64>, init: &Init, options: &Options) -> Result<KMeansFit> {
    Ok(fit_counting(data, init, options)?.0)
}

/// [`fit_with_bounds`], and the number of rows compared with every centroid in each
/// iteration.
pub fn fit_counting(
    data: ArrayView2<f64>,
    init: &Init,
    options: &Options,
) -> Result<(KMeansFit, Vec<usize>)> {
    // The iterations run on one of rayon's threads: each splits its work in two with
    // `rayon::join`, which from a pool thread hands half to the other thread and does
    // the rest itself; called from outside the pool (Python's thread), every join would
    // wait for a pool thread to wake up, twice per iteration (about as long as a whole
    // iteration at 10k x 2).
    rayon::scope(|_| fit_on_pool(data, init, options))
}

fn fit_on_pool(
    data: ArrayView2<f64>,
    init: &Init,
    options: &Options,
) -> Result<(KMeansFit, Vec<usize>)> {
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
    let rows = contiguous(data)?;
    let mean_values = mean.to_vec();
    let (n_samples, n_features) = data.dim();
    let n_clusters = options.n_clusters;
    let blocks = map_blocks(rows, n_features, 1, |block, _| Ok(largest_magnitude(block)))?;
    let scale = blocks
        .into_iter()
        .fold(largest_magnitude(contiguous(centroids.view())?), f64::max);

    let mut bounds = RowBounds {
        labels: vec![-1; n_samples],
        upper: vec![f64::INFINITY; n_samples],
        lower: vec![0.0; n_samples],
    };
    let mut sums = vec![0.0; n_clusters * n_features];
    let mut counts = vec![0_i64; n_clusters];
    let mut drift = None;
    let mut full_per_iteration = Vec::new();
    let mut n_iter = 0;
    let mut labels_stable = false;
    for iteration in 1..=options.max_iter {
        n_iter = iteration;
        let use_bounds = n_clusters * n_features > TIGHTEN_WORK;
        let changes = if use_bounds {
            let geometry = Geometry::new(centroids.view(), &mean_values, drift, scale)?;
            bound_pass(rows, n_features, &geometry, &mut bounds)?
        } else {
            // Few centroids and features: comparing a row with all of them costs about
            // as much as testing its bounds, so Lloyd's own step labels every row, its
            // two halves on the two cores even for small data (Lloyd's rule keeps a
            // pass of less work on one thread).
            halves_assignment(data, centroids.view(), mean.view(), &mut bounds.labels)?
        };
        let mut n_changed = 0;
        let mut n_full = 0;
        if !use_bounds {
            // Lloyd's step gave the whole sums, not their changes.
            sums.fill(0.0);
            counts.fill(0);
        }
        // In block order, so that the sums do not depend on the number of threads.
        for change in changes {
            for (sum, delta) in sums.iter_mut().zip(&change.sums) {
                *sum += delta;
            }
            for (count, delta) in counts.iter_mut().zip(&change.counts) {
                *count += delta;
            }
            n_changed += change.n_changed;
            n_full += change.n_full;
        }
        full_per_iteration.push(n_full);
        let step = Step {
            sums: Array2::from_shape_vec((n_clusters, n_features), sums.clone())
                .map_err(|err| Error::value(format!("sums: {err}")))?,
            counts: counts
                .iter()
                .map(|&c| {
                    usize::try_from(c).map_err(|_| Error::value("a cluster count fell below 0"))
                })
                .collect::<Result<_>>()?,
            n_changed,
        };
        let new_centroids = update_centroids(data, centroids.view(), &bounds.labels, step)?;
        let shift = squared_shift(centroids.view(), new_centroids.view());
        drift = Some(
            new_centroids
                .rows()
                .into_iter()
                .zip(centroids.rows())
                .map(|(new, old)| {
                    let moved: f64 = new.iter().zip(old).map(|(a, b)| (a - b) * (a - b)).sum();
                    moved.sqrt()
                })
                .collect(),
        );
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
    let mut labels = bounds.labels;
    if !labels_stable {
        // As in `fit`: the labels must belong to the centroids returned.
        assignment_step(data, centroids.view(), mean.view(), &mut labels, false)?;
    }
    let inertia = inertia(data, centroids.view(), &labels)?;
    let fit = KMeansFit {
        centroids,
        labels: Array1::from(labels),
        inertia,
        n_iter,
    };
    Ok((fit, full_per_iteration))
}

/// Rows below which a pass is not split between the cores (the hand-over costs a few
/// microseconds).
const MIN_SPLIT_ROWS: usize = 2 * CHUNK_ROWS;

/// Lloyd's assignment step (labels and sums) on the two halves of the rows, in parallel
/// when there are enough rows; the halves' sums are added in order, so the result does
/// not depend on the number of threads. Returned as the change of the sums from zero.
fn halves_assignment(
    data: ArrayView2<f64>,
    centroids: ArrayView2<f64>,
    mean: ArrayView1<f64>,
    labels: &mut [i64],
) -> Result<Vec<BlockChange>> {
    let n_rows = data.nrows();
    let half = if n_rows >= MIN_SPLIT_ROWS {
        n_rows.div_ceil(2 * CHUNK_ROWS) * CHUNK_ROWS
    } else {
        n_rows
    };
    let (top, bottom) = data.split_at(ndarray::Axis(0), half);
    let (top_labels, bottom_labels) = labels.split_at_mut(half);
    let (first, second) = rayon::join(
        || assignment_step(top, centroids, mean, top_labels, true),
        || assignment_step(bottom, centroids, mean, bottom_labels, true),
    );
    [(first?, half), (second?, n_rows - half)]
        .into_iter()
        .map(|(step, n_full)| {
            Ok(BlockChange {
                sums: step.sums.into_raw_vec_and_offset().0,
                counts: step
                    .counts
                    .iter()
                    .map(|&c| {
                        i64::try_from(c).map_err(|_| Error::value("a cluster count overflowed"))
                    })
                    .collect::<Result<_>>()?,
                n_changed: step.n_changed,
                n_full,
            })
        })
        .collect()
}

/// The largest magnitude among `values` (0 for none).
fn largest_magnitude(values: &[f64]) -> f64 {
    values.iter().fold(0.0, |m: f64, v| m.max(v.abs()))
}

/// A block's rows, and their labels, upper and lower bounds, as the zipped chunks come.
type BlockParts<'a> = (((&'a [f64], &'a mut [i64]), &'a mut [f64]), &'a mut [f64]);

/// One assignment step with the bounds, block by block (on all cores for large data):
/// moves the bounds by the last drifts, relabels the rows the bounds cannot settle,
/// and returns what changed in each block, in block order.
fn bound_pass(
    rows: &[f64],
    n_features: usize,
    geometry: &Geometry,
    bounds: &mut RowBounds,
) -> Result<Vec<BlockChange>> {
    let block_len = BLOCK_ROWS * n_features;
    let pass = |(((block, labels), upper), lower): BlockParts| {
        block_pass(block, n_features, geometry, labels, upper, lower)
    };
    // The same rule as Lloyd's step for using both cores (a full first pass is
    // `n x k x d` work; the later ones are much less, but the rule keeps small data on
    // one thread, where handing blocks around would cost more than it saves).
    if rows.len() * geometry.n_clusters < PARALLEL_WORK {
        rows.chunks(block_len)
            .zip(bounds.labels.chunks_mut(BLOCK_ROWS))
            .zip(bounds.upper.chunks_mut(BLOCK_ROWS))
            .zip(bounds.lower.chunks_mut(BLOCK_ROWS))
            .map(pass)
            .collect()
    } else {
        rows.par_chunks(block_len)
            .zip(bounds.labels.par_chunks_mut(BLOCK_ROWS))
            .zip(bounds.upper.par_chunks_mut(BLOCK_ROWS))
            .zip(bounds.lower.par_chunks_mut(BLOCK_ROWS))
            .map(pass)
            .collect()
    }
}

/// [`block_pass_generic`] in the AVX2 + FMA build when the CPU has them, else the
/// portable one.
fn block_pass(
    block: &[f64],
    n_features: usize,
    geometry: &Geometry,
    labels: &mut [i64],
    upper: &mut [f64],
    lower: &mut [f64],
) -> Result<BlockChange> {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
        #[allow(unsafe_code)]
        #[target_feature(enable = "avx2,fma")]
        unsafe fn with_avx2(
            block: &[f64],
            n_features: usize,
            geometry: &Geometry,
            labels: &mut [i64],
            upper: &mut [f64],
            lower: &mut [f64],
        ) -> Result<BlockChange> {
            block_pass_generic::<true>(block, n_features, geometry, labels, upper, lower)
        }
        // SAFETY: the only requirement of `with_avx2` is a CPU with AVX2 and FMA,
        // checked above.
        #[allow(unsafe_code)]
        return unsafe { with_avx2(block, n_features, geometry, labels, upper, lower) };
    }
    block_pass_generic::<false>(block, n_features, geometry, labels, upper, lower)
}

/// The bounds pass over one block of rows, in three loops: every row's bounds are
/// moved and tested, without a branch, and the rows that fail are listed; with many
/// features, each listed row gets the exact distance to its own centroid, which may
/// settle it; the rows still unsettled are compared with every centroid,
/// [`LANES`] rows at a time, as Lloyd's step does.
#[inline(always)]
fn block_pass_generic<const FMA: bool>(
    block: &[f64],
    n_features: usize,
    geometry: &Geometry,
    labels: &mut [i64],
    upper: &mut [f64],
    lower: &mut [f64],
) -> Result<BlockChange> {
    let k = geometry.n_clusters;
    let n_rows = labels.len().min(upper.len()).min(lower.len());
    let mut unsettled: Vec<u32> = if geometry.first_pass {
        (0..n_rows as u32).collect()
    } else {
        screen(
            geometry,
            &labels[..n_rows],
            &mut upper[..n_rows],
            &mut lower[..n_rows],
        )
    };
    if !geometry.first_pass && k * n_features > TIGHTEN_WORK {
        // A plain loop, not `retain` with a closure: a closure would be compiled
        // without the AVX2 build's wide registers.
        let mut kept = 0;
        for index in 0..unsettled.len() {
            if let Some(&ahead) = unsettled.get(index + PREFETCH_AHEAD) {
                prefetch_row(block, n_features, ahead as usize);
            }
            let i = unsettled[index] as usize;
            let own = cluster_of(labels[i], k);
            let row = &block[i * n_features..(i + 1) * n_features];
            let centroid = &geometry.centroids[own * n_features..(own + 1) * n_features];
            let own_squared = squared_distance_in_lanes(row, centroid);
            upper[i] = own_squared.sqrt();
            // Compared squared, so that the test does not wait for the square root.
            let bound = lower[i].max(geometry.half_gap[own]);
            let limit = (bound - RELATIVE_SLACK * geometry.scale) / (1.0 + RELATIVE_SLACK);
            let settled = limit > 0.0 && own_squared < limit * limit;
            unsettled[kept] = i as u32;
            kept += usize::from(!settled);
        }
        unsettled.truncate(kept);
    }
    let mut change = BlockChange {
        sums: vec![0.0; k * n_features],
        counts: vec![0; k],
        n_full: unsettled.len(),
        n_changed: 0,
    };
    let mut columns = vec![0.0; CHUNK_ROWS * n_features];
    let mut norms = [0.0; CHUNK_ROWS];
    let mut nearest = [Nearest::default(); CHUNK_ROWS];
    for group in unsettled.chunks(CHUNK_ROWS) {
        gather(
            block,
            n_features,
            group,
            geometry.mean,
            &mut columns,
            &mut norms,
        );
        let nearest = &mut nearest[..group.len()];
        match &geometry.product {
            Some((shifted, offsets)) => {
                two_nearest_by_product::<FMA>(&columns, shifted, offsets, n_features, nearest);
                // Lloyd's score plus the row's squared norm is its squared distance.
                for (found, norm) in nearest.iter_mut().zip(&norms) {
                    found.best_score += norm;
                    found.second_score += norm;
                }
            }
            None => two_nearest_by_distance(&columns, &geometry.centroids, n_features, nearest),
        }
        for ((&i, found), norm) in group.iter().zip(nearest.iter()).zip(&norms) {
            let i = i as usize;
            // New bounds, made a little looser than the rounded squared distances.
            let error = SQUARED_SLACK * (norm + geometry.largest_norm);
            upper[i] = (found.best_score + error).max(0.0).sqrt();
            lower[i] = (found.second_score - error).max(0.0).sqrt();
            let old = (!geometry.first_pass).then(|| cluster_of(labels[i], k));
            let best = found.best;
            if old == Some(best) {
                continue;
            }
            change.n_changed += 1;
            labels[i] = best as i64;
            let row = &block[i * n_features..(i + 1) * n_features];
            if let Some(own) = old {
                let sum = &mut change.sums[own * n_features..(own + 1) * n_features];
                for (s, x) in sum.iter_mut().zip(row) {
                    *s -= x;
                }
                change.counts[own] -= 1;
            }
            let sum = &mut change.sums[best * n_features..(best + 1) * n_features];
            for (s, x) in sum.iter_mut().zip(row) {
                *s += x;
            }
            change.counts[best] += 1;
        }
    }
    Ok(change)
}

/// A label as a cluster index. The labels are this module's own (`0..k` after the
/// first pass), so clamping never changes one; it keeps every index in range without a
/// branch.
#[inline(always)]
fn cluster_of(label: i64, n_clusters: usize) -> usize {
    (label.max(0) as usize).min(n_clusters - 1)
}

/// Move every row's bounds by the drifts of the centroids and return the rows whose
/// bounds no longer prove their label (the others are settled for this iteration).
#[inline(always)]
fn screen(geometry: &Geometry, labels: &[i64], upper: &mut [f64], lower: &mut [f64]) -> Vec<u32> {
    let k = geometry.n_clusters;
    let mut unsettled = vec![0_u32; labels.len() + 1];
    let mut n_unsettled = 0;
    for (i, ((&label, upper), lower)) in labels.iter().zip(upper).zip(lower).enumerate() {
        let own = cluster_of(label, k);
        *upper += geometry.drift[own];
        *lower -= geometry.others_drift[own];
        let bound = lower.max(geometry.half_gap[own]);
        // Written every time, kept only if the row is unsettled: no branch to guess.
        unsettled[n_unsettled] = i as u32;
        n_unsettled += usize::from(*upper + slack(*upper, geometry.scale) >= bound);
    }
    unsettled.truncate(n_unsettled);
    unsettled
}

/// Rows ahead in a list of unsettled rows whose values are asked from memory early.
const PREFETCH_AHEAD: usize = 8;

/// Ask the CPU to bring row `i` of `block` into its cache, without waiting for it: the
/// unsettled rows are scattered over the block, too irregular for the hardware to guess,
/// and waiting for memory row after row would cost more than the arithmetic.
#[inline(always)]
fn prefetch_row(block: &[f64], n_features: usize, i: usize) {
    #[cfg(target_arch = "x86_64")]
    if let Some(row) = block.get(i * n_features..(i + 1) * n_features) {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        for line in row.chunks(8) {
            // SAFETY: a prefetch is only a hint (it never faults nor reads into the
            // program), and the pointer is into `block` anyway.
            #[allow(unsafe_code)]
            unsafe {
                _mm_prefetch::<_MM_HINT_T0>(line.as_ptr().cast())
            };
        }
    }
}

/// Squared distance between two points, in four running sums (SIMD lanes) rather than
/// one chain of dependent additions.
#[inline(always)]
fn squared_distance_in_lanes(a: &[f64], b: &[f64]) -> f64 {
    let mut lanes = [0.0; 4];
    let (a_runs, b_runs) = (a.chunks_exact(4), b.chunks_exact(4));
    let tail = squared_distance(a_runs.remainder(), b_runs.remainder());
    for (x, y) in a_runs.zip(b_runs) {
        for lane in 0..4 {
            lanes[lane] += (x[lane] - y[lane]) * (x[lane] - y[lane]);
        }
    }
    lanes.iter().sum::<f64>() + tail
}

/// Copy the listed rows of `block` into `columns` feature after feature (value `f` of
/// the `r`-th listed row at `columns[f * CHUNK_ROWS + r]`, zeros up to the next multiple
/// of [`LANES`]), and each row's squared distance to the mean into `norms`.
#[inline(always)]
fn gather(
    block: &[f64],
    n_features: usize,
    group: &[u32],
    mean: &[f64],
    columns: &mut [f64],
    norms: &mut [f64],
) {
    let padded = group.len().div_ceil(LANES) * LANES;
    for (r, &i) in group.iter().enumerate() {
        if let Some(&ahead) = group.get(r + PREFETCH_AHEAD) {
            prefetch_row(block, n_features, ahead as usize);
        }
        let row = &block[i as usize * n_features..(i as usize + 1) * n_features];
        for (f, &x) in row.iter().enumerate() {
            columns[f * CHUNK_ROWS + r] = x;
        }
        norms[r] = squared_distance_in_lanes(row, mean);
    }
    for f in 0..n_features {
        columns[f * CHUNK_ROWS + group.len()..f * CHUNK_ROWS + padded].fill(0.0);
    }
}

/// The nearest centroid of a row, its score and the second best score.
#[derive(Clone, Copy, Debug, Default)]
struct Nearest {
    best: usize,
    best_score: f64,
    second_score: f64,
}

/// Keep, lane by lane, the best and second best `scores` of [`LANES`] rows (the first
/// centroid on ties, as Lloyd's step), without a branch.
#[inline(always)]
fn keep_two_best(
    j: usize,
    scores: &[f64; LANES],
    best: &mut [f64; LANES],
    second: &mut [f64; LANES],
    index: &mut [usize; LANES],
) {
    for lane in 0..LANES {
        let score = scores[lane];
        let closer = score < best[lane];
        let runner_up = if score < second[lane] {
            score
        } else {
            second[lane]
        };
        second[lane] = if closer { best[lane] } else { runner_up };
        index[lane] = if closer { j } else { index[lane] };
        best[lane] = if closer { score } else { best[lane] };
    }
}

/// Write the results of a group of [`LANES`] rows to `nearest`.
#[inline(always)]
fn write_group(
    nearest: &mut [Nearest],
    best: &[f64; LANES],
    second: &[f64; LANES],
    index: &[usize; LANES],
) {
    for (lane, found) in nearest.iter_mut().enumerate() {
        *found = Nearest {
            best: index[lane],
            best_score: best[lane],
            second_score: second[lane],
        };
    }
}

/// Lloyd's scores (`offsets[j] - 2 x.c'_j`, the same operations in the same order as
/// its step, so the same nearest centroid) of the transposed rows, the two best kept.
/// Two centroids at a time: eight independent chains of multiply-adds keep both units
/// busy (one centroid's four chains would wait on each other's latency), and each
/// value of the rows loaded once serves both.
#[inline(always)]
fn two_nearest_by_product<const FMA: bool>(
    columns: &[f64],
    shifted: &[f64],
    offsets: &[f64],
    n_features: usize,
    nearest: &mut [Nearest],
) {
    let madd = |x: f64, c: f64, d: f64| if FMA { x.mul_add(c, d) } else { x * c + d };
    for (group, found) in nearest.chunks_mut(LANES).enumerate() {
        let first = group * LANES;
        let mut best = [f64::INFINITY; LANES];
        let mut second = [f64::INFINITY; LANES];
        let mut index = [0_usize; LANES];
        let mut scores = [[0.0; LANES]; 2];
        let pairs = shifted.chunks(2 * n_features).zip(offsets.chunks(2));
        for (pair, (centroids, offsets)) in pairs.enumerate() {
            let mut dots = [[0.0; LANES]; 2];
            if let (Some(c0), Some(c1)) = (centroids.get(..n_features), centroids.get(n_features..))
            {
                for (f, (&a, &b)) in c0.iter().zip(c1).enumerate() {
                    let x = &columns[f * CHUNK_ROWS + first..][..LANES];
                    for lane in 0..LANES {
                        dots[0][lane] = madd(x[lane], a, dots[0][lane]);
                        dots[1][lane] = madd(x[lane], b, dots[1][lane]);
                    }
                }
            }
            if centroids.len() < 2 * n_features {
                // The last centroid of an odd count, alone.
                for (f, &a) in centroids.iter().enumerate() {
                    let x = &columns[f * CHUNK_ROWS + first..][..LANES];
                    for lane in 0..LANES {
                        dots[0][lane] = madd(x[lane], a, dots[0][lane]);
                    }
                }
            }
            for (which, &offset) in offsets.iter().enumerate() {
                for (score, dot) in scores[which].iter_mut().zip(&dots[which]) {
                    *score = offset - 2.0 * dot;
                }
                keep_two_best(
                    2 * pair + which,
                    &scores[which],
                    &mut best,
                    &mut second,
                    &mut index,
                );
            }
        }
        write_group(found, &best, &second, &index);
    }
}

/// The exact squared distances (the same operations in the same order as Lloyd's
/// step for few features) of the transposed rows, the two smallest kept.
#[inline(always)]
fn two_nearest_by_distance(
    columns: &[f64],
    centroids: &[f64],
    n_features: usize,
    nearest: &mut [Nearest],
) {
    for (group, found) in nearest.chunks_mut(LANES).enumerate() {
        let first = group * LANES;
        let mut best = [f64::INFINITY; LANES];
        let mut second = [f64::INFINITY; LANES];
        let mut index = [0_usize; LANES];
        for (j, centroid) in centroids.chunks_exact(n_features).enumerate() {
            let mut distance = [0.0; LANES];
            for (f, &c) in centroid.iter().enumerate() {
                let x = &columns[f * CHUNK_ROWS + first..][..LANES];
                for (d, &x) in distance.iter_mut().zip(x) {
                    *d += (x - c) * (x - c);
                }
            }
            keep_two_best(j, &distance, &mut best, &mut second, &mut index);
        }
        write_group(found, &best, &second, &index);
    }
}

#[cfg(test)]
mod tests {
    use super::super::fit;
    use super::*;
    use lesson_support::random::rng_from_seed;
    use ndarray::{array, Array2};
    use rand::Rng;

    fn options(k: usize) -> Options {
        Options {
            tol: 0.0,
            seed: Some(7),
            ..Options::new(k)
        }
    }

    /// The bounds must find what Lloyd's full comparison finds: the same labels and
    /// iterations, centroids and inertia equal up to the order of the additions.
    fn assert_same_as_lloyd(data: &Array2<f64>, init: &Init, options: &Options) -> Vec<usize> {
        let lloyd = fit(data.view(), init, options).unwrap();
        let (bounds, full) = fit_counting(data.view(), init, options).unwrap();
        assert_eq!(bounds.labels, lloyd.labels);
        assert_eq!(bounds.n_iter, lloyd.n_iter);
        let scale = data.iter().fold(1.0_f64, |m, v| m.max(v.abs()));
        for (a, b) in bounds.centroids.iter().zip(&lloyd.centroids) {
            assert!((a - b).abs() <= 1e-9 * scale, "centroid {a} vs {b}");
        }
        let inertia_gap = (bounds.inertia - lloyd.inertia).abs();
        assert!(
            inertia_gap <= 1e-9 * lloyd.inertia.max(1.0),
            "{bounds:?} vs {lloyd:?}"
        );
        assert_eq!(full.len(), lloyd.n_iter);
        full
    }

    fn blobs(n: usize, d: usize, k: usize, seed: u64, offset: f64) -> Array2<f64> {
        let mut rng = rng_from_seed(Some(seed));
        let centers = Array2::from_shape_fn((k, d), |_| rng.random::<f64>() * 20.0);
        Array2::from_shape_fn((n, d), |(i, f)| {
            centers[[i % k, f]] + rng.random::<f64>() * 4.0 + offset
        })
    }

    #[test]
    fn the_same_clustering_as_lloyd_on_many_shapes() {
        let mut rng = rng_from_seed(Some(3));
        let uniform = Array2::from_shape_fn((3_000, 2), |_| rng.random::<f64>());
        let cases = [
            (uniform, 5),
            (blobs(2_000, 2, 5, 1, 0.0), 5),
            (blobs(500, 6, 3, 2, 1e6), 3),      // far from the origin
            (blobs(4_000, 16, 16, 4, 0.0), 16), // many features and clusters
            (blobs(300, 3, 1, 5, 0.0), 1),      // one cluster: nothing to compare
            (blobs(50_000, 2, 4, 6, 0.0), 4),   // several blocks, both cores
        ];
        for (data, k) in &cases {
            assert_same_as_lloyd(data, &Init::KMeansPlusPlus, &options(*k));
        }
    }

    #[test]
    fn most_rows_are_not_compared_once_the_labels_settle() {
        let data = blobs(20_000, 4, 8, 8, 0.0);
        let full = assert_same_as_lloyd(&data, &Init::KMeansPlusPlus, &options(8));
        assert_eq!(full[0], 20_000, "the first iteration has no bounds yet");
        let last = *full.last().unwrap();
        assert!(
            last < 2_000,
            "the last iteration compared {last} of 20 000 rows fully"
        );
    }

    #[test]
    fn given_centroids_empty_clusters_tolerance_and_iteration_limits() {
        // A centroid nobody joins (the empty cluster takes the farthest row).
        let data = array![[0.0], [1.0], [2.0], [9.0], [10.0], [13.0]];
        let init = array![[1.0], [10.0], [100.0]];
        for max_iter in [1, 2, 300] {
            let step = Options {
                max_iter,
                ..options(3)
            };
            assert_same_as_lloyd(&data, &Init::Centroids(init.view()), &step);
        }
        // More clusters than distinct points; exact duplicates everywhere.
        let same = array![[1.0, 1.0], [1.0, 1.0], [1.0, 1.0]];
        assert_same_as_lloyd(&same, &Init::KMeansPlusPlus, &options(2));
        // A positive tolerance stops early and relabels with the last centroids.
        let data = blobs(2_000, 2, 5, 9, 0.0);
        let loose = Options {
            tol: 1e-2,
            ..options(5)
        };
        assert_same_as_lloyd(&data, &Init::KMeansPlusPlus, &loose);
        assert_same_as_lloyd(&data, &Init::Random, &options(5));
    }

    #[test]
    fn results_do_not_depend_on_the_number_of_threads() {
        // Bounds (5 x 6 > 16), then Lloyd's step on two halves (2 x 3).
        for (d, k) in [(5, 6), (2, 3)] {
            threads_do_not_matter(&blobs(60_000, d, k, 10, 0.0), k);
        }
    }

    fn threads_do_not_matter(data: &Array2<f64>, k: usize) {
        let run = |threads| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| fit_with_bounds(data.view(), &Init::KMeansPlusPlus, &options(k)))
                .unwrap()
        };
        let (one, two) = (run(1), run(2));
        assert_eq!(one.centroids, two.centroids);
        assert_eq!(one.labels, two.labels);
        assert_eq!(one.inertia, two.inertia);
    }

    #[test]
    fn bad_arguments_give_the_errors_of_lloyd() {
        let data = array![[0.0, 1.0], [2.0, 3.0]];
        let nan = array![[0.0, f64::NAN], [2.0, 3.0]];
        let wrong_init = array![[0.0], [1.0]];
        let cases: [(&Array2<f64>, Init, Options); 4] = [
            (&data, Init::KMeansPlusPlus, options(0)),
            (&data, Init::KMeansPlusPlus, options(3)),
            (&nan, Init::KMeansPlusPlus, options(1)),
            (&data, Init::Centroids(wrong_init.view()), options(2)),
        ];
        for (data, init, options) in &cases {
            let lloyd = fit(data.view(), init, options).unwrap_err().to_string();
            let bounds = fit_with_bounds(data.view(), init, options)
                .unwrap_err()
                .to_string();
            assert_eq!(bounds, lloyd);
        }
    }
}
