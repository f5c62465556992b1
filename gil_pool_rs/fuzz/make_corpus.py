"""The seed corpus of the msgpack fuzz target: valid files, as the lesson writes them.

Each seed is one byte choosing the call (see fuzz_targets/decode_stream.rs) followed by
a msgpack file of float32 vectors written the way ``msgpack_data.write_vector_files``
writes them (``msgpack.pack(vector.tobytes())``), for vectors of 1 to 16 384 values (the
bin 8, bin 16 and bin 32 headers), plus a few files that mix lengths, so the fuzzer starts
from inputs that reach every branch of the decoder. Seeded: the same files every time.

    python make_corpus.py [folder]      # default: seeds/ beside this script
"""

from __future__ import annotations

import random
import struct
import sys
from pathlib import Path

import msgpack


def head(dim: int, skip: bool) -> int:
    """The first byte of an input for this dim (bit 6 for the powers of two above 64)."""
    if 1 <= dim <= 64:
        code = dim - 1
    else:
        code = 0x40 | (dim.bit_length() - 1)
        assert dim == 1 << (dim.bit_length() - 1), dim
    return code | (0x80 if skip else 0)


def vectors_file(rng: random.Random, count: int, dim: int) -> bytes:
    """`count` vectors of `dim` float32 (uniform in [0, 1)), as little-endian bytes."""
    vectors = (struct.pack(f"<{dim}f", *(rng.random() for _ in range(dim))) for _ in range(count))
    return b"".join(msgpack.packb(vector) for vector in vectors)


def seeds(seed: int = 0) -> dict[str, bytes]:
    rng = random.Random(seed)
    out = {}
    for dim, count in [(1, 5), (3, 4), (4, 3), (16, 3), (64, 2), (128, 2), (16_384, 1)]:
        for skip in (False, True):
            out[f"dim{dim}_{count}_skip{int(skip)}"] = bytes([head(dim, skip)]) + vectors_file(
                rng, count, dim
            )
    # mixed lengths (skipped or refused), a wide header for a small payload, an empty file
    mixed = vectors_file(rng, 2, 4) + vectors_file(rng, 1, 3) + vectors_file(rng, 1, 4)
    out["mixed_skip1"] = bytes([head(4, True)]) + mixed
    out["mixed_skip0"] = bytes([head(4, False)]) + mixed
    out["bin32_small"] = bytes([head(1, False), 0xC6, 0, 0, 0, 4]) + b"\0\0\x80\x3f"
    out["empty"] = bytes([head(8, False)])
    return out


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "seeds"
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in seeds().items():
        (folder / name).write_bytes(data)
    print(f"{len(seeds())} seeds in {folder}")


if __name__ == "__main__":
    main()
