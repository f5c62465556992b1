//! Extra lesson "GIL release in a thread pool": float32 vectors stored in msgpack files.
//!
//! Each file is a stream of msgpack `bin` items; each item holds the raw bytes of one
//! float32 vector (what NumPy's `vector.tobytes()` gives: little-endian on every
//! machine the workshop runs on). This module is the plain-Rust core, reachable from
//! `cargo test`; `msgpack_py.rs` holds the Python functions.
//!
//! - [`copy_rows`]: decode a batch of vectors into consecutive rows of a float32
//!   buffer. `take_iter` calls it with the GIL released, one batch at a time.
//! - [`decode_stream`]: read a msgpack stream item by item and decode each vector into
//!   the next row: `read_msgpack_vectors` runs it on a whole file with the GIL released,
//!   straight into the NumPy array it returns.
//!
//! No `unsafe`: the bytes are decoded with `f32::from_le_bytes`, 4 bytes at a time. The
//! compiler turns that loop into plain memory copies on little-endian machines, so it
//! costs about what NumPy's own copy costs (see docs/gil_thread_pool.md).

use lesson_support::{Error, Result};
use ndarray::Array2;
use std::io::{BufRead, Read};

/// Bytes in one float32.
pub const F32_BYTES: usize = 4;

/// Decode the little-endian float32 values of `item` into `row` (same number of values).
fn decode_row(item: &[u8], row: &mut [f32]) {
    for (value, bytes) in row.iter_mut().zip(item.chunks_exact(F32_BYTES)) {
        // `chunks_exact(4)` only yields 4-byte chunks, so the conversion always succeeds.
        if let Ok(four) = <[u8; F32_BYTES]>::try_from(bytes) {
            *value = f32::from_le_bytes(four);
        }
    }
}

/// Copy the vectors `items` into consecutive rows of `rows`, a row-major buffer of
/// `items.len()` rows of `dim` float32 values.
///
/// Every item must hold exactly `dim` little-endian float32 values (`4 * dim` bytes);
/// the caller (`take_iter`) has already set aside the items of another length. Nothing
/// here touches Python, so it runs with the GIL released.
pub fn copy_rows(items: &[&[u8]], rows: &mut [f32], dim: usize) -> Result<()> {
    // exercise: msgpack_rust_threads hard: copy each vector's bytes into its row of `rows`
    if dim == 0 || rows.len() != items.len() * dim {
        return Err(Error::value(format!(
            "rows must hold {} rows of {dim} values (dim > 0), got {} values",
            items.len(),
            rows.len()
        )));
    }
    // exercise: msgpack_rust_threads intermediate: pair each item with its row, check its length, decode it
    for (index, (item, row)) in items.iter().zip(rows.chunks_exact_mut(dim)).enumerate() {
        if item.len() != dim * F32_BYTES {
            return Err(Error::value(format!(
                "item {index} has {} bytes, expected {} ({dim} float32 values)",
                item.len(),
                dim * F32_BYTES
            )));
        }
        // exercise: msgpack_rust_threads easy: decode the item's bytes into the row (see decode_row)
        decode_row(item, row);
        // stub:
        // let _ = row;
        // todo_exercise!("msgpack_rust_threads", "decode the item's bytes into the row");
        // end exercise: msgpack_rust_threads easy
    }
    // stub:
    // let _ = (items, rows);
    // todo_exercise!("msgpack_rust_threads", "copy each item into its row");
    // end exercise: msgpack_rust_threads intermediate
    Ok(())
    // stub:
    // let _ = (items, rows, dim);
    // todo_exercise!("msgpack_rust_threads", "copy each vector's bytes into its row of rows");
    // end exercise: msgpack_rust_threads hard
}

/// Where a msgpack stream stopped making sense.
fn corrupt(index: usize, offset: u64, what: &str) -> Error {
    Error::value(format!(
        "the msgpack data is corrupt at item {index} (byte {offset}): {what}"
    ))
}

