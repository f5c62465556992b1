//! `TractModel` and `OrtModel`: the two ONNX engines as Python classes. Both check `X`
//! the same way, release the GIL for the run and return the same arrays, so the
//! benchmarks compare the engines and nothing else.

use std::path::PathBuf;

use numpy::ndarray::Array2;
use numpy::{IntoPyArray, PyArray1, PyArray2, PyReadonlyArray2};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;

use crate::checks;
use crate::ort_model::{OrtEngine, OrtFailure};
use crate::scratch::argmax_rows;
use crate::tract_model::TractEngine;

/// Checks `X`, then runs `run` on its values with the GIL released (after a check
/// that every value is finite: neither engine checks its input).
fn probabilities<E: Send>(
    py: Python<'_>,
    x: &Bound<'_, PyAny>,
    n_features: usize,
    n_classes: usize,
    run: impl FnOnce(&[f32]) -> Result<Vec<f32>, E> + Send,
    error: impl FnOnce(E) -> PyErr,
) -> PyResult<Array2<f32>> {
    let array: PyReadonlyArray2<'_, f32> = checks::images(x, n_features)?;
    let pixels = checks::pixels(&array);
    let rows = pixels.len() / n_features;
    let values = py.detach(|| {
        checks::finite_rows(&pixels, n_features).map_err(Err)?;
        run(&pixels).map_err(Ok)
    });
    let values = match values {
        Ok(values) => values,
        Err(Err(message)) => return Err(PyValueError::new_err(message)),
        Err(Ok(err)) => return Err(error(err)),
    };
    Array2::from_shape_vec((rows, n_classes), values)
        .map_err(|err| PyValueError::new_err(err.to_string()))
}

fn labels<'py>(py: Python<'py>, probabilities: &Array2<f32>) -> Bound<'py, PyArray1<i64>> {
    let mut labels = vec![0i64; probabilities.nrows()];
    let n_classes = probabilities.ncols();
    argmax_rows(
        probabilities.as_slice().unwrap_or_default(),
        n_classes,
        &mut labels,
    );
    labels.into_pyarray(py)
}

/// An ONNX model run by tract, the inference engine written in Rust.
#[pyclass(frozen, module = "inference_rs")]
pub struct TractModel {
    engine: TractEngine,
    path: PathBuf,
}

#[pymethods]
impl TractModel {
    /// Loads and optimises the ONNX file at `path` for any batch size; `threads` is
    /// the size of tract's pool for matrix products (None: as many as rayon's pool).
    #[new]
    #[pyo3(signature = (path, threads = None))]
    fn new(
        py: Python<'_>,
        path: PathBuf,
        #[pyo3(from_py_with = checks::threads_arg)] threads: Option<usize>,
    ) -> PyResult<Self> {
        let path = checks::model_path(path)?;
        let threads = checks::thread_count(threads);
        let engine = py
            .detach(|| TractEngine::load(&path, threads))
            .map_err(|err| checks::unreadable_model(&path, "tract", format!("{err:#}")))?;
        Ok(TractModel { engine, path })
    }

    #[getter]
    fn n_features(&self) -> usize {
        self.engine.n_features()
    }

    #[getter]
    fn n_classes(&self) -> usize {
        self.engine.n_classes()
    }

    /// The model file this was loaded from.
    #[getter]
    fn path(&self) -> &PathBuf {
        &self.path
    }

    /// The probability of each class for each row of `X` (float32, `(n, n_classes)`).
    #[allow(non_snake_case)] // `X`, as scikit-learn names it (and the errors say)
    fn predict_proba<'py>(
        &self,
        py: Python<'py>,
        X: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyArray2<f32>>> {
        let x = X;
        Ok(self.run(py, x)?.into_pyarray(py))
    }

    /// The most likely class of each row of `X` (int64, `(n,)`).
    #[allow(non_snake_case)]
    fn predict<'py>(
        &self,
        py: Python<'py>,
        X: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyArray1<i64>>> {
        let x = X;
        Ok(labels(py, &self.run(py, x)?))
    }
}

impl TractModel {
    fn run(&self, py: Python<'_>, x: &Bound<'_, PyAny>) -> PyResult<Array2<f32>> {
        let engine = &self.engine;
        probabilities(
            py,
            x,
            engine.n_features(),
            engine.n_classes(),
            |pixels| {
                engine
                    .predict_proba(pixels)
                    .map_err(|err| format!("{err:#}"))
            },
            |message| {
                PyRuntimeError::new_err(format!(
                    "tract failed on {}: {message}",
                    self.path.display()
                ))
            },
        )
    }
}

/// An ONNX model run by ONNX Runtime (C++), called through its C API from Rust.
#[pyclass(frozen, module = "inference_rs")]
pub struct OrtModel {
    engine: OrtEngine,
    path: PathBuf,
}

#[pymethods]
impl OrtModel {
    /// Opens the ONNX file at `path` on `threads` threads (None: as many as rayon's
    /// pool), with the ONNX Runtime shared library at `library` (None: the one of the
    /// installed onnxruntime package, found by `inference_rs.onnxruntime_library()`).
    #[new]
    #[pyo3(signature = (path, threads = None, library = None))]
    fn new(
        py: Python<'_>,
        path: PathBuf,
        #[pyo3(from_py_with = checks::threads_arg)] threads: Option<usize>,
        library: Option<PathBuf>,
    ) -> PyResult<Self> {
        let path = checks::model_path(path)?;
        let threads = checks::thread_count(threads);
        let library = match library {
            Some(library) => library,
            None => py
                .import("inference_rs")?
                .call_method0("onnxruntime_library")?
                .extract()?,
        };
        let engine = py
            .detach(|| OrtEngine::load(&path, &library, threads))
            .map_err(|err| match err {
                OrtFailure::Library(message) => PyRuntimeError::new_err(message),
                OrtFailure::Model(message) => {
                    checks::unreadable_model(&path, "ONNX Runtime", message)
                }
            })?;
        Ok(OrtModel { engine, path })
    }

    #[getter]
    fn n_features(&self) -> usize {
        self.engine.n_features()
    }

    #[getter]
    fn n_classes(&self) -> usize {
        self.engine.n_classes()
    }

    /// The model file this was loaded from.
    #[getter]
    fn path(&self) -> &PathBuf {
        &self.path
    }

    /// The probability of each class for each row of `X` (float32, `(n, n_classes)`).
    #[allow(non_snake_case)] // `X`, as scikit-learn names it (and the errors say)
    fn predict_proba<'py>(
        &self,
        py: Python<'py>,
        X: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyArray2<f32>>> {
        let x = X;
        Ok(self.run(py, x)?.into_pyarray(py))
    }

    /// The most likely class of each row of `X` (int64, `(n,)`).
    #[allow(non_snake_case)]
    fn predict<'py>(
        &self,
        py: Python<'py>,
        X: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyArray1<i64>>> {
        let x = X;
        Ok(labels(py, &self.run(py, x)?))
    }
}

impl OrtModel {
    fn run(&self, py: Python<'_>, x: &Bound<'_, PyAny>) -> PyResult<Array2<f32>> {
        let engine = &self.engine;
        probabilities(
            py,
            x,
            engine.n_features(),
            engine.n_classes(),
            |pixels| engine.predict_proba(pixels),
            |err| {
                PyRuntimeError::new_err(format!(
                    "ONNX Runtime failed on {}: {err}",
                    self.path.display()
                ))
            },
        )
    }
}
