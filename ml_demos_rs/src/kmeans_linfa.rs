//! k-means through linfa (`linfa-clustering`), the library comparator of our own
//! implementation in `kmeans.rs`.
//!
//! Two differences with scikit-learn and with `kmeans.rs`, both linfa's design:
//!
//! - linfa's update step counts the old centroid as one more member of its cluster
//!   (this is how it avoids empty clusters). Once the labels settle, the centroids
//!   converge to the same means as Lloyd's, a little later;
//! - linfa stops when the centroids move (Euclidean norm of the change of all of
//!   them) less than its tolerance, and it does not report how many iterations it
//!   ran. We give it our tolerance in its units: the square root of `tol` times the
//!   mean feature variance, and the smallest positive number for `tol = 0`.

use crate::kmeans::{self, Init, Options};
use lesson_support::{Error, Result};
use linfa::prelude::*;
use linfa::DatasetBase;
use linfa_clustering::{KMeans, KMeansInit};
use ndarray::{Array1, Array2, ArrayView2, Axis};
use rand_xoshiro_for_linfa::rand_core::SeedableRng;
use rand_xoshiro_for_linfa::Xoshiro256Plus;

/// What linfa's k-means found (linfa does not report its iteration count).
#[derive(Clone, Debug)]
pub struct LinfaFit {
    /// `(n_clusters, n_features)`.
    pub centroids: Array2<f64>,
    /// `(n_samples,)`: the cluster of each row.
    pub labels: Array1<i64>,
    /// Sum of the squared distances from each row to its centroid.
    pub inertia: f64,
}

/// Run linfa's k-means with our arguments (same checks and errors as [`kmeans::fit`]).
pub fn fit(data: ArrayView2<f64>, init: &Init, options: &Options) -> Result<LinfaFit> {
    kmeans::validate(data, init, options)?;
    if data.iter().any(|v| !v.is_finite()) {
        return Err(Error::value(
            "data contains NaN or infinity: remove or impute those values first",
        ));
    }
    let n_features = data.ncols() as f64;
    let mean_variance = data.var_axis(Axis(0), 0.0).sum() / n_features;
    let tolerance = (options.tol * mean_variance).sqrt().max(f64::MIN_POSITIVE);
    let seed = options.seed.unwrap_or_else(rand::random);
    let init = match init {
        Init::KMeansPlusPlus => KMeansInit::KMeansPlusPlus,
        Init::Random => KMeansInit::Random,
        Init::Centroids(centroids) => KMeansInit::Precomputed(centroids.to_owned()),
    };
    let model = KMeans::params_with_rng(options.n_clusters, Xoshiro256Plus::seed_from_u64(seed))
        .n_runs(1)
        .max_n_iterations(options.max_iter as u64)
        .tolerance(tolerance)
        .init_method(init)
        .fit(&DatasetBase::from(data))
        .map_err(|err| Error::value(format!("linfa k-means failed: {err}")))?;
    let labels: Array1<usize> = model.predict(&data);
    let labels: Vec<i64> = labels.iter().map(|&label| label as i64).collect();
    let centroids = model.centroids().clone();
    let inertia = data
        .rows()
        .into_iter()
        .zip(&labels)
        .map(|(row, &label)| {
            let centroid = centroids.row(label as usize);
            row.iter()
                .zip(centroid)
                .map(|(x, c)| (x - c) * (x - c))
                .sum::<f64>()
        })
        .sum();
    Ok(LinfaFit {
        centroids,
        labels: Array1::from(labels),
        inertia,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn linfa_finds_the_same_clusters_as_lloyd_on_separated_groups() {
        let data = array![
            [0.0, 0.0],
            [0.0, 1.0],
            [1.0, 0.0],
            [10.0, 10.0],
            [10.0, 11.0],
            [11.0, 10.0]
        ];
        let init = array![[0.0, 0.0], [0.0, 1.0]];
        let options = Options {
            tol: 0.0,
            seed: Some(0),
            ..Options::new(2)
        };
        let ours = kmeans::fit(data.view(), &Init::Centroids(init.view()), &options).unwrap();
        let theirs = fit(data.view(), &Init::Centroids(init.view()), &options).unwrap();
        assert_eq!(ours.labels, theirs.labels);
        assert!((ours.inertia - theirs.inertia).abs() <= 1e-9 * ours.inertia);
    }

    #[test]
    fn linfa_gets_the_same_checks_as_our_version() {
        let data = array![[0.0], [f64::NAN]];
        assert!(matches!(
            fit(data.view(), &Init::KMeansPlusPlus, &Options::new(1)),
            Err(Error::Value(_))
        ));
        let data = array![[0.0], [1.0]];
        assert!(fit(data.view(), &Init::KMeansPlusPlus, &Options::new(3)).is_err());
    }
}
