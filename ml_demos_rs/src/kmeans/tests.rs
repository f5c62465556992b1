//! Tests of the from-scratch k-means (`cargo test -p ml_demos_rs`).

use super::assign::{nearest_by_distance, Scorer};
use super::*;
use ndarray::{array, s, Axis};
use rand::Rng;

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

#[test]
fn the_rows_at_a_time_loops_give_the_labels_of_the_plain_loop() {
    // 1 to 7 features (exact distances up to 4, dot products above), row counts that
    // are not multiples of the 16 lanes or of the 256-row chunks.
    for (n, d, k) in [
        (37, 1, 3),
        (1_000, 2, 5),
        (300, 3, 4),
        (517, 4, 6),
        (999, 5, 7),
        (70, 7, 3),
    ] {
        let mut rng = rng_from_seed(Some(d as u64));
        let data = Array2::from_shape_fn((n, d), |_| rng.random::<f64>() * 10.0 - 5.0);
        let fit = fit(data.view(), &Init::KMeansPlusPlus, &options(k)).unwrap();
        let mut direct = vec![0; n];
        let rows = data.as_slice().unwrap();
        nearest_by_distance(rows, fit.centroids.as_slice().unwrap(), d, &mut direct).unwrap();
        let direct: Vec<i64> = direct.iter().map(|&j| j as i64).collect();
        assert_eq!(fit.labels.to_vec(), direct, "{n} x {d}, k = {k}");
    }
}
