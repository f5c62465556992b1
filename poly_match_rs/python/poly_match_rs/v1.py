"""Stage v1: ``find_close_polygons`` in Rust (see ``src/lib_v1.rs``)."""

from poly_match_rs._poly_match_rs import v1 as _stage

find_close_polygons = _stage.find_close_polygons

__all__ = ["find_close_polygons"]
