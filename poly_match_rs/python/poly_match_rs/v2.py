"""Stage v2: the ``Polygon`` class in Rust (see ``src/lib_v2.rs``)."""

from poly_match_rs._poly_match_rs import v2 as _stage

Polygon = _stage.Polygon
find_close_polygons = _stage.find_close_polygons

__all__ = ["Polygon", "find_close_polygons"]
