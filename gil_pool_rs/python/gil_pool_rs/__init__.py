"""Extra lesson of the workshop: releasing the GIL in a thread pool (``docs/gil_thread_pool.md``).

``take_iter(iterator, np_vectors)`` pulls ``bytes`` items from any Python iterable and
copies them into the rows of a preallocated float32 array with the GIL released (the
array is modified in place: that is its purpose); ``read_msgpack_vectors(path, dim)``
reads and decodes a whole msgpack file in Rust. The stage drivers are in
``gil_pool_rs/py_project/``.
"""

from gil_pool_rs._gil_pool_rs import (
    read_msgpack_vectors,
    take_iter,
)

__all__ = [
    "read_msgpack_vectors",
    "take_iter",
]
