//! ONNX Runtime, Microsoft's C++ engine, called from Rust through its C API (the FFI
//! strategy) with the `ort` crate.
//!
//! Nothing is downloaded or linked at build time (`load-dynamic`): the shared library
//! is opened at run time from the path the caller gives, which the Python package
//! finds in the installed `onnxruntime` wheel. ONNX Runtime allows one environment per
//! process, so the first model made sets it up and later ones share it.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use ort::environment::Environment;
use ort::session::Session;
use ort::value::TensorRef;

/// The output of the skl2onnx export that holds the class probabilities.
pub const PROBABILITIES: &str = "probabilities";

/// Why a model could not be loaded or run (the wrapper names the file).
#[derive(Debug)]
pub enum OrtFailure {
    /// The shared library could not be opened or does not offer the API needed.
    Library(String),
    /// The model file, or a run of it, failed.
    Model(String),
}

impl std::fmt::Display for OrtFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OrtFailure::Library(message) | OrtFailure::Model(message) => f.write_str(message),
        }
    }
}

fn model_error(err: impl std::fmt::Display) -> OrtFailure {
    OrtFailure::Model(err.to_string())
}

/// The process's one environment, made from the first library path given.
static ENVIRONMENT: OnceLock<Result<(PathBuf, Environment), String>> = OnceLock::new();

fn environment(library: &Path) -> Result<&'static Environment, OrtFailure> {
    let made = ENVIRONMENT.get_or_init(|| {
        let builder = ort::init_from(library).map_err(|err| {
            format!(
                "could not load ONNX Runtime from {}: {err}",
                library.display()
            )
        })?;
        let env = builder
            .with_name("inference_rs")
            .with_telemetry(false)
            .build()
            .map_err(|err| format!("could not start ONNX Runtime: {err}"))?;
        Ok((library.to_path_buf(), env))
    });
    match made {
        Ok((_, env)) => Ok(env),
        Err(message) => Err(OrtFailure::Library(message.clone())),
    }
}

/// A session on one model file.
pub struct OrtEngine {
    // `Session::run` needs `&mut`: one run at a time per model.
    session: Mutex<Session>,
    input: String,
    n_features: usize,
    n_classes: usize,
}

impl OrtEngine {
    /// Opens `path` with ONNX Runtime loaded from `library`, on `threads` threads.
    pub fn load(path: &Path, library: &Path, threads: usize) -> Result<OrtEngine, OrtFailure> {
        let env = environment(library)?;
        let session = Session::builder(env)
            .and_then(|b| Ok(b.with_intra_threads(threads)?))
            .and_then(|b| Ok(b.with_inter_threads(1)?))
            .and_then(|mut b| b.commit_from_file(path))
            .map_err(model_error)?;
        let [input] = session.inputs() else {
            return Err(model_error(format!(
                "the graph must have one input, it has {}",
                session.inputs().len()
            )));
        };
        let n_features = match input.dtype().tensor_shape().map(|s| s.to_vec()) {
            Some(shape) if shape.len() == 2 && shape[1] > 0 => shape[1] as usize,
            other => {
                return Err(model_error(format!(
                    "the input must have shape (batch, n_features), got {other:?}"
                )))
            }
        };
        let output = session
            .outputs()
            .iter()
            .find(|o| o.name() == PROBABILITIES)
            .ok_or_else(|| {
                model_error(format!("the graph has no output named {PROBABILITIES:?}"))
            })?;
        let n_classes = match output.dtype().tensor_shape().map(|s| s.to_vec()) {
            Some(shape) if shape.len() == 2 && shape[1] > 0 => shape[1] as usize,
            other => {
                return Err(model_error(format!(
                    "the probabilities must have shape (batch, n_classes), got {other:?}"
                )))
            }
        };
        let input = input.name().to_owned();
        Ok(OrtEngine {
            session: Mutex::new(session),
            input,
            n_features,
            n_classes,
        })
    }

    pub fn n_features(&self) -> usize {
        self.n_features
    }

    pub fn n_classes(&self) -> usize {
        self.n_classes
    }

    /// The probabilities of every row of `x` (`n_features` values per row). The input
    /// is handed to ONNX Runtime in place (a view of `x`, no copy).
    pub fn predict_proba(&self, x: &[f32]) -> Result<Vec<f32>, OrtFailure> {
        let rows = x.len() / self.n_features;
        let tensor =
            TensorRef::from_array_view(([rows, self.n_features], x)).map_err(model_error)?;
        let mut session = self
            .session
            .lock()
            .map_err(|_| model_error("an earlier run of this model failed midway"))?;
        let outputs = session
            .run(ort::inputs![self.input.as_str() => tensor])
            .map_err(model_error)?;
        let (_, probabilities) = outputs[PROBABILITIES]
            .try_extract_tensor::<f32>()
            .map_err(model_error)?;
        if probabilities.len() != rows * self.n_classes {
            return Err(model_error(format!(
                "the model gave {} probabilities for {rows} rows of {} classes",
                probabilities.len(),
                self.n_classes
            )));
        }
        Ok(probabilities.to_vec())
    }
}
