//! The hand-written forward pass (`../src/scratch.rs`, the same file the Python
//! extension builds) as a WebAssembly module for `wasm32-unknown-unknown`.
//!
//! A WebAssembly module shares nothing with its host but numbers and one block of
//! linear memory. So the host (here Python, through the `wasmtime` package; in a
//! browser, JavaScript) asks the module for a buffer, writes its numbers into the
//! module's memory at the address it got back, calls an export, and reads the answer
//! from memory again:
//!
//! 1. `params_buffer(n)` and `layout_buffer(n)`: room for the model (the float32
//!    weights one after the other, and the sizes as u32), filled by the host;
//!    `load_model()` builds the model from them;
//! 2. `input_buffer(n_rows)`: room for `n_rows` images, filled by the host;
//! 3. `predict_proba(n_rows)`: runs the model into the output buffer, whose address
//!    `output_buffer()` gives.
//!
//! Every export returns a status (0: done) or an address (0: refused); after a refusal
//! `error_kind()` says why (1: bad argument, 2: unfinished exercise) and
//! `error_message()`/`error_len()` point at the message in memory.
//!
//! No dependency and nothing newer than Rust 1.63, so that an old distribution
//! compiler with the wasm32 standard library (Debian's `rustc` and
//! `libstd-rust-dev-wasm32`) builds it as well as rustup's. A panic becomes a
//! WebAssembly trap, which the host sees as an error of the call, never a crash.

use std::cell::RefCell;

// The module uses part of the core (no rayon here, no argmax): the rest is not dead
// code in the Python extension.
// `macro_use`: the stubs of an exercise here use the core's `todo_exercise!`.
#[allow(dead_code)]
#[macro_use]
#[path = "../../src/scratch.rs"]
mod scratch;

use scratch::{Activation, Dense, ForwardError, Mlp, Workspace};

/// Status of an export that worked; the others are the values of `ErrorKind`.
const DONE: i32 = 0;

/// What the module keeps between calls: the buffers the host writes into and reads
/// from, the model, and the last error.
#[derive(Default)]
struct State {
    params: Vec<f32>,
    layout: Vec<u32>,
    model: Option<Mlp>,
    input: Vec<f32>,
    output: Vec<f32>,
    workspace: Workspace,
    error: String,
    error_kind: i32,
}

thread_local! {
    // A wasm32-unknown-unknown module runs on one thread: this is a plain global,
    // reached without `unsafe`.
    static STATE: RefCell<State> = RefCell::new(State::default());
}

/// Runs `f` on the state; an error is kept for `error_message` and gives `refused`.
fn with_state<T>(refused: T, f: impl FnOnce(&mut State) -> Result<T, ForwardError>) -> T {
    STATE.with(|state| {
        let mut state = state.borrow_mut();
        match f(&mut state) {
            Ok(value) => {
                state.error_kind = DONE;
                value
            }
            Err(err) => {
                state.error_kind = match err {
                    ForwardError::Invalid(_) => 1,
                    ForwardError::Unfinished(_) => 2,
                };
                state.error = err.to_string();
                refused
            }
        }
    })
}

fn invalid<T>(message: String) -> Result<T, ForwardError> {
    Err(ForwardError::Invalid(message))
}

/// The address of a buffer in linear memory, as the host sees it.
fn address(values: &mut [f32]) -> u32 {
    values.as_mut_ptr() as usize as u32
}

/// Room for `n` float32 model parameters: the scaler's mean and scale, then for each
/// layer its weights (row after row) and its biases.
#[no_mangle]
pub extern "C" fn params_buffer(n: u32) -> u32 {
    with_state(0, |state| {
        state.params = vec![0.0; n as usize];
        Ok(address(&mut state.params))
    })
}

/// Room for `n` u32 sizes: the activation's code, the number of features, then for each
/// layer its inputs, its units and its number of biases.
#[no_mangle]
pub extern "C" fn layout_buffer(n: u32) -> u32 {
    with_state(0, |state| {
        state.layout = vec![0; n as usize];
        Ok(state.layout.as_mut_ptr() as usize as u32)
    })
}

/// Builds the model from the two buffers the host has filled (status 0 when it fits).
#[no_mangle]
pub extern "C" fn load_model() -> i32 {
    with_state(1, |state| {
        let model = model_from(&state.params, &state.layout)?;
        state.workspace = model.workspace();
        state.model = Some(model);
        Ok(DONE)
    })
}

