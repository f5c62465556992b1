//! Lesson 1: match each point to the smallest nearby polygon.
//!
//! Each stage of the lesson lives in its own file, `lib_v0.rs` … `lib_v6.rs`,
//! so that a student can diff one stage against the previous one. This file
//! only gathers them into one Python extension, `poly_match_rs._poly_match_rs`,
//! with one submodule per stage (`v0`, `v1`, …). The Python package in
//! `python/poly_match_rs/` makes `from poly_match_rs.v1 import ...` work.
//! `checks.rs` holds the input checks that every stage shares, `floor.rs` the
//! floor of the benchmark table (`_floor_one_pass`, not a stage).

// `todo_exercise!`, which the exercise files use in place of the code to write.
#[allow(unused_imports)]
#[macro_use]
extern crate lesson_support;

pub mod checks;
pub mod floor;
pub mod lib_v0;
pub mod lib_v1;
pub mod lib_v2;
pub mod lib_v3;
pub mod lib_v4;
pub mod lib_v5;
pub mod lib_v6;

use pyo3::prelude::*;

#[pymodule]
mod _poly_match_rs {
    #[pymodule_export]
    use super::floor::floor_one_pass;
    #[pymodule_export]
    use super::lib_v0::v0;
    #[pymodule_export]
    use super::lib_v1::v1;
    #[pymodule_export]
    use super::lib_v2::v2;
    #[pymodule_export]
    use super::lib_v3::v3;
    #[pymodule_export]
    use super::lib_v4::v4;
    #[pymodule_export]
    use super::lib_v5::v5;
    #[pymodule_export]
    use super::lib_v6::v6;
    #[pymodule_export]
    use lesson_support::debug_panic;
}
