//! tract, the ONNX engine written in Rust: load the exported pipeline, fix the input
//! fact (`B x n_features`, float32, `B` a symbol so that any batch size runs), let
//! tract optimise the graph once (`into_optimized`), then run the plan.
//!
//! tract brings its own ndarray (0.17, where rust-numpy uses 0.16): nothing of it
//! crosses this file's boundary, only slices and sizes.

use std::path::Path;

use tract_onnx::prelude::*;
use tract_onnx::tract_core::internal::{anyhow, ensure};
use tract_onnx::tract_hir::internal::{DimLike, Factoid};

/// The output of the skl2onnx export that holds the class probabilities (its `label`
/// output comes out of tract as a symbolic-dimension tensor: the labels are the argmax
/// of the probabilities instead).
pub const PROBABILITIES: &str = "probabilities";

/// A loaded, optimised model.
pub struct TractEngine {
    plan: Arc<TypedRunnableModel>,
    n_features: usize,
    n_classes: usize,
}

impl TractEngine {
    /// Loads and optimises `path`; `threads` is the size of tract's matrix-product pool.
    pub fn load(path: &Path, threads: usize) -> TractResult<TractEngine> {
        let mut model = tract_onnx::onnx().model_for_path(path)?;
        let n_features = input_features(&model)?;
        let probabilities = model
            .find_outlet_label(PROBABILITIES)
            .ok_or_else(|| anyhow!("the graph has no output named {PROBABILITIES:?}"))?;
        // Only the probabilities: the label branch (ArgMax, ArrayFeatureExtractor) goes.
        model = model.with_output_outlets(&[probabilities])?;
        let batch = model.symbols.sym("B");
        model.set_input_fact(
            0,
            InferenceFact::dt_shape(
                f32::datum_type(),
                tvec![batch.to_dim(), n_features.to_dim()],
            ),
        )?;
        let optimized = model.into_optimized()?;
        let n_classes = output_classes(&optimized)?;
        let options = RunOptions {
            executor: executor(threads),
            ..RunOptions::default()
        };
        let plan = optimized.into_runnable_with_options(&options)?;
        Ok(TractEngine {
            plan,
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

    /// The probabilities of every row of `x` (`n_features` values per row).
    pub fn predict_proba(&self, x: &[f32]) -> TractResult<Vec<f32>> {
        let rows = x.len() / self.n_features;
        // tract owns its tensors: the input is copied once into one.
        let input = Tensor::from_shape(&[rows, self.n_features], x)?;
        let outputs = self.plan.run(tvec!(input.into()))?;
        let view = outputs[0].try_as_plain_ram()?;
        let probabilities = view.as_slice::<f32>()?;
        ensure!(
            probabilities.len() == rows * self.n_classes,
            "the model gave {} probabilities for {rows} rows of {} classes",
            probabilities.len(),
            self.n_classes
        );
        Ok(probabilities.to_vec())
    }
}

fn executor(threads: usize) -> Option<multithread::Executor> {
    (threads > 1).then(|| multithread::Executor::multithread(threads))
}

/// The number of features of the model's input, as the file declares it (`[?, n]`).
fn input_features(model: &InferenceModel) -> TractResult<usize> {
    ensure!(
        model.inputs.len() == 1,
        "the graph must have one input, it has {}",
        model.inputs.len()
    );
    let fact = model.input_fact(0)?;
    fact.shape
        .dim(1)
        .and_then(|dim| dim.concretize())
        .and_then(|dim| dim.to_usize().ok())
        .ok_or_else(|| anyhow!("the input must have shape (batch, n_features), got {fact:?}"))
}

fn output_classes(model: &TypedModel) -> TractResult<usize> {
    let fact = model.output_fact(0)?;
    ensure!(
        fact.rank() == 2,
        "the probabilities must be 2-D, got {fact:?}"
    );
    Ok(fact.shape[1].to_usize()?)
}
