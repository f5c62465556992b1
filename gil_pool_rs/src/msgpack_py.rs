//! The Python functions of the "GIL release in a thread pool" lesson.
//!
//! - `take_iter(iterator, np_vectors)`: pulls `bytes` items from any Python iterable
//!   (which needs the GIL) in batches, and copies each batch into the caller's float32
//!   array with the GIL released, so that other Python threads run meanwhile;
//! - `read_msgpack_vectors(path, dim)`: reads and decodes a whole msgpack file in Rust,
//!   with the GIL released from start to end.
//!
//! The cores are in `msgpack.rs`.

use crate::msgpack::{self, Skipped, F32_BYTES};
use lesson_support::args::type_name;
use numpy::{
    dtype, PyArray2, PyArrayDescrMethods, PyArrayMethods, PyReadwriteArray2, PyUntypedArray,
    PyUntypedArrayMethods,
};
use pyo3::exceptions::{PyOSError, PyTypeError, PyUserWarning, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use std::ffi::CString;
use std::fs::File;
use std::io::BufReader;
use std::path::PathBuf;

/// Vectors pulled from the iterator (with the GIL) before each copy (without it): 256
/// vectors of 512 float32 are 512 KiB, enough for the copy to outweigh the cost of
/// releasing and taking back the GIL, small enough to stay in the CPU caches.
const BATCH: usize = 256;

/// Bytes read from the file at a time by `read_msgpack_vectors`, decoded from there
/// straight into the rows. 64 KiB stays in the CPU's cache between the read and the
/// decoding, and is below the size at which the C allocator maps fresh memory for every
/// call (a 1 MiB buffer cost 256 page faults per file).
const READ_BUFFER: usize = 1 << 16;

/// `np_vectors` borrowed for writing: a C-contiguous, writeable 2-D float32 array with
/// at least one column, or a TypeError/ValueError that says what is wrong.
fn writable_rows<'py>(obj: &Bound<'py, PyAny>) -> PyResult<PyReadwriteArray2<'py, f32>> {
    let expected = "a writeable, C-contiguous 2-D float32 array of shape (n_rows, dim)";
    let array = obj.cast::<PyUntypedArray>().map_err(|_| {
        PyTypeError::new_err(format!(
            "np_vectors must be {expected} (a NumPy array), got {}",
            type_name(obj)
        ))
    })?;
    let found = array.dtype();
    if !found.is_equiv_to(&dtype::<f32>(obj.py())) {
        return Err(PyTypeError::new_err(format!(
            "np_vectors must have dtype float32, got {found}; \
             make it with np.empty((n_rows, dim), dtype=np.float32)"
        )));
    }
    if array.ndim() != 2 {
        return Err(PyValueError::new_err(format!(
            "np_vectors must be {expected}, got a {}-D array of shape {:?}",
            array.ndim(),
            array.shape()
        )));
    }
    if array.shape().get(1).copied().unwrap_or(0) == 0 {
        return Err(PyValueError::new_err(format!(
            "np_vectors must have at least one column (dim > 0), got shape {:?}",
            array.shape()
        )));
    }
    if !array.is_c_contiguous() {
        return Err(PyValueError::new_err(
            "np_vectors must be C-contiguous (rows one after the other in memory); \
             a slice or a transposed array is not: use np.ascontiguousarray, then read \
             the rows back from that array",
        ));
    }
    obj.cast::<PyArray2<f32>>()?.try_readwrite().map_err(|err| {
        PyValueError::new_err(format!(
            "np_vectors cannot be written ({err}): it must be a writeable array that no \
             other call (in another thread) is writing at the same time"
        ))
    })
}

/// One `UserWarning` for the items of the wrong length that were skipped.
fn warn_skipped(py: Python<'_>, skipped: &Skipped, dim: usize) -> PyResult<()> {
    let Some((index, length)) = skipped.first else {
        return Ok(());
    };
    let message = CString::new(format!(
        "skipped {} item(s) whose length is not {} bytes ({dim} float32 values); \
         the first was item {index} ({length} bytes)",
        skipped.count,
        dim * F32_BYTES
    ))?;
    PyErr::warn(py, &py.get_type::<PyUserWarning>(), &message, 1)
}

