"""Stage v0: nothing is in Rust yet (see ``src/lib_v0.rs``)."""

from poly_match_rs._poly_match_rs import v0 as _stage

__doc__ = _stage.__doc__
