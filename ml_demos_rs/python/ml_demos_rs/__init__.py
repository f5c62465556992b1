"""Lesson 2 of the workshop: machine-learning building blocks written in Rust."""

from ml_demos_rs import _ml_demos_rs  # noqa: F401  (fails early if the build is missing)

__all__: list[str] = []
