//! `ScratchMlp`: the hand-written forward pass of `scratch.rs` as a Python class.
//!
//! The constructor reads scikit-learn's fitted arrays once (float32 or float64) into
//! the plain-Rust [`Mlp`]; `predict_proba` checks `X`, releases the GIL and runs the
//! core, split across rayon's threads when there are enough rows to share.

use numpy::ndarray::Array2;
use numpy::{IntoPyArray, PyArray1, PyArray2};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use rayon::prelude::*;

use crate::checks;
use crate::scratch::{argmax_rows, Activation, Dense, ForwardError, Mlp};

/// Rows given to one rayon task: below this, one thread does the whole batch (a
/// task costs microseconds to hand out, a row a fraction of one).
const ROWS_PER_TASK: usize = 96 * crate::scratch::BLOCK;

/// The pieces of a fitted pipeline (checked) as the plain-Rust model.
pub fn mlp_from_python(
    mean: &Bound<'_, PyAny>,
    scale: &Bound<'_, PyAny>,
    coefs: &Bound<'_, PyAny>,
    intercepts: &Bound<'_, PyAny>,
    activation: &str,
) -> PyResult<Mlp> {
    let activation = Activation::from_name(activation).ok_or_else(|| {
        PyValueError::new_err(format!(
            "activation must be one of {}, got {activation:?}",
            Activation::NAMES.join(", ")
        ))
    })?;
    let mean = checks::vector(mean, "mean")?;
    let scale = checks::vector(scale, "scale")?;
    let coefs = checks::sequence(coefs, "coefs")?;
    let intercepts = checks::sequence(intercepts, "intercepts")?;
    if coefs.len() != intercepts.len() {
        return Err(PyValueError::new_err(format!(
            "coefs and intercepts must have one array per layer each, got {} and {}",
            coefs.len(),
            intercepts.len()
        )));
    }
    let mut layers = Vec::with_capacity(coefs.len());
    for (i, (w, b)) in coefs.iter().zip(&intercepts).enumerate() {
        let (weights, n_in, n_out) = checks::matrix(w, &format!("coefs[{i}]"))?;
        let bias = checks::vector(b, &format!("intercepts[{i}]"))?;
        layers.push(Dense {
            n_in,
            n_out,
            weights,
            bias,
        });
    }
    Mlp::new(mean, scale, layers, activation).map_err(checks::forward_error)
}

/// The probabilities of every row of `x` (`n_classes` per row), computed in parallel
/// blocks of rows when the batch is large enough. Runs with the GIL released: the
/// error is made here but raised once the GIL is back.
pub fn predict_parallel(mlp: &Mlp, x: &[f32]) -> PyResult<Vec<f32>> {
    // exercise: infer_rust_scratch hard: run the model on the rows of x: in one go for a small batch, in parallel chunks of rows with rayon for a large one
    let (n_features, n_classes) = (mlp.n_features(), mlp.n_classes());
    let rows = x.len() / n_features;
    let mut out = vec![0.0f32; rows * n_classes];
    if rows < 2 * ROWS_PER_TASK {
        // exercise: infer_rust_scratch easy: a small batch in one go: the core's predict_proba on all of x, into out
        mlp.predict_proba(x, &mut out)
            .map_err(checks::forward_error)?;
        // stub:
        // todo_exercise!("infer_rust_scratch", "a small batch in one go: the core's predict_proba on all of x, into out");
        // end exercise: infer_rust_scratch easy
    } else {
        // exercise: infer_rust_scratch intermediate: cut out and x into chunks of ROWS_PER_TASK rows (par_chunks_mut, par_chunks, zip) and run the core's predict_proba on each pair
        out.par_chunks_mut(ROWS_PER_TASK * n_classes)
            .zip(x.par_chunks(ROWS_PER_TASK * n_features))
            .enumerate()
            .try_for_each(|(task, (out, x))| {
                mlp.predict_proba(x, out).map_err(|err| match err {
                    // Name the row in X, not in the chunk.
                    ForwardError::Invalid(message) => {
                        ForwardError::Invalid(shift_row(&message, task * ROWS_PER_TASK))
                    }
                    other => other,
                })
            })
            .map_err(checks::forward_error)?;
        // stub:
        // todo_exercise!("infer_rust_scratch", "cut out and x into chunks of ROWS_PER_TASK rows (par_chunks_mut, par_chunks, zip) and run the core's predict_proba on each pair");
        // end exercise: infer_rust_scratch intermediate
    }
    Ok(out)
    // stub:
    // todo_exercise!("infer_rust_scratch", "run the model on the rows of x: in one go for a small batch, in parallel chunks of rows with rayon for a large one")
    // end exercise: infer_rust_scratch hard
}

