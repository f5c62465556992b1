//! What every lesson crate shares, written once.
//!
//! - [`todo_exercise!`]: the placeholder of an unfinished exercise (see
//!   `exercises.toml` and `docs/authoring.md`). In an exercise file, a removed piece of
//!   code is replaced by `todo_exercise!`, which returns a Python `NotImplementedError`
//!   naming the exercise and the file, so the module still imports and the other
//!   stages still run. The lesson crates load it with `#[macro_use] extern crate
//!   lesson_support;`, so every stage file can use it without an import.
//! - [`debug_panic`]: a function that panics on purpose, exported (as `_debug_panic`,
//!   outside the public API) by every lesson module for the reliability tests.
//! - [`error`]: the error type of the plain-Rust cores ([`Error`], [`Result`]).
//! - [`args`]: reading Python arguments with errors that say what was expected
//!   (`type_name`, `numpy_array`, `float_arg`, `seed_arg`, ...).
//! - [`random`]: the seeded random generator every lesson draws from.

pub mod args;
pub mod error;
pub mod random;

pub use error::{Error, Result};

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

/// Return early with a Python `NotImplementedError` saying which exercise is unfinished.
///
/// Usable in any function returning `Result<_, E>` where `E: From<PyErr>`.
#[macro_export]
macro_rules! todo_exercise {
    ($exercise:literal, $task:literal) => {
        return Err(::pyo3::exceptions::PyNotImplementedError::new_err(concat!(
            "exercise ",
            $exercise,
            " is not done yet: ",
            $task,
            " (in ",
            file!(),
            ")"
        ))
        .into())
    };
}

/// Panics on purpose, for the reliability tests only (not part of the API, not
/// re-exported by the Python packages). `reliability/` calls it to prove that a Rust
/// panic reaches Python as `pyo3_runtime.PanicException` instead of aborting the
/// interpreter: on the calling thread (`where_="gil"`), with the GIL released
/// (`"detached"`), and inside a rayon worker thread (`"rayon"`).
#[pyfunction]
#[pyo3(name = "_debug_panic", signature = (message, where_="gil"))]
pub fn debug_panic(py: Python<'_>, message: &str, where_: &str) -> PyResult<()> {
    let fail = || -> PyResult<()> { panic!("{message}") };
    match where_ {
        "gil" => fail(),
        "detached" => py.detach(fail),
        "rayon" => py.detach(|| rayon::join(|| (), fail).1),
        other => Err(PyValueError::new_err(format!(
            "where_ must be \"gil\", \"detached\" or \"rayon\", got {other:?}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use pyo3::exceptions::PyNotImplementedError;
    use pyo3::prelude::*;

    fn unfinished() -> PyResult<i32> {
        todo_exercise!("demo_exercise", "return the answer");
    }

    #[test]
    fn raises_not_implemented_naming_the_exercise_and_file() {
        Python::initialize();
        Python::attach(|py| {
            let err = unfinished().unwrap_err();
            assert!(err.is_instance_of::<PyNotImplementedError>(py));
            let message = err.value(py).to_string();
            assert!(message.contains("exercise demo_exercise is not done yet"));
            assert!(message.contains("src/lib.rs"), "{message}");
        });
    }
}