/// Items of the wrong length that were set aside, for the warning.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// How many items were skipped.
    pub count: usize,
    /// `(item index, byte length)` of the first one.
    pub first: Option<(usize, usize)>,
}

impl Skipped {
    /// Note that item `index` of `length` bytes was skipped.
    pub fn add(&mut self, index: usize, length: usize) {
        self.count += 1;
        self.first.get_or_insert((index, length));
    }
}

/// The error for item `index` whose length is not `4 * dim` bytes.
pub fn wrong_length(index: usize, length: usize, dim: usize) -> Error {
    Error::value(format!(
        "item {index} has {length} bytes, expected {} ({dim} float32 values); \
         pass skip_wrong_length=True to skip such items",
        dim * F32_BYTES
    ))
}

/// The most vectors of `dim` float32 a msgpack stream of `stream_bytes` bytes can hold:
/// each takes its `4 * dim` bytes plus a `bin` header of at least 2, 3 or 5 bytes
/// (msgpack's bin 8, 16 and 32 formats, for payloads below 256 B, below 64 KiB, above).
pub fn most_vectors(stream_bytes: u64, dim: usize) -> usize {
    let payload = dim.saturating_mul(F32_BYTES);
    let header = match payload {
        0..=255 => 2,
        256..=65_535 => 3,
        _ => 5,
    };
    let per_item = u64::try_from(payload.saturating_add(header)).unwrap_or(u64::MAX);
    usize::try_from(stream_bytes / per_item).unwrap_or(usize::MAX)
}

/// Writes the payload of one item into its row, piece after piece, as the pieces arrive
/// from the read buffer: bytes `at..` of the row's little-endian encoding come next.
///
/// A piece ends where the read buffer ends, which can be in the middle of a float32:
/// its first bytes wait in `partial` until the next piece completes it.
struct RowWriter<'a> {
    row: &'a mut [f32],
    at: usize,
    partial: [u8; F32_BYTES],
}

impl<'a> RowWriter<'a> {
    fn new(row: &'a mut [f32]) -> Self {
        Self {
            row,
            at: 0,
            partial: [0; F32_BYTES],
        }
    }

    fn write(&mut self, mut piece: &[u8]) {
        // first the rest of a value split by the previous piece
        while self.at % F32_BYTES != 0 {
            let Some((&byte, rest)) = piece.split_first() else {
                return;
            };
            self.push_partial(byte);
            piece = rest;
        }
        // then whole values, decoded straight from the read buffer into the row
        let whole = piece.len() - piece.len() % F32_BYTES;
        let (values, tail) = piece.split_at(whole);
        let first = self.at / F32_BYTES;
        if let Some(row) = self.row.get_mut(first..first + whole / F32_BYTES) {
            decode_row(values, row);
        }
        self.at += whole;
        // and the first bytes of a value the next piece completes
        for &byte in tail {
            self.push_partial(byte);
        }
    }

    fn push_partial(&mut self, byte: u8) {
        if let Some(slot) = self.partial.get_mut(self.at % F32_BYTES) {
            *slot = byte;
        }
        self.at += 1;
        if self.at % F32_BYTES == 0 {
            if let Some(value) = self.row.get_mut(self.at / F32_BYTES - 1) {
                *value = f32::from_le_bytes(self.partial);
            }
        }
    }
}

/// The payload length announced by the msgpack `bin` header at the start of `buffered`
/// (bin 8, 16 or 32: a marker byte, then the length in 1, 2 or 4 big-endian bytes), or
/// `None` when `buffered` does not start with a whole `bin` header.
fn bin_header(buffered: &[u8]) -> Option<(u32, usize)> {
    const BIN8: u8 = 0xc4;
    const BIN16: u8 = 0xc5;
    const BIN32: u8 = 0xc6;
    match *buffered {
        [BIN8, n, ..] => Some((u32::from(n), 2)),
        [BIN16, a, b, ..] => Some((u32::from(u16::from_be_bytes([a, b])), 3)),
        [BIN32, a, b, c, d, ..] => Some((u32::from_be_bytes([a, b, c, d]), 5)),
        _ => None,
    }
}

