//! Fuzz target: any bytes, as the content of a msgpack file handed to
//! `read_msgpack_vectors`, must give vectors or a clean ValueError: no panic, no hang,
//! no allocation beyond what the data can fill.
//!
//! The first byte of the input chooses the call, the rest is the file:
//! - bit 7: `skip_wrong_length`;
//! - bit 6 clear: `dim` = 1 + bits 0-5 (1 to 64 float32 values, vectors the fuzzer can
//!   write); bit 6 set: `dim` = 2 to the power bits 0-5 (up to 2^63: sizes no file
//!   holds, which must be refused or give no rows, never allocate).
//!
//! The same file is then read through small read buffers (1, 5 and 64 bytes), whose ends
//! fall inside headers and float32 values: the rows, or the error, must be the same.
#![no_main]

use _gil_pool_rs::msgpack::{decode_stream, most_vectors, read_vectors, F32_BYTES};
use libfuzzer_sys::fuzz_target;
use std::io::BufReader;

fuzz_target!(|input: &[u8]| {
    let Some((&head, file)) = input.split_first() else {
        return;
    };
    let skip_wrong_length = head & 0x80 != 0;
    let dim = if head & 0x40 == 0 {
        usize::from(head & 0x3f) + 1
    } else {
        1_usize << (head & 0x3f)
    };
    let in_memory = read_vectors(file, dim, skip_wrong_length);
    if dim <= 64 {
        for capacity in [1, 5, 64] {
            let mut rows = vec![0.0_f32; most_vectors(file.len() as u64, dim) * dim];
            let reader = BufReader::with_capacity(capacity, file);
            let buffered = decode_stream(reader, &mut rows, dim, skip_wrong_length);
            match (&in_memory, buffered) {
                (Ok((vectors, skipped)), Ok((count, buffered_skipped))) => {
                    assert_eq!(*skipped, buffered_skipped);
                    assert_eq!(count, vectors.nrows());
                    let same = vectors
                        .iter()
                        .zip(&rows)
                        .all(|(a, b)| a.to_bits() == b.to_bits());
                    assert!(same, "read buffer of {capacity} bytes: other rows");
                }
                (Err(err), Err(buffered_err)) => {
                    assert_eq!(err.to_string(), buffered_err.to_string());
                }
                (want, got) => panic!("read buffer of {capacity} bytes: {got:?}, not {want:?}"),
            }
        }
    }
    match in_memory {
        Ok((vectors, skipped)) => {
            let (rows, cols) = vectors.dim();
            assert_eq!(cols, dim);
            assert!(rows <= most_vectors(file.len() as u64, dim));
            // every row is the payload of one item: the rows alone fill part of the file
            assert!(rows * dim * F32_BYTES <= file.len());
            assert!(skip_wrong_length || skipped.count == 0);
        }
        Err(err) => {
            // bad data is a ValueError with a message (never an OSError from a slice)
            assert!(matches!(err, lesson_support::Error::Value(_)), "{err}");
            assert!(!err.to_string().is_empty());
        }
    }
});