/// `X[i] ...` becomes `X[i + offset] ...`.
fn shift_row(message: &str, offset: usize) -> String {
    let row = message
        .strip_prefix("X[")
        .and_then(|rest| rest.split_once(']'))
        .and_then(|(row, rest)| row.parse::<usize>().ok().map(|row| (row, rest)));
    match row {
        Some((row, rest)) => format!("X[{}]{rest}", row + offset),
        None => message.to_owned(),
    }
}

/// A scikit-learn `Pipeline(StandardScaler, MLPClassifier)` run by a forward pass
/// written by hand in Rust (see `inference_rs/src/scratch.rs`).
#[pyclass(frozen, module = "inference_rs")]
pub struct ScratchMlp {
    mlp: Mlp,
}

#[pymethods]
impl ScratchMlp {
    #[new]
    #[pyo3(signature = (mean, scale, coefs, intercepts, activation = "relu"))]
    fn new(
        mean: &Bound<'_, PyAny>,
        scale: &Bound<'_, PyAny>,
        coefs: &Bound<'_, PyAny>,
        intercepts: &Bound<'_, PyAny>,
        activation: &str,
    ) -> PyResult<Self> {
        let mlp = mlp_from_python(mean, scale, coefs, intercepts, activation)?;
        Ok(ScratchMlp { mlp })
    }

    /// Features per image (the length of `mean`).
    #[getter]
    fn n_features(&self) -> usize {
        self.mlp.n_features()
    }

    /// Columns of `predict_proba` (2 for a binary model).
    #[getter]
    fn n_classes(&self) -> usize {
        self.mlp.n_classes()
    }

    /// The probability of each class for each row of `X` (float32, `(n, n_classes)`).
    #[allow(non_snake_case)] // `X`, as scikit-learn names it (and the errors say)
    fn predict_proba<'py>(
        &self,
        py: Python<'py>,
        X: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyArray2<f32>>> {
        let x = X;
        let probabilities = self.probabilities(py, x)?;
        Ok(probabilities.into_pyarray(py))
    }

    /// The most likely class of each row of `X` (int64, `(n,)`).
    #[allow(non_snake_case)]
    fn predict<'py>(
        &self,
        py: Python<'py>,
        X: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyArray1<i64>>> {
        let x = X;
        let n_classes = self.mlp.n_classes();
        let probabilities = self.probabilities(py, x)?;
        let mut labels = vec![0i64; probabilities.nrows()];
        argmax_rows(
            probabilities.as_slice().unwrap_or_default(),
            n_classes,
            &mut labels,
        );
        Ok(labels.into_pyarray(py))
    }
}

impl ScratchMlp {
    fn probabilities(&self, py: Python<'_>, x: &Bound<'_, PyAny>) -> PyResult<Array2<f32>> {
        let array = checks::images(x, self.mlp.n_features())?;
        let pixels = checks::pixels(&array);
        let rows = pixels.len() / self.mlp.n_features();
        let values = py.detach(|| predict_parallel(&self.mlp, &pixels))?;
        Array2::from_shape_vec((rows, self.mlp.n_classes()), values)
            .map_err(|err| PyValueError::new_err(err.to_string()))
    }
}
