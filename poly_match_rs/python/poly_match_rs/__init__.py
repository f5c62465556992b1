"""Lesson 1 of the workshop: the polygon matcher, one submodule per stage.

``poly_match_rs.v1`` … ``poly_match_rs.v6`` are the Rust stages (``src/lib_v1.rs`` …
``src/lib_v6.rs``); the matching Python drivers live in
``poly_match_rs/py_project/poly_match_vN.py``. Both spellings work::

    import poly_match_rs
    poly_match_rs.v1.find_close_polygons(polygons, point, max_dist)

    from poly_match_rs.v1 import find_close_polygons
"""

from poly_match_rs import v0, v1, v2, v3, v4, v5, v6

__all__ = ["v0", "v1", "v2", "v3", "v4", "v5", "v6"]
