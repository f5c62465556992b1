//! The floor of the k-means table (the limit row of `measure_all.py`): the arithmetic
//! every Lloyd version must do, and nothing else.
//!
//! One Lloyd iteration compares every row with every centroid: `n x k x d`
//! multiply-adds at the very least (the dot products `x.c`), reading the whole data
//! once. [`kmeans_distance_floor`] does exactly that many multiply-adds per
//! iteration, at full SIMD width (AVX2 and FMA when the CPU has them), on all cores,
//! streaming the rows from memory as a version must: no subtraction, no comparison,
//! no label, no sum per cluster, no update. It produces no answer (a number that only
//! keeps the compiler from skipping the work), so it is never checked and never a
//! version; it is the time no correct version can beat on this machine.

use crate::kmeans::{contiguous, map_blocks};
use lesson_support::{Error, Result};
use ndarray::ArrayView2;

/// `n_iter` passes of `n x k x d` multiply-adds over the rows of `data` (`(n, d)`)
/// and the centroids (`(k, d)`). Returns a meaningless number (the sum of the
/// products), so that the work cannot be optimised away.
///
/// Like every k-means, it first checks its input, in one pass: no NaN or infinity,
/// and no value of magnitude `largest` or more (beyond it the squared distances of
/// k-means would overflow; the Python wrapper computes it from the sizes).
pub fn kmeans_distance_floor(
    data: ArrayView2<f64>,
    centroids: ArrayView2<f64>,
    n_iter: usize,
    largest: f64,
) -> Result<f64> {
    let (n_samples, n_features) = data.dim();
    let k = centroids.nrows();
    if n_samples == 0 {
        return Err(Error::value(
            "data is empty: the floor needs at least one row",
        ));
    }
    if n_features == 0 {
        return Err(Error::value(
            "data has no columns: the floor needs at least one feature",
        ));
    }
    if k == 0 || centroids.ncols() != n_features {
        return Err(Error::value(format!(
            "centroids must have shape (k, {n_features}) with k >= 1, got {:?}",
            centroids.dim()
        )));
    }
    let data = data.as_standard_layout();
    let rows = contiguous(data.view())?;
    let centroids = centroids.as_standard_layout();
    let centroids = contiguous(centroids.view())?;
    check_values("data", rows, largest)?;
    check_values("centroids", centroids, largest)?;
    // The rows are read as runs of `width` values: whole rows if that is a multiple of
    // 8 (two AVX2 registers), else 8 values (several rows) when `d` divides 8; each
    // centroid is repeated to that width once, so that one multiply-add instruction
    // pairs 4 values of the data with the matching centroid values.
    let width = if n_features % 8 == 0 || 8 % n_features != 0 {
        n_features
    } else {
        8
    };
    let patterns: Vec<f64> = (0..k)
        .flat_map(|j| (0..width).map(move |i| centroids[j * n_features + i % n_features]))
        .collect();
    let mut total = 0.0;
    for _ in 0..n_iter {
        // The blocks and the rule for using both cores are the versions' (map_blocks).
        let blocks = map_blocks(rows, n_features, k, |block, _| {
            Ok(floor_block(block, &patterns, width, n_features))
        })?;
        total += blocks.iter().sum::<f64>();
    }
    Ok(total)
}

/// The floor of k-means with bounds (the limit row of the k-means table): one pass of
/// `n x k x d` multiply-adds as in [`kmeans_distance_floor`] (the first iteration,
/// when no bound exists yet, must compare every row with every centroid), then, for
/// each of the other `n_iter - 1` iterations, one pass over one number per row (a
/// version must at least look at each row's bound to know that its label stays).
/// Returns a meaningless number, like [`kmeans_distance_floor`].
pub fn kmeans_bounds_floor(
    data: ArrayView2<f64>,
    centroids: ArrayView2<f64>,
    n_iter: usize,
    largest: f64,
) -> Result<f64> {
    let first = kmeans_distance_floor(data, centroids, 1, largest)?;
    // One number per row, made from the first pass so that it cannot be precomputed.
    let bounds = vec![first; data.nrows()];
    let mut total = first;
    for _ in 1..n_iter {
        let blocks = map_blocks(&bounds, 1, 1, |block, _| Ok(sum_in_lanes(block)))?;
        total += blocks.iter().sum::<f64>();
    }
    Ok(total)
}