/// Copy float32 vectors given as `bytes` into the rows of `np_vectors`; returns the
/// number of rows written.
///
/// `iterator` is any iterable of `bytes` (a generator reading a msgpack file, a list,
/// ...); each item holds one vector as little-endian float32 values (what
/// `vector.tobytes()` gives), `dim = np_vectors.shape[1]` of them. Writing into
/// `np_vectors` is the purpose of this function: item after item goes into row 0, 1,
/// 2, ... of that array (a writeable, C-contiguous, 2-D float32 array made by the
/// caller, e.g. with `np.empty`); rows after the returned count are left as they were.
///
/// Items are pulled from the iterator with the GIL (Python code runs there), in
/// batches of 256, and each batch is copied with the GIL released: other Python
/// threads run during the copies.
///
/// An item of another length is skipped (with one `UserWarning` per call saying how many
/// were), or is a `ValueError` with `skip_wrong_length=False`. An item that is not
/// `bytes` is a `TypeError`; more vectors than rows is a `ValueError`. On an error, the
/// rows of the batches copied before it are already written.
#[pyfunction]
#[pyo3(signature = (iterator, np_vectors, *, skip_wrong_length=true))]
pub fn take_iter<'py>(
    py: Python<'py>,
    iterator: &Bound<'py, PyAny>,
    np_vectors: &Bound<'py, PyAny>,
    skip_wrong_length: bool,
) -> PyResult<usize> {
    let mut target = writable_rows(np_vectors)?;
    let items = iterator.try_iter().map_err(|_| {
        PyTypeError::new_err(format!(
            "iterator must be an iterable of bytes (one float32 vector each), got {}",
            type_name(iterator)
        ))
    })?;
    let (n_rows, dim) = target.as_array().dim();
    let item_bytes = dim * F32_BYTES;
    let rows = target
        .as_slice_mut()
        .map_err(|_| PyValueError::new_err("np_vectors must be C-contiguous"))?;
    let mut written = 0;
    let mut seen = 0;
    let mut skipped = Skipped::default();
    let mut items = items.into_iter();
    loop {
        // With the GIL: pull and check the next batch (Python objects only).
        let mut batch: Vec<Bound<'py, PyBytes>> = Vec::with_capacity(BATCH);
        let mut finished = true;
        for item in items.by_ref() {
            let index = seen;
            seen += 1;
            let item = item?;
            let bytes = item.cast_into::<PyBytes>().map_err(|err| {
                PyTypeError::new_err(format!(
                    "iterator must yield bytes (one float32 vector each); item {index} is {}",
                    type_name(err.into_inner().as_ref())
                ))
            })?;
            let length = bytes.as_bytes().len();
            if length != item_bytes {
                if skip_wrong_length {
                    skipped.add(index, length);
                    continue;
                }
                return Err(msgpack::wrong_length(index, length, dim).into());
            }
            if written + batch.len() == n_rows {
                return Err(PyValueError::new_err(format!(
                    "np_vectors is full: all its {n_rows} rows are taken and the iterator \
                     still yields vectors (item {index}); make the array bigger"
                )));
            }
            batch.push(bytes);
            if batch.len() == BATCH {
                finished = false;
                break;
            }
        }
        if !batch.is_empty() {
            // Without the GIL: copy the batch. The byte slices stay valid because
            // `batch` holds a reference to every `bytes` object (which are immutable).
            let slices: Vec<&[u8]> = batch.iter().map(|bytes| bytes.as_bytes()).collect();
            let end = (written + batch.len()) * dim;
            let destination = rows
                .get_mut(written * dim..end)
                .ok_or_else(|| PyValueError::new_err("np_vectors is full"))?;
            py.detach(|| msgpack::copy_rows(&slices, destination, dim))?;
            written += batch.len();
        }
        if finished {
            break;
        }
    }
    warn_skipped(py, &skipped, dim)?;
    Ok(written)
}

fn path_arg(obj: &Bound<'_, PyAny>) -> PyResult<PathBuf> {
    obj.extract::<PathBuf>().map_err(|_| {
        PyTypeError::new_err(format!(
            "path must be a str or os.PathLike naming a msgpack file, got {}",
            type_name(obj)
        ))
    })
}