fn model_from(params: &[f32], layout: &[u32]) -> Result<Mlp, ForwardError> {
    // [activation, n_features, then (n_in, n_out, n_biases) for each layer]
    if layout.len() < 5 || (layout.len() - 2) % 3 != 0 {
        return invalid(format!(
            "the layout must hold an activation, the features and 3 sizes per layer, got {} values",
            layout.len()
        ));
    }
    let activation = match Activation::from_code(layout[0]) {
        Some(activation) => activation,
        None => return invalid(format!("unknown activation code {}", layout[0])),
    };
    let n_features = layout[1] as usize;
    let mut rest = params;
    let mut take = |n: usize| -> Result<Vec<f32>, ForwardError> {
        if n > rest.len() {
            return invalid(format!(
                "the parameters end early: {n} more values were expected"
            ));
        }
        let (head, tail) = rest.split_at(n);
        rest = tail;
        Ok(head.to_vec())
    };
    let mean = take(n_features)?;
    let scale = take(n_features)?;
    let mut layers = Vec::new();
    for sizes in layout[2..].chunks(3) {
        let (n_in, n_out, n_biases) = (sizes[0] as usize, sizes[1] as usize, sizes[2] as usize);
        let weights = take(n_in * n_out)?;
        let bias = take(n_biases)?;
        // Mlp::new checks that the layers chain and that each has its biases.
        layers.push(Dense {
            n_in,
            n_out,
            weights,
            bias,
        });
    }
    if !rest.is_empty() {
        return invalid(format!("{} parameters are left over", rest.len()));
    }
    Mlp::new(mean, scale, layers, activation)
}

/// Memory in: room for `n_rows` images (and for their probabilities), at the address
/// returned (0 when there is no model yet).
#[no_mangle]
pub extern "C" fn input_buffer(n_rows: u32) -> u32 {
    with_state(0, |state| {
        // exercise: infer_wasm_scratch hard: make room for n_rows images in state.input and n_rows rows of probabilities in state.output, and return the address of the input
        let (n_features, n_classes) = match &state.model {
            Some(model) => (model.n_features(), model.n_classes()),
            None => return invalid("load_model must succeed before input_buffer".to_string()),
        };
        // exercise: infer_wasm_scratch intermediate: resize the two buffers (same length: no new allocation) and return the input's address
        let n_rows = n_rows as usize;
        state.input.resize(n_rows * n_features, 0.0);
        state.output.resize(n_rows * n_classes, 0.0);
        Ok(address(&mut state.input))
        // stub:
        // todo_exercise!("infer_wasm_scratch", "resize the two buffers (same length: no new allocation) and return the input's address")
        // end exercise: infer_wasm_scratch intermediate
        // stub:
        // todo_exercise!("infer_wasm_scratch", "make room for n_rows images in state.input and n_rows rows of probabilities in state.output, and return the address of the input")
        // end exercise: infer_wasm_scratch hard
    })
}

/// Memory out: where `predict_proba` writes the probabilities, row after row.
#[no_mangle]
pub extern "C" fn output_buffer() -> u32 {
    with_state(0, |state| {
        // exercise: infer_wasm_scratch easy: return the address of the output buffer
        Ok(address(&mut state.output))
        // stub:
        // todo_exercise!("infer_wasm_scratch", "return the address of the output buffer")
        // end exercise: infer_wasm_scratch easy
    })
}

/// Runs the model on the `n_rows` images of the input buffer, into the output buffer.
#[no_mangle]
pub extern "C" fn predict_proba(n_rows: u32) -> i32 {
    with_state(1, |state| {
        // exercise: infer_wasm_scratch hard: run the model on the first n_rows images of the input buffer, writing into the output buffer, with the state's workspace
        let State {
            model,
            input,
            output,
            workspace,
            ..
        } = state;
        let model = match model {
            Some(model) => model,
            None => return invalid("load_model must succeed before predict_proba".to_string()),
        };
        let (n_in, n_out) = (
            n_rows as usize * model.n_features(),
            n_rows as usize * model.n_classes(),
        );
        if n_in > input.len() || n_out > output.len() {
            return invalid(format!(
                "predict_proba({n_rows}) needs an input_buffer of at least {n_rows} rows"
            ));
        }
        // exercise: infer_wasm_scratch intermediate: call the model's predict_proba_with on the two slices and the workspace
        model.predict_proba_with(&input[..n_in], &mut output[..n_out], workspace)?;
        // stub:
        // todo_exercise!("infer_wasm_scratch", "call the model's predict_proba_with on the two slices and the workspace");
        // end exercise: infer_wasm_scratch intermediate
        Ok(DONE)
        // stub:
        // todo_exercise!("infer_wasm_scratch", "run the model on the first n_rows images of the input buffer, writing into the output buffer, with the state's workspace")
        // end exercise: infer_wasm_scratch hard
    })
}

/// Why the last refused call was refused: 1 a bad argument, 2 an unfinished exercise.
#[no_mangle]
pub extern "C" fn error_kind() -> i32 {
    STATE.with(|state| state.borrow().error_kind)
}

/// The address of the last error's message (UTF-8, `error_len()` bytes).
#[no_mangle]
pub extern "C" fn error_message() -> u32 {
    STATE.with(|state| state.borrow().error.as_ptr() as usize as u32)
}

#[no_mangle]
pub extern "C" fn error_len() -> u32 {
    STATE.with(|state| state.borrow().error.len() as u32)
}

/// Traps on purpose (a Rust panic in WebAssembly), for the tests of the host's
/// error handling.
#[no_mangle]
pub extern "C" fn debug_trap() {
    panic!("debug_trap was called");
}
