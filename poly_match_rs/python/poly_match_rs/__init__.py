"""Lesson 1 of the workshop: the polygon matcher, one submodule per stage.

``poly_match_rs.v1`` … ``poly_match_rs.v5`` are the Rust stages; the matching
pure-Python drivers live in ``poly_match_rs/py_project/poly_match_vN.py``.
"""

from poly_match_rs import v0

__all__ = ["v0"]
