//! Step 1 of Lloyd's algorithm: the first centroids (k-means++, `k` distinct random
//! rows, or the centroids the caller gave).

use super::{contiguous, squared_distance, Init, BLOCK_ROWS, PARALLEL_WORK};
use lesson_support::{Error, Result};
use ndarray::{Array2, ArrayView2, Axis};
use rand::distr::weighted::WeightedIndex;
use rand::distr::Distribution;
use rand::Rng;
use rayon::prelude::*;

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
    // end exercise: kmeans_rust_scratch hard
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
        // end exercise: kmeans_rust_scratch intermediate

        centroids.row_mut(c).assign(&data.row(chosen));
    }
    Ok(centroids)
    // stub:
    // todo_exercise!("kmeans_rust_scratch", "k-means++: a random first row, then each next centroid drawn with probability proportional to the squared distance to the nearest centroid so far")
    // end exercise: kmeans_rust_scratch hard
}
