"""Stage v3: the distance without a temporary array (see ``src/lib_v3.rs``)."""

from poly_match_rs._poly_match_rs import v3 as _stage

Polygon = _stage.Polygon
find_close_polygons = _stage.find_close_polygons

__all__ = ["Polygon", "find_close_polygons"]