fn dim_arg(obj: &Bound<'_, PyAny>) -> PyResult<usize> {
    let value: i64 = obj.extract().map_err(|_| {
        let what = if obj.is_instance_of::<pyo3::types::PyInt>() {
            "an integer outside the range of a 64-bit integer".to_string()
        } else {
            type_name(obj)
        };
        let message = format!("dim must be a positive integer, got {what}");
        if obj.is_instance_of::<pyo3::types::PyInt>() {
            PyValueError::new_err(message)
        } else {
            PyTypeError::new_err(message)
        }
    })?;
    usize::try_from(value)
        .ok()
        .filter(|&dim| dim > 0)
        .ok_or_else(|| {
            PyValueError::new_err(format!("dim must be a positive integer, got {value}"))
        })
}

/// Read a whole msgpack file of float32 vectors: an `(n, dim)` float32 array.
///
/// The file is a sequence of msgpack `bin` items, each the bytes of one vector of `dim`
/// little-endian float32 values (what `msgpack.pack(vector.tobytes(), f)` writes). The
/// file is read and decoded in Rust with the GIL released from start to end, so any
/// number of Python threads can read files at once.
///
/// Items of another length are skipped (one `UserWarning`), or are a `ValueError` with
/// `skip_wrong_length=False`. A file that cannot be read is an `OSError` naming the
/// path; a truncated or corrupt file is a `ValueError` naming the path and the item.
#[pyfunction]
#[pyo3(signature = (path, dim, *, skip_wrong_length=true))]
pub fn read_msgpack_vectors<'py>(
    py: Python<'py>,
    #[pyo3(from_py_with = path_arg)] path: PathBuf,
    #[pyo3(from_py_with = dim_arg)] dim: usize,
    skip_wrong_length: bool,
) -> PyResult<Bound<'py, PyArray2<f32>>> {
    msgpack::vector_bytes(dim)?; // a dim no file can hold is refused before any work
    let shown = path.display().to_string();
    let os_error = |err: std::io::Error| match err.raw_os_error() {
        // OSError(errno, text, filename) becomes the matching subclass (FileNotFoundError, ...).
        Some(errno) => {
            let text = py
                .import("os")
                .and_then(|os| os.call_method1("strerror", (errno,)))
                .and_then(|text| text.extract::<String>())
                .unwrap_or_else(|_| err.to_string());
            PyOSError::new_err((errno, text, shown.clone()))
        }
        None => PyOSError::new_err(format!("cannot read {shown}: {err}")),
    };
    let (file, size) = py
        .detach(|| {
            let file = File::open(&path)?;
            let size = file.metadata()?.len();
            Ok((file, size))
        })
        .map_err(os_error)?;
    // The array is made by NumPy (with the GIL), sized for the most vectors the file can
    // hold, then filled straight from the file with the GIL released. `np.empty`, not
    // `np.zeros`: zeroing would be one more pass over memory the decoder overwrites
    // anyway, and rows it does not write are never handed out (the copy at the end).
    let rows_max = msgpack::most_vectors(size, dim);
    let vectors = py
        .import("numpy")?
        .call_method1("empty", ((rows_max, dim), "float32"))?
        .cast_into::<PyArray2<f32>>()?;
    let (count, skipped) = {
        let mut rows = vectors.try_readwrite()?;
        let rows = rows
            .as_slice_mut()
            .map_err(|_| PyValueError::new_err("internal error: a new array is contiguous"))?;
        let reader = BufReader::with_capacity(READ_BUFFER, file);
        py.detach(|| msgpack::decode_stream(reader, rows, dim, skip_wrong_length))
            .map_err(|err| match err {
                lesson_support::Error::Value(message) => {
                    PyValueError::new_err(format!("{shown}: {message}"))
                }
                lesson_support::Error::Python(err) => {
                    PyOSError::new_err(format!("cannot read {shown}: {}", err.value(py)))
                }
            })?
    };
    warn_skipped(py, &skipped, dim)?;
    if count == rows_max {
        return Ok(vectors);
    }
    // Fewer vectors than the file could hold (skipped items, wide headers): a copy of
    // the rows written, so the result does not keep the unused rows alive.
    let written = vectors.readonly();
    let copy = PyArray2::from_array(py, &written.as_array().slice(ndarray::s![..count, ..]));
    Ok(copy)
}
