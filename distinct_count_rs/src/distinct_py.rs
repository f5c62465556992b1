//! The Python functions of the distinct-count lesson (the CVM algorithm, see
//! `distinct.rs`), from the line-by-line port to the NumPy version:
//!
//! - `count_approx_rust_naive`: the Python code written again in Rust, still on a
//!   Python `set` of the items and with a general-purpose generator drawing floats;
//! - `count_approx_rust`: a Rust set of 64-bit keys (a hash of each item), a small
//!   seeded generator and random bits instead of floats (the core of `distinct.rs`);
//! - `count_approx_fast`: Python's own (cached) hash of each item as its key, the list
//!   read in place, and the faster core of `distinct_fast.rs` (each key keeps its coin,
//!   a table sized once);
//! - `count_approx_array`: the fast core on a NumPy integer array, read in place while
//!   the GIL is released.
//!
//! All take `(items, epsilon=0.5, delta=0.001, seed=None)` and return an `int`. Empty
//! input is a `ValueError` (the number of items tracked needs `log2(8 * len(items) /
//! delta)`), `epsilon` and `delta` must lie in (0, 1), and the paper's "unlucky" case
//! (a halving that drops nothing, probability `2^-capacity`) is a `RuntimeError`.

use crate::distinct::{self, tracked_capacity};
use crate::distinct_fast::{FastTracker, Word64};
use lesson_support::args::{float_arg, numpy_array, seed_arg, seed_value_arg, type_name};
use lesson_support::random::seeded;
use numpy::{PyArray1, PyArrayDescrMethods, PyArrayMethods, PyUntypedArrayMethods};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyIterator, PyList, PySet, PyString, PyTuple};
use rand::rngs::StdRng;
use rand::Rng;
use rustc_hash::FxHasher;
use std::hash::Hasher;

fn epsilon_arg(obj: &Bound<'_, PyAny>) -> PyResult<f64> {
    float_arg(obj, "epsilon", "a number strictly between 0 and 1")
}

fn delta_arg(obj: &Bound<'_, PyAny>) -> PyResult<f64> {
    float_arg(obj, "delta", "a number strictly between 0 and 1")
}

const COLLECTION: &str = "a collection of hashable objects (a list, tuple, set, ...)";

/// `len(items)` and an iterator over `items`, or a `TypeError` saying what was expected.
/// The length is needed up front: it sets how many items CVM tracks.
fn sized_items<'py>(items: &Bound<'py, PyAny>) -> PyResult<(usize, Bound<'py, PyIterator>)> {
    let not_iterable = || {
        PyTypeError::new_err(format!(
            "items must be {COLLECTION}, got {}",
            type_name(items)
        ))
    };
    match items.len() {
        Ok(n_items) => Ok((n_items, items.try_iter().map_err(|_| not_iterable())?)),
        Err(_) if items.try_iter().is_ok() => Err(PyTypeError::new_err(format!(
            "items must have a length ({COLLECTION}), got {}: the number of items \
             tracked depends on len(items); pass list(items)",
            type_name(items)
        ))),
        Err(_) => Err(not_iterable()),
    }
}

/// The `TypeError` of an item that Python cannot hash, naming its position.
fn not_hashable(item: &Bound<'_, PyAny>, index: usize, err: PyErr) -> PyErr {
    if err.is_instance_of::<PyTypeError>(item.py()) {
        PyTypeError::new_err(format!(
            "items[{index}] must be hashable (like the elements of a set), got {}: {err}",
            type_name(item)
        ))
    } else {
        err
    }
}

/// The line-by-line port of the Python version: a Python `set` of the items, the
/// probability `p` as a float, and `rand`'s standard generator (`StdRng`) drawing a
/// float for every decision. Every set operation is still a Python call.
#[pyfunction]
#[pyo3(signature = (items, epsilon=0.5, delta=0.001, seed=None))]
pub fn count_approx_rust_naive(
    py: Python<'_>,
    items: &Bound<'_, PyAny>,
    #[pyo3(from_py_with = epsilon_arg)] epsilon: f64,
    #[pyo3(from_py_with = delta_arg)] delta: f64,
    #[pyo3(from_py_with = seed_value_arg)] seed: Option<i128>,
) -> PyResult<u64> {
    let seed = seed_arg(seed)?;
    let (n_items, iterator) = sized_items(items)?;
    let capacity = tracked_capacity(n_items, epsilon, delta)?;
    let mut rng: StdRng = seeded(seed);
    let mut p = 1.0_f64;
    let mut tracked = PySet::empty(py)?;
    for (index, item) in iterator.enumerate() {
        let item = item?;
        tracked
            .discard(&item)
            .map_err(|err| not_hashable(&item, index, err))?;
        if rng.random::<f64>() < p {
            tracked.add(&item)?;
        }
        if tracked.len() >= capacity {
            let thinned = PySet::empty(py)?;
            for kept in tracked.iter() {
                if rng.random::<f64>() < 0.5 {
                    thinned.add(kept)?;
                }
            }
            tracked = thinned;
            p /= 2.0;
            if tracked.len() >= capacity {
                return Err(distinct::unlucky(capacity).into());
            }
        }
    }
    Ok((tracked.len() as f64 / p).round() as u64)
}