/// The sum of `values` in 8 independent running sums (SIMD registers, no chain of
/// dependent additions), then of the last few.
fn sum_in_lanes(values: &[f64]) -> f64 {
    let mut lanes = [0.0; 8];
    let runs = values.chunks_exact(8);
    let tail: f64 = runs.remainder().iter().sum();
    for run in runs {
        for (lane, value) in lanes.iter_mut().zip(run) {
            *lane += value;
        }
    }
    lanes.iter().sum::<f64>() + tail
}

/// A `ValueError` naming `name` if `values` hold NaN, infinity, or a magnitude of
/// `largest` or more.
fn check_values(name: &str, values: &[f64], largest: f64) -> Result<()> {
    let (finite, biggest) = values.iter().fold((true, 0.0_f64), |(finite, biggest), v| {
        (finite & v.is_finite(), biggest.max(v.abs()))
    });
    if !finite {
        return Err(Error::value(format!("{name} contains NaN or infinity")));
    }
    if biggest >= largest {
        return Err(Error::value(format!(
            "{name} holds values too large for k-means in float64: the largest is \
             {biggest:e}, and the squared distances would overflow above {largest:e}"
        )));
    }
    Ok(())
}

/// One block of rows: the portable build, or the AVX2 + FMA one.
fn floor_block(block: &[f64], patterns: &[f64], width: usize, d: usize) -> f64 {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
        return floor_block_avx2(block, patterns, width, d);
    }
    floor_block_generic::<false>(block, patterns, width, d)
}

#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
fn floor_block_avx2(block: &[f64], patterns: &[f64], width: usize, d: usize) -> f64 {
    #[target_feature(enable = "avx2,fma")]
    unsafe fn with_avx2(block: &[f64], patterns: &[f64], width: usize, d: usize) -> f64 {
        floor_block_generic::<true>(block, patterns, width, d)
    }
    // SAFETY: the only requirement of `with_avx2` is a CPU with AVX2 and FMA, which
    // the caller has checked with `is_x86_feature_detected!`.
    unsafe { with_avx2(block, patterns, width, d) }
}

/// Runs of 8 or 16 values (a literal width, so that the loops become straight SIMD
/// code), or any other width; the rows left after the last whole run of 8 values
/// (when `d` divides 8) are done one by one.
#[inline(always)]
fn floor_block_generic<const FMA: bool>(
    block: &[f64],
    patterns: &[f64],
    width: usize,
    d: usize,
) -> f64 {
    let whole = block.len() / width * width;
    let (runs, tail) = block.split_at(whole);
    let sum = match width {
        8 => floor_runs::<FMA, 8>(runs, patterns),
        16 => floor_runs::<FMA, 16>(runs, patterns),
        _ => floor_any_width::<FMA>(runs, patterns, width, width),
    };
    sum + floor_any_width::<FMA>(tail, patterns, width, d)
}

/// Every run of `W` values times every centroid pattern, summed lane by lane into
/// `32 / W` sets of accumulators (the pattern `j` into set `j % sets`): eight
/// registers of independent multiply-add chains, enough to hide the 4-cycle latency of
/// a multiply-add on two units.
#[inline(always)]
fn floor_runs<const FMA: bool, const W: usize>(block: &[f64], patterns: &[f64]) -> f64 {
    const SETS: usize = 4;
    let sets = (32 / W).clamp(1, SETS);
    let mut acc = [[0.0; W]; SETS];
    for run in block.chunks_exact(W) {
        for group in patterns.chunks(sets * W) {
            for (set, pattern) in acc.iter_mut().zip(group.chunks_exact(W)) {
                for i in 0..W {
                    set[i] = madd::<FMA>(run[i], pattern[i], set[i]);
                }
            }
        }
    }
    acc.iter().flatten().sum()
}

/// The same for runs of `len` values and patterns of `width`, neither known at compile
/// time (`d` neither a multiple nor a divisor of 8: 3, 5, 6, 7, 9, ...; and the tail):
/// correct, but less of it runs in wide registers.
#[inline(always)]
fn floor_any_width<const FMA: bool>(
    block: &[f64],
    patterns: &[f64],
    width: usize,
    len: usize,
) -> f64 {
    let mut acc = vec![0.0; len];
    for run in block.chunks_exact(len) {
        for pattern in patterns.chunks_exact(width) {
            for ((a, &x), &c) in acc.iter_mut().zip(run).zip(pattern) {
                *a = madd::<FMA>(x, c, *a);
            }
        }
    }
    acc.iter().sum()
}

