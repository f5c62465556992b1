"""Stage v5: the whole match in one call (see ``src/lib_v5.rs``)."""

from poly_match_rs._poly_match_rs import v5 as _stage

AREA_RTOL = _stage.AREA_RTOL
Polygon = _stage.Polygon
find_best_polygons = _stage.find_best_polygons

__all__ = ["AREA_RTOL", "Polygon", "find_best_polygons"]