/// The 64-bit key of one item: for a `str`, a hash of its UTF-8 bytes computed in Rust
/// (Fx hash: fast, and the same in every process, unlike Python's salted `hash(str)`);
/// for anything else, Python's `hash(item)`. Two different items with the same key are
/// counted once; with 64-bit keys that is rare enough for an estimate.
fn item_key(item: &Bound<'_, PyAny>, index: usize) -> PyResult<u64> {
    if let Ok(text) = item.cast_exact::<PyString>() {
        if let Ok(text) = text.to_str() {
            let mut hasher = FxHasher::default();
            hasher.write(text.as_bytes());
            return Ok(hasher.finish());
        }
    }
    // A negative hash becomes a large u64: the same bits, so no two hashes collide.
    item.hash()
        .map(|hash| hash as u64)
        .map_err(|err| not_hashable(item, index, err))
}

/// CVM on 64-bit keys: the items are hashed as they are read (see `item_key`), the
/// tracked keys live in a Rust set, and the random decisions use a small seeded
/// generator (Xoshiro256++) and random bits (see `distinct.rs`).
#[pyfunction]
#[pyo3(signature = (items, epsilon=0.5, delta=0.001, seed=None))]
pub fn count_approx_rust(
    items: &Bound<'_, PyAny>,
    #[pyo3(from_py_with = epsilon_arg)] epsilon: f64,
    #[pyo3(from_py_with = delta_arg)] delta: f64,
    #[pyo3(from_py_with = seed_value_arg)] seed: Option<i128>,
) -> PyResult<u64> {
    let seed = seed_arg(seed)?;
    let (n_items, iterator) = sized_items(items)?;
    let keys = iterator
        .enumerate()
        .map(|(index, item)| Ok(item_key(&item?, index)?));
    Ok(distinct::count_keys(keys, n_items, epsilon, delta, seed)?)
}

/// CVM on Python's own hashes: the key of an item is `hash(item)`, which a `str` keeps
/// in the object after its first call (so reading it costs one memory access, and no
/// pass over the characters), the items of a list or tuple are read in place, and the
/// keys go to the fast core of `distinct_fast.rs`. Python salts string hashes per
/// process; the fast core's estimate does not depend on the keys' values, so a seed
/// still gives the same estimate in every process.
#[pyfunction]
#[pyo3(signature = (items, epsilon=0.5, delta=0.001, seed=None))]
pub fn count_approx_fast(
    items: &Bound<'_, PyAny>,
    #[pyo3(from_py_with = epsilon_arg)] epsilon: f64,
    #[pyo3(from_py_with = delta_arg)] delta: f64,
    #[pyo3(from_py_with = seed_value_arg)] seed: Option<i128>,
) -> PyResult<u64> {
    let seed = seed_arg(seed)?;
    // A list or a tuple is read in place (its own iterator: no call through Python's
    // iterator protocol per item); any other collection through its iterator.
    if let Ok(list) = items.cast_exact::<PyList>() {
        count_hashes(list.len(), list.iter().map(Ok), epsilon, delta, seed)
    } else if let Ok(tuple) = items.cast_exact::<PyTuple>() {
        count_hashes(tuple.len(), tuple.iter().map(Ok), epsilon, delta, seed)
    } else {
        let (n_items, iterator) = sized_items(items)?;
        count_hashes(n_items, iterator, epsilon, delta, seed)
    }
}

/// The loop of `count_approx_fast`: `hash(item)` of every item into the fast core.
/// Generic over the iterator, so each kind of collection gets its own compiled loop.
fn count_hashes<'py>(
    n_items: usize,
    items: impl Iterator<Item = PyResult<Bound<'py, PyAny>>>,
    epsilon: f64,
    delta: f64,
    seed: Option<u64>,
) -> PyResult<u64> {
    let capacity = tracked_capacity(n_items, epsilon, delta)?;
    let mut tracker = FastTracker::new(capacity, seed);
    for (index, item) in items.enumerate() {
        let item = item?;
        // A negative hash becomes a large u64: the same bits, so no two hashes collide.
        let key = item.hash().map_err(|err| not_hashable(&item, index, err))? as u64;
        tracker.offer(key)?;
    }
    Ok(tracker.estimate())
}

