//! The forward pass of a scikit-learn `Pipeline(StandardScaler, MLPClassifier)`,
//! written by hand: scale the pixels, then each dense layer (`x @ W + b`) followed by
//! its activation, then softmax (or one logistic unit for a binary model).
//!
//! Plain Rust on slices, with no dependency and nothing newer than Rust 1.63, so that
//! the same file builds the Python extension (`scratch_py.rs` wraps it) and the
//! WebAssembly module (`wasm/src/lib.rs` includes it with `#[path]`).
//!
//! Speed comes from three choices, all explained in docs/inference.md:
//! - rows go through the layers in blocks of [`BLOCK`] rows, and a dense layer keeps
//!   a tile of [`BLOCK`] x [`TILE`] sums in registers while it walks the weights once;
//! - on x86-64 CPUs with AVX2 and FMA the same code is compiled a second time for those
//!   instructions and chosen at run time (the default build may only assume SSE2);
//! - `exp` is a short polynomial that the compiler can vectorise ([`exp_f32`]).

// `todo_exercise!` of an exercise stub in this file: the core knows nothing about
// Python (or WebAssembly), so an unfinished piece is an error value of its own, which
// the wrappers turn into a Python `NotImplementedError` naming the exercise.
// Unused while every exercise holds its solution.
#[allow(unused_macros)]
macro_rules! todo_exercise {
    ($exercise:literal, $task:literal) => {
        return Err(ForwardError::Unfinished(concat!(
            "exercise ",
            $exercise,
            " is not done yet: ",
            $task,
            " (in ",
            file!(),
            ")"
        )))
    };
}

/// Rows computed together: each weight read from memory serves this many rows.
pub const BLOCK: usize = 6;
/// Output units computed together: a tile of `BLOCK` x `TILE` sums fits in registers
/// (12 of the 16 AVX registers, 8 floats each, leaving room for the weights).
pub const TILE: usize = 16;
/// The narrower tile for what is left (the 10 classes of the digits: 8 + 2).
const HALF_TILE: usize = TILE / 2;

/// The activation of the hidden layers, as scikit-learn names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activation {
    Identity,
    Logistic,
    Tanh,
    Relu,
}

