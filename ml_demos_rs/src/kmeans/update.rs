//! Step 3 of Lloyd's algorithm: the update. Each centroid becomes the mean of its rows;
//! an empty cluster first takes the row farthest from its own centroid, as
//! scikit-learn does.

use super::{centroid_row, cluster_index, contiguous, map_blocks, squared_distance, Step};
use lesson_support::Result;
use ndarray::{Array2, ArrayView2};

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
        // end exercise: kmeans_rust_scratch easy
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
    // end exercise: kmeans_rust_scratch hard
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
    // end exercise: kmeans_rust_scratch intermediate
    Ok(())
    // stub:
    // todo_exercise!("kmeans_rust_scratch", "give each empty cluster one of the rows farthest from their own centroid (the farthest to the lowest cluster number)")
    // end exercise: kmeans_rust_scratch hard
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