/// An integer NumPy element as a 64-bit key: a different value gives a different key.
trait IntegerKey: numpy::Element + Copy + Sync {
    fn key(self) -> u64;

    /// CVM on a contiguous array of these values.
    fn offer_slice(tracker: &mut FastTracker, values: &[Self]) -> lesson_support::Result<()> {
        tracker.offer_all(values, Self::key)
    }
}

macro_rules! integer_key {
    ($via:ty: $($t:ty),*) => {
        $(impl IntegerKey for $t {
            fn key(self) -> u64 {
                // Widening, then reinterpreting the bits: exact, never panics.
                self as $via as u64
            }
        })*
    };
}
integer_key!(i64: i8, i16, i32);
integer_key!(u64: u8, u16, u32);

/// 64-bit values are their own keys: their slices have a vectorised filter pass.
macro_rules! word_key {
    ($($t:ty),*) => {
        $(impl IntegerKey for $t {
            fn key(self) -> u64 {
                Word64::bits(self)
            }

            fn offer_slice(tracker: &mut FastTracker, values: &[Self]) -> lesson_support::Result<()> {
                tracker.offer_all_words(values)
            }
        })*
    };
}
word_key!(i64, u64);

/// CVM on `array` if its dtype is `T`; `None` when it holds another dtype.
fn count_if_dtype<T: IntegerKey>(
    array: &Bound<'_, PyAny>,
    epsilon: f64,
    delta: f64,
    seed: Option<u64>,
) -> PyResult<Option<u64>> {
    let Ok(typed) = array.cast::<PyArray1<T>>() else {
        return Ok(None);
    };
    let readonly = typed
        .try_readonly()
        .map_err(|err| PyValueError::new_err(format!("items cannot be read: {err}")))?;
    let view = readonly.as_array();
    let n_items = view.len();
    let capacity = tracked_capacity(n_items, epsilon, delta)?;
    // No Python object is touched from here on: other threads may run meanwhile.
    let estimate = array.py().detach(|| -> lesson_support::Result<u64> {
        let mut tracker = FastTracker::new(capacity, seed);
        // A contiguous array is a plain slice: read in blocks of 64 values, only the
        // few values of a block that may change the table are looked up.
        if let Some(values) = view.as_slice() {
            T::offer_slice(&mut tracker, values)?;
        } else {
            for &value in view.iter() {
                tracker.offer(value.key())?;
            }
        }
        Ok(tracker.estimate())
    })?;
    Ok(Some(estimate))
}

/// CVM on a 1-D NumPy array of integers (any width, signed or not), read in place
/// (never copied, unless its byte order is not the machine's) with the GIL released,
/// by the fast core of `distinct_fast.rs`.
#[pyfunction]
#[pyo3(signature = (items, epsilon=0.5, delta=0.001, seed=None))]
pub fn count_approx_array(
    items: &Bound<'_, PyAny>,
    #[pyo3(from_py_with = epsilon_arg)] epsilon: f64,
    #[pyo3(from_py_with = delta_arg)] delta: f64,
    #[pyo3(from_py_with = seed_value_arg)] seed: Option<i128>,
) -> PyResult<u64> {
    let seed = seed_arg(seed)?;
    let expected = "a 1-D array of integers";
    let array = numpy_array(items, "items", expected)?;
    if array.ndim() != 1 {
        return Err(PyValueError::new_err(format!(
            "items must be {expected}, got a {}-D array of shape {:?}; flatten it with \
             items.ravel() if every value counts",
            array.ndim(),
            array.shape()
        )));
    }
    let dtype = array.dtype();
    let kind = dtype.kind();
    if !matches!(kind, b'i' | b'u') {
        return Err(PyTypeError::new_err(format!(
            "items must have an integer dtype (int8 ... int64, uint8 ... uint64), got {dtype}; \
             map other values to integers first (e.g. np.unique(items, return_inverse=True))"
        )));
    }
    macro_rules! try_dtypes {
        ($array:expr, $($t:ty),*) => {
            $(if let Some(estimate) = count_if_dtype::<$t>($array, epsilon, delta, seed)? {
                return Ok(estimate);
            })*
        };
    }
    try_dtypes!(items, i64, i32, i16, i8, u64, u32, u16, u8);
    // An integer dtype in the other byte order: a native copy, same values.
    let native = items.call_method1("astype", (if kind == b'i' { "int64" } else { "uint64" },))?;
    try_dtypes!(&native, i64, u64);
    Err(PyTypeError::new_err(format!(
        "items must have an integer dtype that fits in 64 bits, got {dtype}"
    )))
}