/// Decode a msgpack stream of `bin` items, each `dim` little-endian float32 values, into
/// consecutive rows of `rows` (row-major, `dim` values per row); returns the number of
/// rows written and the items of another length that were skipped.
///
/// The stream is read through the reader's buffer (no copy of the whole file in
/// memory), and each vector is decoded straight from that buffer into its row: no
/// buffer per item, so the bytes are moved once from the read buffer to the array.
/// Items of another length are skipped when `skip_wrong_length`, else they are a
/// ValueError; a truncated item or another msgpack type is a ValueError naming the item
/// and its byte offset; more vectors than rows is a ValueError.
pub fn decode_stream<R: BufRead>(
    reader: R,
    rows: &mut [f32],
    dim: usize,
    skip_wrong_length: bool,
) -> Result<(usize, Skipped)> {
    use rmp::decode::ValueReadError;
    if dim == 0 {
        return Err(Error::value("dim must be a positive integer, got 0"));
    }
    let item_bytes = vector_bytes(dim)?;
    let mut reader = Counted {
        inner: reader,
        count: 0,
    };
    let n_rows = rows.len() / dim;
    let mut rows_left = rows.chunks_exact_mut(dim);
    let mut written = 0_usize;
    let mut skipped = Skipped::default();
    for index in 0.. {
        let offset = reader.count;
        let buffered = fill(&mut reader)?;
        if buffered.is_empty() {
            break; // the end of the stream, between two items
        }
        // The header, read from the buffer when it is all there (nearly always); else,
        // and for anything that is not a `bin` header, by rmp (which names the marker).
        let header = match bin_header(buffered) {
            Some((length, header_bytes)) => {
                reader.consume(header_bytes);
                Ok(length)
            }
            None => rmp::decode::read_bin_len(&mut reader),
        };
        let length = match header {
            Ok(length) => item_length(length),
            Err(ValueReadError::TypeMismatch(marker)) => {
                return Err(corrupt(
                    index,
                    offset,
                    &format!("expected a bin (bytes) item, found the marker {marker:?}"),
                ))
            }
            Err(_) => {
                return Err(corrupt(
                    index,
                    offset,
                    "the data ends inside an item header",
                ))
            }
        };
        let is_vector = length == item_bytes;
        if !is_vector && !skip_wrong_length {
            return Err(wrong_length(index, length, dim));
        }
        // The item's row (none for an item that is skipped or has no row left): the
        // payload is decoded into it piece by piece, as the read buffer holds it.
        let mut row = if is_vector {
            rows_left.next().map(RowWriter::new)
        } else {
            None
        };
        let mut got = 0_usize;
        while got < length {
            let buffered = fill(&mut reader)?;
            if buffered.is_empty() {
                break;
            }
            let piece = buffered.get(..length - got).unwrap_or(buffered);
            if let Some(row) = row.as_mut() {
                row.write(piece);
            }
            let taken = piece.len();
            reader.consume(taken);
            got += taken;
        }
        if got != length {
            return Err(corrupt(
                index,
                offset,
                &format!("the item announces {length} bytes but the data ends after {got} (truncated file?)"),
            ));
        }
        if !is_vector {
            skipped.add(index, length);
            continue;
        }
        if row.is_none() {
            return Err(Error::value(format!(
                "more vectors than the {n_rows} rows made for them (item {index}): the data grew while it was read?",
            )));
        }
        written += 1;
    }
    Ok((written, skipped))
}

