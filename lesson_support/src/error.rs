//! The error type of the plain-Rust cores.
//!
//! The cores know nothing about Python, except that an error can come *from*
//! Python: an unfinished exercise (`todo_exercise!`) returns a Python
//! `NotImplementedError`, and it must travel through the core unchanged. So the
//! error is either a bad value (a `ValueError` once it reaches Python) or a
//! Python error passed through.

use pyo3::exceptions::PyValueError;
use pyo3::PyErr;
use std::fmt;

/// What went wrong in a core function.
#[derive(Debug)]
pub enum Error {
    /// An argument has an impossible value; the message names the argument and
    /// says what was expected. Becomes a Python `ValueError`.
    Value(String),
    /// An error that is already a Python exception (an unfinished exercise).
    Python(PyErr),
}

impl Error {
    /// A `ValueError` with this message (which should name the argument).
    pub fn value(message: impl Into<String>) -> Self {
        Error::Value(message.into())
    }
}

/// The result type of every core function.
pub type Result<T> = std::result::Result<T, Error>;

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Value(message) => f.write_str(message),
            Error::Python(err) => write!(f, "{err}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<PyErr> for Error {
    fn from(err: PyErr) -> Self {
        Error::Python(err)
    }
}

impl From<Error> for PyErr {
    fn from(err: Error) -> Self {
        match err {
            Error::Value(message) => PyValueError::new_err(message),
            Error::Python(err) => err,
        }
    }
}