/// `x * c + a`, as one fused instruction in the FMA build.
#[inline(always)]
fn madd<const FMA: bool>(x: f64, c: f64, a: f64) -> f64 {
    if FMA {
        x.mul_add(c, a)
    } else {
        x * c + a
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    /// `n_iter` times the sum of every product `x_r . c_j`, the plain way.
    fn expected(data: &Array2<f64>, centroids: &Array2<f64>, n_iter: usize) -> f64 {
        let once: f64 = data
            .rows()
            .into_iter()
            .map(|x| centroids.rows().into_iter().map(|c| x.dot(&c)).sum::<f64>())
            .sum();
        n_iter as f64 * once
    }

    #[test]
    fn the_floor_does_every_multiply_add_once_per_iteration() {
        // d = 2 (runs of 8 values, 4 rows), 16 (a row per run), 3 (any width); row
        // counts that leave a tail, and more rows than one block (two threads).
        for (n, d, k) in [
            (37, 2, 5),
            (40, 2, 3),
            (21, 16, 4),
            (9_000, 16, 16),
            (50, 3, 2),
        ] {
            let data = Array2::from_shape_fn((n, d), |(i, f)| ((i * 7 + f * 3) % 11) as f64 - 5.0);
            let centroids = Array2::from_shape_fn((k, d), |(j, f)| (j + f) as f64 * 0.5 - 1.0);
            let got = kmeans_distance_floor(data.view(), centroids.view(), 3, 1e100).unwrap();
            let want = expected(&data, &centroids, 3);
            assert!(
                (got - want).abs() <= 1e-9 * want.abs().max(1.0),
                "{n}x{d}, k={k}: {got} vs {want}"
            );
        }
    }

    #[test]
    fn the_bounds_floor_is_one_full_pass_then_one_number_per_row_per_iteration() {
        for (n, d, k, n_iter) in [(37, 2, 5, 1), (9_000, 16, 16, 4), (200_000, 2, 3, 3)] {
            let data = Array2::from_shape_fn((n, d), |(i, f)| ((i * 7 + f * 3) % 11) as f64 - 5.0);
            let centroids = Array2::from_shape_fn((k, d), |(j, f)| (j + f) as f64 * 0.5 - 1.0);
            let got = kmeans_bounds_floor(data.view(), centroids.view(), n_iter, 1e100).unwrap();
            let first = expected(&data, &centroids, 1);
            let want = first + (n_iter - 1) as f64 * n as f64 * first;
            assert!(
                (got - want).abs() <= 1e-9 * want.abs().max(1.0),
                "{n}x{d}, k={k}, {n_iter} iterations: {got} vs {want}"
            );
        }
    }

    #[test]
    fn bad_input_is_a_value_error_naming_the_argument() {
        let data = Array2::<f64>::ones((4, 2));
        let cases = [
            (Array2::zeros((0, 2)), Array2::ones((1, 2)), "data is empty"),
            (Array2::zeros((3, 0)), Array2::ones((1, 0)), "no columns"),
            (
                data.clone(),
                Array2::ones((0, 2)),
                "centroids must have shape",
            ),
            (
                data.clone(),
                Array2::ones((2, 3)),
                "centroids must have shape",
            ),
            (
                Array2::from_elem((4, 2), f64::NAN),
                Array2::ones((1, 2)),
                "data contains NaN",
            ),
            (
                data.clone(),
                Array2::from_elem((1, 2), f64::INFINITY),
                "centroids contains NaN",
            ),
            (
                Array2::from_elem((4, 2), 1e200),
                Array2::ones((1, 2)),
                "data holds values too large",
            ),
        ];
        for (data, centroids, words) in cases {
            match kmeans_distance_floor(data.view(), centroids.view(), 1, 1e150) {
                Err(Error::Value(message)) => assert!(message.contains(words), "{message}"),
                other => panic!("expected an error about {words:?}, got {other:?}"),
            }
        }
    }
}