/// `4 * dim`, the bytes of one vector, or a ValueError when no msgpack item can be
/// that long (a `bin` item holds less than 4 GiB).
pub fn vector_bytes(dim: usize) -> Result<usize> {
    dim.checked_mul(F32_BYTES)
        .filter(|&bytes| u32::try_from(bytes).is_ok())
        .ok_or_else(|| {
            Error::value(format!(
                "dim must be at most {} (a msgpack bin item holds less than 4 GiB), got {dim}",
                u32::MAX as usize / F32_BYTES
            ))
        })
}

/// The reader's buffered bytes (refilled when empty; empty at the end of the data),
/// trying again when a read is interrupted by a signal, as `read_exact` does.
fn fill<R: BufRead>(reader: &mut R) -> Result<&[u8]> {
    loop {
        match reader.fill_buf() {
            Ok(_) => break,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(io_error(err)),
        }
    }
    // Asked again rather than returned from the loop: the borrow checker (before
    // Polonius) cannot see that the loop's borrow ends at `break`. The second call is
    // free: the buffer is full, so it returns the same bytes without reading.
    reader.fill_buf().map_err(io_error)
}

/// A reader that counts the bytes read through it (for the offsets in error messages).
struct Counted<R> {
    inner: R,
    count: u64,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counted<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }
    fn consume(&mut self, amount: usize) {
        self.count += amount as u64;
        self.inner.consume(amount);
    }
}

fn item_length(length: u32) -> usize {
    usize::try_from(length).unwrap_or(usize::MAX)
}

/// A read error other than the end of the data: an OSError once it reaches Python.
fn io_error(err: std::io::Error) -> Error {
    Error::Python(pyo3::exceptions::PyOSError::new_err(err.to_string()))
}

