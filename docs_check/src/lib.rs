//! Checks the code blocks of the workshop's guide.
//!
//! `build.rs` writes one empty module per page of `docs/`, documented by the
//! page itself (`#[doc = include_str!("docs/<page>.md")]`). `cargo test -p
//! docs_check` then runs rustdoc's doctests: every fenced block that rustdoc
//! treats as Rust (` ```rust `, or a fence with no language) is compiled and
//! run; `ignore`, `no_run`, `should_panic` and `compile_fail` mean what rustdoc
//! says. Blocks in other languages (`python`, `bash`, `toml`, `text`) are left
//! to pytest (`docs/conftest.py` runs the Python ones) or not executed.

// Clippy also lints the code blocks. The guide writes `fn main()` out even where
// rustdoc would add it, because readers new to Rust should see a whole program, and
// cargo.md shows a `#[test]` function on purpose (and says it does not run there).
#![allow(clippy::needless_doctest_main, clippy::test_attr_in_doctest)]

include!(concat!(env!("OUT_DIR"), "/pages.rs"));
