//! Extra lesson: text preprocessing (`docs/text_preprocessing.md`).
//!
//! - `text.rs`: the plain-Rust core (split on Python's whitespace, keep the words of
//!   more than three characters, lowercase them);
//! - `text_py.rs`: the Python functions `preprocess_text`, `preprocess_text_buffered`
//!   and `preprocess_text_interned`, thin wrappers over the core.

// `todo_exercise!`, which the exercise files use in place of the code to write.
#[allow(unused_imports)]
#[macro_use]
extern crate lesson_support;

pub mod text;
pub mod text_py;

use pyo3::prelude::*;

#[pymodule]
mod _text_prep_rs {
    #[pymodule_export]
    use super::text_py::{
        preprocess_text, preprocess_text_ascii, preprocess_text_buffered, preprocess_text_interned,
    };
    #[pymodule_export]
    use lesson_support::debug_panic;
}