impl Activation {
    pub const NAMES: [&'static str; 4] = ["identity", "logistic", "tanh", "relu"];

    pub fn from_name(name: &str) -> Option<Activation> {
        match name {
            "identity" => Some(Activation::Identity),
            "logistic" => Some(Activation::Logistic),
            "tanh" => Some(Activation::Tanh),
            "relu" => Some(Activation::Relu),
            _ => None,
        }
    }

    /// Its index in [`Activation::NAMES`] (how the WebAssembly module receives it).
    pub fn code(self) -> u32 {
        self as u32
    }

    pub fn from_code(code: u32) -> Option<Activation> {
        Activation::NAMES
            .get(code as usize)
            .and_then(|name| Activation::from_name(name))
    }
}

/// Why a model or an input was refused, or which exercise is unfinished.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ForwardError {
    /// A bad argument; the message names it and says what was expected.
    Invalid(String),
    /// A piece of an exercise still to write (the message names the exercise).
    Unfinished(&'static str),
}

impl std::fmt::Display for ForwardError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ForwardError::Invalid(message) => f.write_str(message),
            ForwardError::Unfinished(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for ForwardError {}

fn invalid<T>(message: String) -> Result<T, ForwardError> {
    Err(ForwardError::Invalid(message))
}

/// One dense layer: `weights` is `(n_in, n_out)` row after row, as
/// `MLPClassifier.coefs_[i]`; `bias` is `intercepts_[i]`.
#[derive(Clone, Debug)]
pub struct Dense {
    pub n_in: usize,
    pub n_out: usize,
    pub weights: Vec<f32>,
    pub bias: Vec<f32>,
}

/// A fitted pipeline: the scaler's mean and scale, then the layers.
#[derive(Clone, Debug)]
pub struct Mlp {
    mean: Vec<f32>,
    scale: Vec<f32>,
    layers: Vec<Dense>,
    activation: Activation,
    /// The widest layer (input included): the size of a row of the work buffers.
    widest: usize,
}

fn all_finite(values: &[f32]) -> bool {
    values.iter().all(|v| v.is_finite())
}

impl Mlp {
    /// Checks that the pieces fit together (sizes, finite numbers, no zero scale).
    pub fn new(
        mean: Vec<f32>,
        scale: Vec<f32>,
        layers: Vec<Dense>,
        activation: Activation,
    ) -> Result<Mlp, ForwardError> {
        let n_features = mean.len();
        if n_features == 0 {
            return invalid("mean must not be empty (one value per feature)".to_string());
        }
        if scale.len() != n_features {
            return invalid(format!(
                "mean and scale must have one value per feature each, got {} and {}",
                n_features,
                scale.len()
            ));
        }
        if !all_finite(&mean) || !scale.iter().all(|s| s.is_finite() && *s != 0.0) {
            return invalid("mean and scale must be finite, and scale must not be 0".to_string());
        }
        if layers.is_empty() {
            return invalid("coefs must hold at least one layer".to_string());
        }
        let mut n_in = n_features;
        for (i, layer) in layers.iter().enumerate() {
            if layer.n_in != n_in || layer.n_out == 0 {
                return invalid(format!(
                    "coefs[{i}] must have shape ({n_in}, n_units) with n_units > 0, got ({}, {})",
                    layer.n_in, layer.n_out
                ));
            }
            if layer.weights.len() != layer.n_in * layer.n_out {
                return invalid(format!(
                    "coefs[{i}] must hold {} values, got {}",
                    layer.n_in * layer.n_out,
                    layer.weights.len()
                ));
            }
            if layer.bias.len() != layer.n_out {
                return invalid(format!(
                    "intercepts[{i}] must have shape ({},), got ({},)",
                    layer.n_out,
                    layer.bias.len()
                ));
            }
            if !all_finite(&layer.weights) || !all_finite(&layer.bias) {
                return invalid(format!(
                    "coefs[{i}] and intercepts[{i}] must hold finite numbers"
                ));
            }
            n_in = layer.n_out;
        }
        let widest = layers.iter().map(|l| l.n_out).fold(n_features, usize::max);
        Ok(Mlp {
            mean,
            scale,
            layers,
            activation,
            widest,
        })
    }

    pub fn n_features(&self) -> usize {
        self.mean.len()
    }

    /// Units of the last layer: 1 for a binary model (one logistic unit).
    pub fn n_outputs(&self) -> usize {
        self.layers[self.layers.len() - 1].n_out
    }

    /// Columns of `predict_proba`: a binary model gives `[1 - p, p]`.
    pub fn n_classes(&self) -> usize {
        self.n_outputs().max(2)
    }

    pub fn activation(&self) -> Activation {
        self.activation
    }

    pub fn layers(&self) -> &[Dense] {
        &self.layers
    }

    /// What [`Mlp::predict_proba_with`] needs as work space for one block of rows.
    pub fn workspace(&self) -> Workspace {
        Workspace {
            a: vec![0.0; BLOCK * self.widest],
            b: vec![0.0; BLOCK * self.widest],
        }
    }

    /// The class probabilities of every row of `x` (`n_features` values per row) into
    /// `out` (`n_classes` values per row).
    pub fn predict_proba(&self, x: &[f32], out: &mut [f32]) -> Result<(), ForwardError> {
        self.predict_proba_with(x, out, &mut self.workspace())
    }

    /// [`Mlp::predict_proba`] with work space made by [`Mlp::workspace`] (kept by a
    /// caller that runs many small batches, such as the WebAssembly module).
    pub fn predict_proba_with(
        &self,
        x: &[f32],
        out: &mut [f32],
        work: &mut Workspace,
    ) -> Result<(), ForwardError> {
        let (n_features, n_classes) = (self.n_features(), self.n_classes());
        // `%`, not `is_multiple_of`: this file builds with Rust 1.63 too.
        #[allow(clippy::manual_is_multiple_of)]
        let whole_rows = x.len() % n_features == 0;
        if !whole_rows || out.len() != x.len() / n_features * n_classes {
            return invalid(format!(
                "X must have {n_features} values per row and the output {n_classes} per row, got {} and {} values",
                x.len(),
                out.len()
            ));
        }
        if work.a.len() < BLOCK * self.widest || work.b.len() < BLOCK * self.widest {
            *work = self.workspace();
        }
        let rows = x.len() / n_features;
        let mut start = 0;
        while start < rows {
            let block = (rows - start).min(BLOCK);
            let x_block = &x[start * n_features..(start + block) * n_features];
            let out_block = &mut out[start * n_classes..(start + block) * n_classes];
            self.forward_block(x_block, out_block, start, block, work)?;
            start += block;
        }
        Ok(())
    }

    /// The whole pipeline for `block` (1 to [`BLOCK`]) rows: the AVX2+FMA build when
    /// the CPU has it, the portable one otherwise.
    /// `first_row` is the index in X of the block's first row (for error messages).
    fn forward_block(
        &self,
        x: &[f32],
        out: &mut [f32],
        first_row: usize,
        block: usize,
        work: &mut Workspace,
    ) -> Result<(), ForwardError> {
        #[cfg(target_arch = "x86_64")]
        {
            if std::is_x86_feature_detected!("avx512f") && std::is_x86_feature_detected!("fma") {
                return forward_block_avx512(self, x, out, first_row, block, work);
            }
            if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
                return forward_block_avx2(self, x, out, first_row, block, work);
            }
        }
        forward_block_generic::<false>(self, x, out, first_row, block, work)
    }
}

/// The two buffers a block of rows goes back and forth between, layer after layer.
#[derive(Clone, Debug, Default)]
pub struct Workspace {
    a: Vec<f32>,
    b: Vec<f32>,
}

/// [`forward_block_generic`] compiled with AVX2 and FMA enabled.
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
fn forward_block_avx2(
    mlp: &Mlp,
    x: &[f32],
    out: &mut [f32],
    first_row: usize,
    block: usize,
    work: &mut Workspace,
) -> Result<(), ForwardError> {
    #[target_feature(enable = "avx2,fma")]
    unsafe fn with_avx2(
        mlp: &Mlp,
        x: &[f32],
        out: &mut [f32],
        first_row: usize,
        block: usize,
        work: &mut Workspace,
    ) -> Result<(), ForwardError> {
        forward_block_generic::<true>(mlp, x, out, first_row, block, work)
    }
    // SAFETY: the only requirement of `with_avx2` is a CPU with AVX2 and FMA, which
    // the caller has checked with `is_x86_feature_detected!`.
    unsafe { with_avx2(mlp, x, out, first_row, block, work) }
}

/// [`forward_block_generic`] compiled with AVX-512 (16 floats per instruction) and FMA.
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
fn forward_block_avx512(
    mlp: &Mlp,
    x: &[f32],
    out: &mut [f32],
    first_row: usize,
    block: usize,
    work: &mut Workspace,
) -> Result<(), ForwardError> {
    #[target_feature(enable = "avx512f,fma")]
    unsafe fn with_avx512(
        mlp: &Mlp,
        x: &[f32],
        out: &mut [f32],
        first_row: usize,
        block: usize,
        work: &mut Workspace,
    ) -> Result<(), ForwardError> {
        forward_block_generic::<true>(mlp, x, out, first_row, block, work)
    }
    // SAFETY: the only requirement of `with_avx512` is a CPU with AVX-512F and FMA,
    // which the caller has checked with `is_x86_feature_detected!`.
    unsafe { with_avx512(mlp, x, out, first_row, block, work) }
}

/// Scale, dense layers with their activation, softmax: `block` rows of `x` into `out`.
/// `FMA` says whether `a * b + c` may be one fused instruction (only when the CPU has
/// it: elsewhere `mul_add` is a slow library call).
#[inline(always)]
fn forward_block_generic<const FMA: bool>(
    mlp: &Mlp,
    x: &[f32],
    out: &mut [f32],
    first_row: usize,
    block: usize,
    work: &mut Workspace,
) -> Result<(), ForwardError> {
    let stride = mlp.widest;
    let n_features = mlp.n_features();
    let Workspace { a, b } = work;
    for r in 0..block {
        let row = &x[r * n_features..(r + 1) * n_features];
        if !scale_row(
            row,
            &mlp.mean,
            &mlp.scale,
            &mut a[r * stride..r * stride + n_features],
        ) {
            return invalid(format!(
                "X[{}] holds NaN or infinity (or a value too large for float32 arithmetic)",
                first_row + r
            ));
        }
    }
    let (mut input, mut output) = (a, b);
    let last = mlp.layers.len() - 1;
    for (i, layer) in mlp.layers.iter().enumerate() {
        dense_layer::<FMA>(layer, input, output, stride, block)?;
        if i < last {
            for r in 0..block {
                activate(
                    mlp.activation,
                    &mut output[r * stride..r * stride + layer.n_out],
                )?;
            }
        }
        std::mem::swap(&mut input, &mut output);
    }
    // After the last swap, `input` holds the last layer's values.
    let n_outputs = mlp.n_outputs();
    let n_classes = mlp.n_classes();
    for r in 0..block {
        let values = &mut input[r * stride..r * stride + n_outputs];
        let probabilities = &mut out[r * n_classes..(r + 1) * n_classes];
        if n_outputs == 1 {
            binary_probabilities(values[0], probabilities)?;
        } else {
            probabilities.copy_from_slice(values);
            softmax(probabilities)?;
        }
    }
    Ok(())
}

/// `(x - mean) / scale` into `scaled`, as StandardScaler (and the ONNX graph's Sub and
/// Div) compute it. False when a value is not finite: the check rides on this pass over
/// the input instead of a pass of its own.
#[inline(always)]
fn scale_row(row: &[f32], mean: &[f32], scale: &[f32], scaled: &mut [f32]) -> bool {
    let mut check = 0.0f32;
    for (((s, x), m), d) in scaled.iter_mut().zip(row).zip(mean).zip(scale) {
        *s = (x - m) / d;
        check += *s * 0.0; // stays 0 unless some value is NaN or infinite
    }
    check == 0.0
}

#[inline(always)]
fn mul_add<const FMA: bool>(a: f32, b: f32, c: f32) -> f32 {
    if FMA {
        a.mul_add(b, c)
    } else {
        a * b + c
    }
}

/// One dense layer for `block` rows: `output[r][j] = bias[j] + sum_k input[r][k] *
/// weights[k][j]`. Rows lie `stride` values apart in both buffers.
#[inline(always)]
fn dense_layer<const FMA: bool>(
    layer: &Dense,
    input: &[f32],
    output: &mut [f32],
    stride: usize,
    block: usize,
) -> Result<(), ForwardError> {
    // exercise: infer_rust_scratch hard: compute the dense layer: each output unit is its bias plus the weighted sum of the inputs
    let n_out = layer.n_out;
    let mut j0 = 0;
    if block == BLOCK {
        // Full blocks: tiles of BLOCK x TILE sums, then of BLOCK x TILE / 2.
        while j0 + TILE <= n_out {
            tile::<FMA, TILE>(layer, input, output, stride, j0)?;
            j0 += TILE;
        }
        while j0 + HALF_TILE <= n_out {
            tile::<FMA, HALF_TILE>(layer, input, output, stride, j0)?;
            j0 += HALF_TILE;
        }
    }
    dense_columns::<FMA>(layer, input, output, stride, block, j0)
    // stub:
    // todo_exercise!("infer_rust_scratch", "compute the dense layer: each output unit is its bias plus the weighted sum of the inputs")
    // end exercise: infer_rust_scratch hard
}

/// Output units `j0..j0 + WIDTH` of a full block of rows: BLOCK x WIDTH sums stay in
/// registers while the weights stream by, each weight read once for BLOCK rows.
#[inline(always)]
fn tile<const FMA: bool, const WIDTH: usize>(
    layer: &Dense,
    input: &[f32],
    output: &mut [f32],
    stride: usize,
    j0: usize,
) -> Result<(), ForwardError> {
    // exercise: infer_rust_scratch hard: the sums of one tile: start from the biases, add each input times its row of weights, store them
    let (n_in, n_out) = (layer.n_in, layer.n_out);
    let mut sums = [[0.0f32; WIDTH]; BLOCK];
    for row in sums.iter_mut() {
        row.copy_from_slice(&layer.bias[j0..j0 + WIDTH]);
    }
    // exercise: infer_rust_scratch intermediate: add each input times its row of weights to the sums of the tile
    for k in 0..n_in {
        let w = &layer.weights[k * n_out + j0..k * n_out + j0 + WIDTH];
        for (r, row) in sums.iter_mut().enumerate() {
            let x = input[r * stride + k];
            for (sum, w) in row.iter_mut().zip(w) {
                *sum = mul_add::<FMA>(x, *w, *sum);
            }
        }
    }
    // stub:
    // todo_exercise!("infer_rust_scratch", "add each input times its row of weights to the sums of the tile");
    // end exercise: infer_rust_scratch intermediate
    for (r, row) in sums.iter().enumerate() {
        output[r * stride + j0..r * stride + j0 + WIDTH].copy_from_slice(row);
    }
    Ok(())
    // stub:
    // todo_exercise!("infer_rust_scratch", "the sums of one tile: start from the biases, add each input times its row of weights, store them")
    // end exercise: infer_rust_scratch hard
}

/// The output units from `first` on, one row at a time (the columns that do not fill
/// a tile, and the rows of a last, partial block).
#[inline(always)]
fn dense_columns<const FMA: bool>(
    layer: &Dense,
    input: &[f32],
    output: &mut [f32],
    stride: usize,
    block: usize,
    first: usize,
) -> Result<(), ForwardError> {
    // exercise: infer_rust_scratch hard: the remaining output units, row by row: start from the bias, add input[k] times row k of the weights
    let (n_in, n_out) = (layer.n_in, layer.n_out);
    if first == n_out {
        return Ok(());
    }
    for r in 0..block {
        let sums = &mut output[r * stride + first..r * stride + n_out];
        sums.copy_from_slice(&layer.bias[first..]);
        // exercise: infer_rust_scratch easy: add input[k] times row k of the weights (from column `first`) to the sums
        for k in 0..n_in {
            let x = input[r * stride + k];
            let w = &layer.weights[k * n_out + first..(k + 1) * n_out];
            for (sum, w) in sums.iter_mut().zip(w) {
                *sum = mul_add::<FMA>(x, *w, *sum);
            }
        }
        // stub:
        // todo_exercise!("infer_rust_scratch", "add input[k] times row k of the weights (from column `first`) to the sums");
        // end exercise: infer_rust_scratch easy
    }
    Ok(())
    // stub:
    // todo_exercise!("infer_rust_scratch", "the remaining output units, row by row: start from the bias, add input[k] times row k of the weights")
    // end exercise: infer_rust_scratch hard
}

/// The hidden layers' activation, in place, as scikit-learn's `ACTIVATIONS`.
#[inline(always)]
fn activate(activation: Activation, values: &mut [f32]) -> Result<(), ForwardError> {
    // exercise: infer_rust_scratch hard: apply the activation to every value: relu, tanh, logistic or identity
    match activation {
        // exercise: infer_rust_scratch intermediate: relu keeps positive values and makes the others 0; logistic is 1 / (1 + e^-v); tanh is 1 - 2 / (e^2v + 1)
        Activation::Relu => values.iter_mut().for_each(|v| *v = v.max(0.0)),
        Activation::Logistic => values.iter_mut().for_each(|v| *v = logistic(*v)),
        Activation::Tanh => values
            .iter_mut()
            .for_each(|v| *v = 1.0 - 2.0 / (exp_f32(2.0 * *v) + 1.0)),
        // stub:
        // Activation::Relu | Activation::Logistic | Activation::Tanh => {
        //     todo_exercise!("infer_rust_scratch", "relu keeps positive values and makes the others 0; logistic is 1 / (1 + e^-v); tanh is 1 - 2 / (e^2v + 1)")
        // }
        // end exercise: infer_rust_scratch intermediate
        Activation::Identity => {}
    }
    Ok(())
    // stub:
    // todo_exercise!("infer_rust_scratch", "apply the activation to every value: relu, tanh, logistic or identity")
    // end exercise: infer_rust_scratch hard
}

#[inline(always)]
fn logistic(v: f32) -> f32 {
    1.0 / (1.0 + exp_f32(-v))
}

/// Softmax of one row, in place: subtract the largest value (so no `exp` overflows),
/// exponentiate, divide by the sum.
#[inline(always)]
fn softmax(values: &mut [f32]) -> Result<(), ForwardError> {
    // exercise: infer_rust_scratch hard: softmax in place: e^(v - max) for each value, then divide by their sum
    let max = values.iter().fold(f32::NEG_INFINITY, |m, v| m.max(*v));
    // exercise: infer_rust_scratch easy: replace each value by e^(v - max) and add it to the sum
    let mut sum = 0.0;
    for v in values.iter_mut() {
        *v = exp_f32(*v - max);
        sum += *v;
    }
    // stub:
    // let sum: f32 = todo_exercise!("infer_rust_scratch", "replace each value by e^(v - max) and add it to the sum");
    // end exercise: infer_rust_scratch easy
    let inverse = 1.0 / sum;
    values.iter_mut().for_each(|v| *v *= inverse);
    Ok(())
    // stub:
    // todo_exercise!("infer_rust_scratch", "softmax in place: e^(v - max) for each value, then divide by their sum")
    // end exercise: infer_rust_scratch hard
}

/// A binary model's one logistic unit `z` as the two probabilities `[1 - p, p]`.
#[inline(always)]
fn binary_probabilities(z: f32, probabilities: &mut [f32]) -> Result<(), ForwardError> {
    // exercise: infer_rust_scratch intermediate: p is the logistic of the last unit; the classes get 1 - p and p
    let p = logistic(z);
    probabilities[0] = 1.0 - p;
    probabilities[1] = p;
    Ok(())
    // stub:
    // todo_exercise!("infer_rust_scratch", "p is the logistic of the last unit; the classes get 1 - p and p")
    // end exercise: infer_rust_scratch intermediate
}

/// `e^x` for float32, within 2 units in the last place, written without branches so
/// that a loop over it becomes vector instructions (`f32::exp` calls the C library
/// once per value). `x = n ln 2 + r` with `|r| <= ln 2 / 2`, then `e^r` from its
/// Taylor-like polynomial (the coefficients of the Cephes library) and `2^n` written
/// straight into the exponent bits. Inputs are clamped to where `e^x` is a normal
/// float32: below -87.3 the result is about 1e-38 instead of 0.
#[inline(always)]
pub fn exp_f32(x: f32) -> f32 {
    const LOG2_E: f32 = std::f32::consts::LOG2_E;
    const LN2_HI: f32 = 0.693_359_4;
    const LN2_LO: f32 = -2.121_944_4e-4;
    // Adding and removing 1.5 * 2^23 rounds to the nearest integer (no `round` call).
    const ROUNDER: f32 = 12_582_912.0;
    let x = x.clamp(-87.3, 88.3);
    let n = (x * LOG2_E + ROUNDER) - ROUNDER;
    let r = x - n * LN2_HI - n * LN2_LO;
    let mut p = 1.987_569_1e-4;
    p = p * r + 1.398_199_9e-3;
    p = p * r + 8.333_452e-3;
    p = p * r + 4.166_579_6e-2;
    p = p * r + 1.666_666_5e-1;
    p = p * r + 0.5;
    let e_r = p * r * r + r + 1.0;
    let two_n = f32::from_bits(((n as i32 + 127) as u32) << 23);
    e_r * two_n
}

/// The index of the largest probability of each row (the first one on a tie, as
/// NumPy's `argmax`).
pub fn argmax_rows(probabilities: &[f32], n_classes: usize, labels: &mut [i64]) {
    for (label, row) in labels.iter_mut().zip(probabilities.chunks_exact(n_classes)) {
        let mut best = 0;
        for (j, p) in row.iter().enumerate() {
            if *p > row[best] {
                best = j;
            }
        }
        *label = best as i64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A model with `sizes` (features first), weights from a small fixed sequence.
    fn model(sizes: &[usize], activation: Activation) -> Mlp {
        let mut next = 0.37f32;
        let mut value = || {
            next = (next * 7.31 + 0.13).fract();
            next - 0.5
        };
        let layers = sizes
            .windows(2)
            .map(|w| Dense {
                n_in: w[0],
                n_out: w[1],
                weights: (0..w[0] * w[1]).map(|_| value()).collect(),
                bias: (0..w[1]).map(|_| value()).collect(),
            })
            .collect();
        let mean = (0..sizes[0]).map(|_| value()).collect();
        let scale = (0..sizes[0]).map(|_| 1.0 + value().abs()).collect();
        Mlp::new(mean, scale, layers, activation).unwrap()
    }

    /// The same forward pass written as plainly as possible, in float64.
    fn reference(mlp: &Mlp, x: &[f32]) -> Vec<f64> {
        let mut out = Vec::new();
        for row in x.chunks(mlp.n_features()) {
            let mut v: Vec<f64> = row
                .iter()
                .zip(&mlp.mean)
                .zip(&mlp.scale)
                .map(|((x, m), s)| (*x as f64 - *m as f64) / *s as f64)
                .collect();
            for (i, layer) in mlp.layers.iter().enumerate() {
                let mut next: Vec<f64> = layer.bias.iter().map(|b| *b as f64).collect();
                for (k, xv) in v.iter().enumerate() {
                    for (j, n) in next.iter_mut().enumerate() {
                        *n += xv * layer.weights[k * layer.n_out + j] as f64;
                    }
                }
                if i + 1 < mlp.layers.len() {
                    for n in next.iter_mut() {
                        *n = match mlp.activation {
                            Activation::Relu => n.max(0.0),
                            Activation::Tanh => n.tanh(),
                            Activation::Logistic => 1.0 / (1.0 + (-*n).exp()),
                            Activation::Identity => *n,
                        };
                    }
                }
                v = next;
            }
            if v.len() == 1 {
                let p = 1.0 / (1.0 + (-v[0]).exp());
                out.extend([1.0 - p, p]);
            } else {
                let max = v.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                let e: Vec<f64> = v.iter().map(|x| (x - max).exp()).collect();
                let sum: f64 = e.iter().sum();
                out.extend(e.iter().map(|x| x / sum));
            }
        }
        out
    }

    fn inputs(rows: usize, n_features: usize) -> Vec<f32> {
        (0..rows * n_features)
            .map(|i| ((i * 37 % 101) as f32) / 10.0 - 3.0)
            .collect()
    }

    #[test]
    fn matches_a_plain_float64_forward_pass_for_every_activation_and_shape() {
        for activation in [
            Activation::Relu,
            Activation::Tanh,
            Activation::Logistic,
            Activation::Identity,
        ] {
            // Tiles and leftovers: 40 = 2 tiles + 8 columns; 10 and 1 output(s).
            for sizes in [&[64, 40, 10][..], &[5, 3, 1], &[17, 33, 16, 2], &[3, 7]] {
                let mlp = model(sizes, activation);
                for rows in [1, 3, 4, 9] {
                    let x = inputs(rows, sizes[0]);
                    let mut out = vec![0.0; rows * mlp.n_classes()];
                    mlp.predict_proba(&x, &mut out).unwrap();
                    let want = reference(&mlp, &x);
                    for (got, want) in out.iter().zip(&want) {
                        assert!(
                            (*got as f64 - want).abs() < 1e-5,
                            "{activation:?} {sizes:?} {rows} rows: {got} vs {want}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn the_portable_build_agrees_with_the_one_chosen_at_run_time() {
        let mlp = model(&[64, 48, 10], Activation::Relu);
        let x = inputs(4, 64);
        let (mut fast, mut portable) = (vec![0.0; 40], vec![0.0; 40]);
        mlp.forward_block(&x, &mut fast, 0, 4, &mut mlp.workspace())
            .unwrap();
        forward_block_generic::<false>(&mlp, &x, &mut portable, 0, 4, &mut mlp.workspace())
            .unwrap();
        for (a, b) in fast.iter().zip(&portable) {
            assert!((a - b).abs() < 1e-6, "{a} vs {b}");
        }
    }

    #[test]
    fn exp_is_close_to_std_over_the_whole_range() {
        let mut x = -87.0f32;
        while x < 88.0 {
            let (got, want) = (exp_f32(x), x.exp());
            assert!(
                ((got - want) / want).abs() < 3e-7,
                "exp({x}): {got} vs {want}"
            );
            x += 0.0137;
        }
        assert!(exp_f32(-1000.0) < 1e-37 && exp_f32(1000.0).is_finite());
    }

    #[test]
    fn a_nan_or_infinite_value_names_its_row() {
        let mlp = model(&[3, 4, 2], Activation::Relu);
        for bad in [f32::NAN, f32::INFINITY] {
            let mut x = inputs(7, 3);
            x[5 * 3 + 1] = bad;
            let err = mlp.predict_proba(&x, &mut [0.0; 14]).unwrap_err();
            assert!(matches!(&err, ForwardError::Invalid(m) if m.starts_with("X[5] holds NaN")));
        }
    }

    #[test]
    fn sizes_that_do_not_fit_are_refused() {
        let layer = |n_in, n_out| Dense {
            n_in,
            n_out,
            weights: vec![0.0; n_in * n_out],
            bias: vec![0.0; n_out],
        };
        let mlp = |mean: usize, scale: usize, layers| {
            Mlp::new(vec![0.0; mean], vec![1.0; scale], layers, Activation::Relu)
        };
        assert!(mlp(3, 3, vec![layer(3, 2), layer(2, 2)]).is_ok());
        assert!(mlp(3, 2, vec![layer(3, 2)]).is_err());
        assert!(mlp(3, 3, vec![layer(4, 2)]).is_err());
        assert!(mlp(3, 3, vec![layer(3, 2), layer(3, 2)]).is_err());
        assert!(mlp(3, 3, vec![]).is_err());
        assert!(Mlp::new(vec![0.0], vec![0.0], vec![layer(1, 2)], Activation::Relu).is_err());
        let ok = mlp(3, 3, vec![layer(3, 2)]).unwrap();
        assert!(ok.predict_proba(&[1.0; 4], &mut [0.0; 2]).is_err());
    }

    #[test]
    fn argmax_takes_the_first_of_equal_values() {
        let mut labels = [0; 3];
        argmax_rows(
            &[0.1, 0.7, 0.2, 0.5, 0.5, 0.0, 0.0, 0.2, 0.8],
            3,
            &mut labels,
        );
        assert_eq!(labels, [1, 0, 2]);
    }
}
