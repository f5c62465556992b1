//! Turns every `docs/*.md` page into one module whose doc comment is the page,
//! so that rustdoc's doctest runner compiles (and runs) its Rust code blocks.
//! A page added later is picked up without editing this crate.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let docs_dir = manifest_dir.join("../docs");
    // A page added, removed or edited reruns this script (cargo scans the folder).
    println!("cargo:rerun-if-changed={}", docs_dir.display());

    let mut pages: Vec<PathBuf> = fs::read_dir(&docs_dir)
        .expect("docs/ folder next to docs_check/")
        .map(|entry| entry.expect("readable docs/ entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    pages.sort();

    let mut generated = String::new();
    for page in &pages {
        let absolute = page.canonicalize().expect("page path");
        writeln!(
            generated,
            "#[doc = include_str!({path:?})]\npub mod {name} {{}}\n",
            path = absolute.display().to_string(),
            name = module_name(page),
        )
        .expect("write to a String");
    }
    let out = PathBuf::from(env::var("OUT_DIR").expect("set by cargo")).join("pages.rs");
    fs::write(out, generated).expect("write pages.rs");
}

/// `docs/pyo3.md` -> `pyo3_md`, `docs/my-lesson.md` -> `my_lesson_md`.
fn module_name(page: &Path) -> String {
    let stem = page.file_stem().expect("file name").to_string_lossy();
    let cleaned: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("{cleaned}_md")
}