/// Decode a whole msgpack stream of `dim`-float32 vectors into an `(n, dim)` array
/// (for Rust callers and tests; Python's `read_msgpack_vectors` decodes straight into
/// a NumPy array).
pub fn read_vectors(
    data: &[u8],
    dim: usize,
    skip_wrong_length: bool,
) -> Result<(Array2<f32>, Skipped)> {
    let mut values = vec![0.0_f32; most_vectors(data.len() as u64, dim) * dim];
    let (count, skipped) = decode_stream(data, &mut values, dim, skip_wrong_length)?;
    values.truncate(count * dim);
    let array = Array2::from_shape_vec((count, dim), values)
        .map_err(|err| Error::value(format!("cannot shape the vectors: {err}")))?;
    Ok((array, skipped))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A msgpack `bin` item (bin 8, 16 or 32, as Python's msgpack writes them).
    fn pack_bin(payload: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        rmp::encode::write_bin(&mut out, payload).expect("writing to a Vec cannot fail");
        out
    }

    fn vector_bytes(values: &[f32]) -> Vec<u8> {
        values.iter().flat_map(|v| v.to_le_bytes()).collect()
    }

    #[test]
    fn copy_rows_decodes_little_endian_float32() {
        let a = vector_bytes(&[1.0, -2.5, 3.25]);
        let b = vector_bytes(&[f32::MAX, 0.0, -0.0]);
        let mut rows = vec![9.0_f32; 6];
        copy_rows(&[&a, &b], &mut rows, 3).unwrap();
        assert_eq!(rows, vec![1.0, -2.5, 3.25, f32::MAX, 0.0, -0.0]);
    }

    #[test]
    fn copy_rows_refuses_a_wrong_length_or_a_wrong_buffer() {
        let short = vector_bytes(&[1.0, 2.0]);
        let mut rows = vec![0.0_f32; 3];
        let err = copy_rows(&[&short], &mut rows, 3).unwrap_err();
        assert!(
            err.to_string().contains("item 0 has 8 bytes, expected 12"),
            "{err}"
        );
        let good = vector_bytes(&[1.0, 2.0, 3.0]);
        assert!(copy_rows(&[&good], &mut rows[..2], 3).is_err());
        assert!(copy_rows(&[], &mut [], 0).is_err());
    }

    #[test]
    fn decode_stream_reads_every_bin_size() {
        // 3 values (12 bytes, bin 8), 100 values (bin 16), 20 000 values (bin 32)
        for dim in [3_usize, 100, 20_000] {
            let vectors: Vec<Vec<f32>> = (0..3)
                .map(|v| (0..dim).map(|i| (v * dim + i) as f32 * 0.5).collect())
                .collect();
            let data: Vec<u8> = vectors
                .iter()
                .flat_map(|v| pack_bin(&vector_bytes(v)))
                .collect();
            assert_eq!(most_vectors(data.len() as u64, dim), 3);
            let (array, skipped) = read_vectors(&data, dim, false).unwrap();
            assert_eq!(skipped, Skipped::default());
            assert_eq!(array.dim(), (3, dim));
            for (row, vector) in array.rows().into_iter().zip(&vectors) {
                assert_eq!(row.to_vec(), *vector);
            }
        }
    }

    #[test]
    fn decode_stream_names_a_truncated_or_foreign_item() {
        let mut data = pack_bin(&vector_bytes(&[1.0]));
        data.extend(pack_bin(&vector_bytes(&[2.0])));
        let mut rows = [0.0_f32; 2];
        let err = decode_stream(&data[..data.len() - 1], &mut rows, 1, false)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("item 1 (byte 6)") && err.contains("truncated"),
            "{err}"
        );
        let err = decode_stream(&data[..7], &mut rows, 1, false)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("item 1 (byte 6)") && err.contains("header"),
            "{err}"
        );
        let mut with_int = pack_bin(&vector_bytes(&[1.0]));
        with_int.push(0x2a); // the msgpack integer 42
        let err = decode_stream(&with_int[..], &mut rows, 1, false)
            .unwrap_err()
            .to_string();
        assert!(err.contains("item 1") && err.contains("bin"), "{err}");
        let err = decode_stream(&data[..], &mut rows[..1], 1, false)
            .unwrap_err()
            .to_string();
        assert!(err.contains("more vectors than the 1 rows"), "{err}");
        // bin 32 for a small payload (allowed by msgpack): the offsets still add up
        let mut wide = vec![0xc6, 0, 0, 0, 4];
        wide.extend(vector_bytes(&[3.0]));
        wide.push(0xc0); // nil
        let err = decode_stream(&wide[..], &mut rows, 1, false)
            .unwrap_err()
            .to_string();
        assert!(err.contains("item 1 (byte 9)"), "{err}");
    }

    /// Found by the fuzz target (gil_pool_rs/fuzz): a dim of 2^61 made the decoder
    /// ask for a buffer of `4 * dim` bytes up front, a capacity overflow (a panic); a dim
    /// of 2^40 would have asked the allocator for 4 TiB (an abort, which ends Python).
    #[test]
    fn a_huge_dim_is_refused_and_allocates_nothing() {
        // the input the fuzzer found: its first byte chose dim = 2^61, then the file
        let found = [
            42_u8, 16, 255, 255, 63, 86, 0, 191, 61, 196, 16, 180, 60, 213, 61, 18, 80, 153, 62,
            230, 40, 153, 61, 226, 116, 144, 62,
        ];
        for dim in [1_usize << 61, 1 << 62, usize::MAX, (1 << 30) + 1] {
            let err = read_vectors(&found, dim, true).unwrap_err().to_string();
            assert!(err.contains("dim must be at most 1073741823"), "{err}");
        }
        // the largest dim a bin item can hold: the file is read, nothing is sized from dim
        let err = read_vectors(&found, (1 << 30) - 1, true)
            .unwrap_err()
            .to_string();
        assert!(err.contains("item 0") && err.contains("bin"), "{err}");
    }

    /// A header announcing 4 GiB in a file of a few bytes: a clean error, and memory
    /// follows the bytes that are there, not the length announced.
    #[test]
    fn a_huge_announced_length_is_a_truncated_item() {
        let mut data = pack_bin(&vector_bytes(&[1.0, 2.0]));
        data.extend([0xc6, 0xff, 0xff, 0xff, 0xff, 1, 2, 3]);
        for skip in [true, false] {
            let err = read_vectors(&data, 2, skip).unwrap_err().to_string();
            let expected = if skip {
                "announces 4294967295 bytes but the data ends after 3"
            } else {
                "item 1 has"
            };
            assert!(err.contains(expected), "{err}");
        }
    }

    /// The decoder reads through the reader's buffer, whose end can fall anywhere: in a
    /// header, in a float32 value, between two items. Every buffer size gives the same
    /// rows (and the same errors, at the same offsets) as the whole stream in memory.
    #[test]
    fn any_read_buffer_size_gives_the_same_rows_and_errors() {
        let mut data = Vec::new();
        for (v, dim) in [(0, 3), (1, 3), (2, 2), (3, 3), (4, 100), (5, 3)] {
            let values: Vec<f32> = (0..dim).map(|i| (v * 1000 + i) as f32 - 0.25).collect();
            data.extend(pack_bin(&vector_bytes(&values)));
        }
        data.extend([0xc6, 0, 0, 0, 12]); // bin 32 for a 12-byte payload
        data.extend(vector_bytes(&[7.0, 8.0, 9.0]));
        let in_memory = |data: &[u8], skip| {
            let mut rows = vec![0.0_f32; most_vectors(data.len() as u64, 3) * 3];
            decode_stream(data, &mut rows, 3, skip).map(|(count, skipped)| {
                rows.truncate(count * 3);
                (rows, skipped)
            })
        };
        let (expected, skipped) = in_memory(&data, true).unwrap();
        assert_eq!(expected.len(), 5 * 3);
        assert_eq!(expected[12..], [7.0, 8.0, 9.0]);
        assert_eq!(skipped.count, 2);
        let truncated = &data[..data.len() - 6];
        let mut foreign = data.clone();
        foreign.push(0x90); // an empty msgpack array after the last item
        for capacity in 1..=40 {
            for (stream, skip) in [
                (&data[..], true),
                (&data[..], false),
                (truncated, true),
                (&foreign[..], true),
            ] {
                let mut rows = vec![0.0_f32; most_vectors(stream.len() as u64, 3) * 3];
                let reader = std::io::BufReader::with_capacity(capacity, stream);
                let got = decode_stream(reader, &mut rows, 3, skip).map(|(count, skipped)| {
                    rows.truncate(count * 3);
                    (rows, skipped)
                });
                match (got, in_memory(stream, skip)) {
                    (Ok(got), Ok(want)) => assert_eq!(got, want, "capacity {capacity}"),
                    (Err(got), Err(want)) => {
                        assert_eq!(got.to_string(), want.to_string(), "capacity {capacity}");
                    }
                    (got, want) => panic!("capacity {capacity}: {got:?} against {want:?}"),
                }
            }
        }
    }

    #[test]
    fn read_vectors_skips_or_refuses_wrong_lengths() {
        let mut data = pack_bin(&vector_bytes(&[1.0, 2.0]));
        data.extend(pack_bin(&vector_bytes(&[3.0])));
        data.extend(pack_bin(&vector_bytes(&[4.0, 5.0])));
        let (array, skipped) = read_vectors(&data, 2, true).unwrap();
        assert_eq!(array, ndarray::array![[1.0, 2.0], [4.0, 5.0]]);
        assert_eq!(
            skipped,
            Skipped {
                count: 1,
                first: Some((1, 4))
            }
        );
        let err = read_vectors(&data, 2, false).unwrap_err().to_string();
        assert!(err.contains("item 1 has 4 bytes, expected 8"), "{err}");
        assert!(read_vectors(&data, 0, true).is_err());
        let (empty, _) = read_vectors(&[], 4, true).unwrap();
        assert_eq!(empty.dim(), (0, 4));
    }
}
