"""Stage v4: the loop over the points in Rust (see ``src/lib_v4.rs``)."""

from poly_match_rs._poly_match_rs import v4 as _stage

Polygon = _stage.Polygon
find_all_close_polygons = _stage.find_all_close_polygons

__all__ = ["Polygon", "find_all_close_polygons"]
