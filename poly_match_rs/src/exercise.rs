//! Support for the exercises (see `exercises.toml` and `docs/applications.md`).
//!
//! In an exercise file a removed piece of code is replaced by `todo_exercise!`,
//! which returns a Python `NotImplementedError` naming the exercise and the file,
//! so the module still imports and the other stages still run.

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
            assert!(message.contains("src/exercise.rs"), "{message}");
        });
    }
}
