"""The msgpack lesson: `take_iter` and `read_msgpack_vectors` against the Python baseline.

Every version must return exactly the arrays of the baseline (and of the generator that
wrote the files); `take_iter` must release the GIL while it copies, give the right
answer from several threads at once, and refuse bad input with a clear TypeError or
ValueError (OSError for a file that cannot be read), never a panic. Tests whose id
contains `msgpack_rust_threads` decide whether that exercise is done.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import threading
import types
import warnings
from pathlib import Path

import msgpack
import numpy as np
import pytest
from gil_pool_testing import lesson_suites, version
from msgpack_data import (
    iterate_msgpack,
    shared_pool,
    take_iter_py,
    vector_counts,
    write_vector_files,
)

import gil_pool_rs
from workshop.bench import Budget, ResultMismatch, measure_suite

DIM = 16
SEED = 3
VERSIONS = lesson_suites().MSGPACK.versions


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return write_vector_files(tmp_path_factory.mktemp("msgpack"), 3, 120, DIM, SEED)


def written_vectors(n_files: int, vectors: int, dim: int, seed: int) -> list[np.ndarray]:
    """What write_vector_files wrote, drawn again from the same seeds."""
    return [
        np.random.default_rng([seed, i]).random((count, dim), dtype=np.float32)
        for i, count in enumerate(vector_counts(n_files, vectors))
    ]


def vector_items(n: int, dim: int = DIM, seed: int = 0) -> tuple[list[bytes], np.ndarray]:
    values = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return [row.tobytes() for row in values], values


# --- every version, in its pool ---------------------------------------------------


@pytest.mark.parametrize("name", VERSIONS, ids=VERSIONS)
def test_every_version_returns_the_written_vectors(name, files):
    module = version(name)
    arrays = module.main(list(files.paths), files.dim, files.capacity, shared_pool(module.POOL, 2))
    expected = written_vectors(3, 120, DIM, SEED)
    assert len(arrays) == len(expected)
    for got, want in zip(arrays, expected, strict=True):
        assert got.dtype == np.float32 and got.shape == want.shape
        np.testing.assert_array_equal(got, want)
    lesson_suites().msgpack_compare(expected, arrays)


def test_the_suite_check_catches_a_changed_value_or_shape(files):
    check = lesson_suites().msgpack_compare
    expected = written_vectors(3, 120, DIM, SEED)
    check(expected, [a.copy() for a in expected])
    changed = [a.copy() for a in expected]
    changed[1][7, 3] = np.nextafter(changed[1][7, 3], np.float32(2))  # one ulp
    with pytest.raises(ResultMismatch, match="file 1: 1 of 108 vectors differ; the first is row 7"):
        check(expected, changed)
    with pytest.raises(ResultMismatch, match="shape"):
        check(expected, [expected[0][:-1], *expected[1:]])
    with pytest.raises(ResultMismatch, match="float64"):
        check(expected, [expected[0].astype(np.float64), *expected[1:]])
    with pytest.raises(ResultMismatch, match="2 arrays instead of 3"):
        check(expected, expected[:2])


def test_a_wrong_version_makes_measure_all_fail(monkeypatch, capsys):
    # A version that drops the last vector of each file must be refused, not timed,
    # and measure_all must exit with 1.
    from workshop.bench import measure_all_main

    def wrong_main(paths, dim, capacity, pool):
        return [a[:-1] for a in version("msgpack_rust_reader").main(paths, dim, capacity, pool)]

    wrong = types.ModuleType("msgpack_wrong")
    wrong.POOL = "threads"
    wrong.main = wrong_main
    monkeypatch.setitem(sys.modules, "msgpack_wrong", wrong)
    suite = dataclasses.replace(
        lesson_suites().MSGPACK, versions=["msgpack_py_threads", "msgpack_wrong"]
    )
    report = measure_suite(
        suite, params={"files": 2, "vectors": 50, "dim": 8, "workers": 2}, budget=Budget.quick()
    )
    assert report.measurements[-1].status == "wrong result"
    assert not report.measurements[-1].times
    fake_suites = types.ModuleType("msgpack_fake_suites")
    fake_suites.SUITES = [suite]
    monkeypatch.setitem(sys.modules, "msgpack_fake_suites", fake_suites)
    monkeypatch.setattr(os, "environ", dict(os.environ))  # pin_threads writes to it
    argv = ["msgpack", "--quick", "--files", "2", "--vectors", "50", "--workers", "2"]
    assert measure_all_main("msgpack_fake_suites", argv) == 1
    assert "msgpack_wrong wrong result" in capsys.readouterr().err


# --- take_iter: the exercise msgpack_rust_threads ------------------------------------


TAKE_ITERS = {"take_iter_py": take_iter_py, "msgpack_rust_threads": gil_pool_rs.take_iter}


@pytest.mark.parametrize("name", list(TAKE_ITERS))
@pytest.mark.parametrize("kind", ["list", "generator", "msgpack-file"])
def test_take_iter_copies_each_vector_into_the_next_row(name, kind, tmp_path):
    items, values = vector_items(700)  # more than two batches of 256
    if kind == "list":
        source = items
    elif kind == "generator":
        source = (item for item in items)
    else:
        path = tmp_path / "v.msgpack"
        path.write_bytes(b"".join(msgpack.packb(item) for item in items))
        source = iterate_msgpack(path)
    np_vectors = np.full((800, DIM), -7.0, dtype=np.float32)
    assert TAKE_ITERS[name](source, np_vectors) == 700
    np.testing.assert_array_equal(np_vectors[:700], values)
    assert (np_vectors[700:] == -7.0).all(), "rows after the count are left as they were"


@pytest.mark.parametrize("name", list(TAKE_ITERS))
def test_take_iter_skips_wrong_lengths_with_one_warning_or_refuses_them(name):
    items, values = vector_items(5)
    items[1] = items[1][:-4]
    items[3] = b""
    np_vectors = np.zeros((5, DIM), dtype=np.float32)
    with pytest.warns(UserWarning, match=r"skipped 2 item\(s\).*first was item 1 \(60 bytes\)"):
        assert TAKE_ITERS[name](items, np_vectors) == 3
    np.testing.assert_array_equal(np_vectors[:3], values[[0, 2, 4]])
    with pytest.raises(ValueError, match="item 1 has 60 bytes, expected 64"):
        TAKE_ITERS[name](items, np.zeros((5, DIM), dtype=np.float32), skip_wrong_length=False)


def test_msgpack_rust_threads_no_warning_when_nothing_is_skipped():
    items, _ = vector_items(3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert gil_pool_rs.take_iter(items, np.zeros((3, DIM), dtype=np.float32)) == 3
        assert gil_pool_rs.take_iter([], np.zeros((0, DIM), dtype=np.float32)) == 0


@pytest.mark.parametrize("name", list(TAKE_ITERS))
def test_take_iter_stops_with_a_clear_error_when_the_array_is_full(name):
    items, _ = vector_items(4)
    with pytest.raises(ValueError, match="np_vectors is full"):
        TAKE_ITERS[name](items, np.zeros((3, DIM), dtype=np.float32))
    # exactly full is fine
    assert TAKE_ITERS[name](items, np.zeros((4, DIM), dtype=np.float32)) == 4


@pytest.mark.parametrize("name", list(TAKE_ITERS))
@pytest.mark.parametrize("bad", ["text", 3, None, bytearray(64), memoryview(bytes(64))])
def test_take_iter_refuses_an_item_that_is_not_bytes(name, bad):
    items, _ = vector_items(3)
    items[2] = bad
    with pytest.raises(TypeError, match="item 2"):
        TAKE_ITERS[name](items, np.zeros((3, DIM), dtype=np.float32))


def test_msgpack_rust_threads_passes_on_the_iterators_own_error():
    def failing():
        yield bytes(4 * DIM)
        raise RuntimeError("the source broke")

    with pytest.raises(RuntimeError, match="the source broke"):
        gil_pool_rs.take_iter(failing(), np.zeros((3, DIM), dtype=np.float32))


def _read_only():
    array = np.zeros((3, DIM), dtype=np.float32)
    array.setflags(write=False)
    return array


BAD_ARRAYS = {
    "float64": (np.zeros((3, DIM)), TypeError, "float32"),
    "int32": (np.zeros((3, DIM), dtype=np.int32), TypeError, "float32"),
    "big-endian": (np.zeros((3, DIM), dtype=">f4"), TypeError, "float32"),
    "list": ([[0.0] * DIM] * 3, TypeError, "NumPy array"),
    "none": (None, TypeError, "np_vectors"),
    "1-d": (np.zeros(3 * DIM, dtype=np.float32), ValueError, "2-D"),
    "3-d": (np.zeros((3, DIM, 1), dtype=np.float32), ValueError, "2-D"),
    "no-columns": (np.zeros((3, 0), dtype=np.float32), ValueError, "column"),
    "every-other-row": (np.zeros((6, DIM), dtype=np.float32)[::2], ValueError, "C-contiguous"),
    "column-slice": (np.zeros((3, 2 * DIM), dtype=np.float32)[:, :DIM], ValueError, "C-contig"),
    "fortran": (np.asfortranarray(np.zeros((3, DIM), dtype=np.float32)), ValueError, "C-contig"),
    "read-only": (_read_only(), ValueError, "writeable"),
}


@pytest.mark.parametrize("case", list(BAD_ARRAYS))
def test_msgpack_rust_threads_refuses_a_bad_array(case):
    array, error, words = BAD_ARRAYS[case]
    items, _ = vector_items(2)
    before = None if not isinstance(array, np.ndarray) else array.copy()
    with pytest.raises(error, match=words) as raised:
        gil_pool_rs.take_iter(items, array)
    assert "np_vectors" in str(raised.value)
    if before is not None:
        np.testing.assert_array_equal(array, before)


@pytest.mark.parametrize("bad", [5, None, 2.5, object()])
def test_msgpack_rust_threads_refuses_a_non_iterable(bad):
    with pytest.raises(TypeError, match="iterator must be an iterable of bytes"):
        gil_pool_rs.take_iter(bad, np.zeros((3, DIM), dtype=np.float32))


def test_msgpack_rust_threads_from_several_threads_at_once():
    # Eight threads, each with its own array, share one list of items: every result is
    # the serial one.
    items, values = vector_items(600, dim=64, seed=1)
    arrays = [np.zeros((600, 64), dtype=np.float32) for _ in range(8)]
    counts = [0] * 8
    start = threading.Barrier(8)

    def work(i: int) -> None:
        start.wait()
        for _ in range(20):
            counts[i] = gil_pool_rs.take_iter(items, arrays[i])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert counts == [600] * 8
    for array in arrays:
        np.testing.assert_array_equal(array, values)


def test_msgpack_rust_threads_one_array_written_by_two_calls_at_once_is_refused():
    # The second call cannot borrow the array for writing while the first holds it:
    # a clear ValueError, not two threads writing the same memory. The iterator of the
    # first call starts the second call from inside it.
    np_vectors = np.zeros((4, DIM), dtype=np.float32)
    items, _ = vector_items(4)
    seen = []

    def source():
        yield items[0]
        try:
            gil_pool_rs.take_iter(items[:1], np_vectors)
        except ValueError as error:
            seen.append(str(error))
        yield items[1]

    assert gil_pool_rs.take_iter(source(), np_vectors) == 2
    assert seen and "np_vectors cannot be written" in seen[0]


def test_msgpack_rust_threads_lets_a_python_thread_run_during_the_copy():
    # With a switch interval of 100 s, a thread holding the GIL keeps it until it
    # releases it itself. The iterator wakes a waiting Python thread when it hands out
    # its last item; that thread can only run if take_iter releases the GIL for the
    # copy (32 MiB: milliseconds, ample time for it to wake up). It notes whether
    # take_iter had returned by then. Tried up to 3 times: a thread that never gets
    # the GIL fails all 3, whatever the timing.
    dim = 2**18  # 1 MiB per vector
    items = [np.full(dim, i, dtype=np.float32).tobytes() for i in range(32)]
    np_vectors = np.empty((32, dim), dtype=np.float32)
    old_interval = sys.getswitchinterval()
    outcomes = []
    try:
        sys.setswitchinterval(100.0)
        for _ in range(3):
            go, returned, observed = threading.Event(), [False], []

            def waiting_thread(go=go, returned=returned, observed=observed) -> None:
                go.wait()
                observed.append(returned[0])

            def source(go=go):
                yield from items[:-1]
                go.set()
                yield items[-1]

            thread = threading.Thread(target=waiting_thread)
            thread.start()
            assert gil_pool_rs.take_iter(source(), np_vectors) == 32
            returned[0] = True
            thread.join()
            outcomes.append(observed[0])
            if observed[0] is False:
                break
    finally:
        sys.setswitchinterval(old_interval)
    assert False in outcomes, "the Python thread only ran after take_iter returned"
    np.testing.assert_array_equal(np_vectors[:, 0], np.arange(32, dtype=np.float32))


# --- read_msgpack_vectors --------------------------------------------------------------


def test_msgpack_rust_reader_reads_what_was_written(files):
    for path, want in zip(files.paths, written_vectors(3, 120, DIM, SEED), strict=True):
        for given in (path, str(path)):
            got = gil_pool_rs.read_msgpack_vectors(given, DIM)
            assert got.dtype == np.float32 and got.flags.c_contiguous and got.flags.writeable
            np.testing.assert_array_equal(got, want)


def test_msgpack_rust_reader_an_empty_file_gives_no_rows(tmp_path):
    path = tmp_path / "empty.msgpack"
    path.write_bytes(b"")
    assert gil_pool_rs.read_msgpack_vectors(path, DIM).shape == (0, DIM)


def test_msgpack_rust_reader_skips_wrong_lengths_or_refuses_them(tmp_path):
    items, values = vector_items(4)
    items[2] = items[2] + b"\0\0\0\0"
    path = tmp_path / "v.msgpack"
    path.write_bytes(b"".join(msgpack.packb(item) for item in items))
    with pytest.warns(UserWarning, match=r"skipped 1 item\(s\).*item 2 \(68 bytes\)"):
        got = gil_pool_rs.read_msgpack_vectors(path, DIM)
    np.testing.assert_array_equal(got, values[[0, 1, 3]])
    assert got.base is None  # a copy of the rows read, not a view of a bigger array
    with pytest.raises(ValueError, match="item 2 has 68 bytes, expected 64") as raised:
        gil_pool_rs.read_msgpack_vectors(path, DIM, skip_wrong_length=False)
    assert str(path) in str(raised.value)


def test_msgpack_rust_reader_names_a_missing_file_or_a_folder(tmp_path):
    missing = tmp_path / "nowhere.msgpack"
    with pytest.raises(FileNotFoundError) as raised:
        gil_pool_rs.read_msgpack_vectors(missing, DIM)
    assert raised.value.filename == str(missing) and str(missing) in str(raised.value)
    with pytest.raises(OSError) as raised:
        gil_pool_rs.read_msgpack_vectors(tmp_path, DIM)
    assert str(tmp_path) in str(raised.value)


def test_msgpack_rust_reader_names_a_truncated_or_corrupt_file(tmp_path):
    items, _ = vector_items(3)
    data = b"".join(msgpack.packb(item) for item in items)
    cases = {
        "truncated": (data[:-10], "item 2 .*truncated"),
        # each item is 2 header bytes + 64 bytes of floats
        "cut-in-a-header": (data[: 2 * 66 + 1], r"item 2 \(byte 132\).*header"),
        "an-integer-item": (data + msgpack.packb(42), "item 3 .*bin"),
        "a-text-item": (msgpack.packb("hello") + data, "item 0 .*bin"),
        "random-bytes": (np.random.default_rng(0).bytes(500), "corrupt"),
    }
    for label, (content, words) in cases.items():
        path = tmp_path / f"{label}.msgpack"
        path.write_bytes(content)
        with pytest.raises(ValueError, match=words) as raised:
            gil_pool_rs.read_msgpack_vectors(path, DIM)
        assert str(path) in str(raised.value), label


@pytest.mark.parametrize(
    ("dim", "error"),
    [(0, ValueError), (-3, ValueError), (2**70, ValueError), (2.5, TypeError), ("16", TypeError)],
)
def test_msgpack_rust_reader_refuses_a_bad_dim(files, dim, error):
    with pytest.raises(error, match="dim must be a positive integer"):
        gil_pool_rs.read_msgpack_vectors(files.paths[0], dim)


@pytest.mark.parametrize("path", [None, 5, ["a.msgpack"], 2.5])
def test_msgpack_rust_reader_refuses_a_path_that_is_not_a_path(path):
    with pytest.raises(TypeError, match=r"path must be a str or os\.PathLike"):
        gil_pool_rs.read_msgpack_vectors(path, DIM)


def test_msgpack_rust_reader_in_threads_gets_the_serial_answer(files):
    expected = [gil_pool_rs.read_msgpack_vectors(p, DIM) for p in files.paths]
    pool = shared_pool("threads", 4)
    for _ in range(5):
        got = list(pool.map(lambda p: gil_pool_rs.read_msgpack_vectors(p, DIM), files.paths * 4))
        for array, want in zip(got, expected * 4, strict=True):
            np.testing.assert_array_equal(array, want)


def test_take_iter_rust_and_python_agree_on_files(files):
    for path in files.paths:
        a = np.zeros((files.capacity, DIM), dtype=np.float32)
        b = np.zeros((files.capacity, DIM), dtype=np.float32)
        n = gil_pool_rs.take_iter(iterate_msgpack(path), a)
        assert n == take_iter_py(iterate_msgpack(Path(path)), b)
        np.testing.assert_array_equal(a, b)


# --- what the fuzz target found (gil_pool_rs/fuzz), kept as regression tests ----------


@pytest.mark.parametrize("dim", [2**61, 2**62, 2**63 - 1, 2**30 + 1])
def test_msgpack_rust_reader_refuses_a_dim_no_file_can_hold(files, dim):
    # 2**61 was a Rust panic (capacity overflow); 2**40 asked for 4 TiB and aborted Python
    with pytest.raises(ValueError, match=r"dim must be at most 1073741823 .*bin item"):
        gil_pool_rs.read_msgpack_vectors(files.paths[0], dim)


def test_msgpack_rust_reader_a_huge_announced_length_is_a_clear_error(tmp_path):
    items, _ = vector_items(2)
    path = tmp_path / "huge-header.msgpack"
    # a bin 32 header announcing 4 GiB - 1, then 3 bytes: nothing of that size is allocated
    path.write_bytes(b"".join(msgpack.packb(item) for item in items) + b"\xc6\xff\xff\xff\xff123")
    with pytest.raises(ValueError, match=r"item 2 \(byte 132\).*announces 4294967295 bytes"):
        gil_pool_rs.read_msgpack_vectors(path, DIM)
    with pytest.raises(ValueError, match="item 2 has 4294967295 bytes, expected 64"):
        gil_pool_rs.read_msgpack_vectors(path, DIM, skip_wrong_length=False)
