//! Stratified train/test split and stratified k-fold, written from scratch.
//!
//! "Stratified" means every class keeps its share of the samples in each part. The
//! per-class counts follow scikit-learn's rules exactly, so that a split made here has
//! the same class counts as one made by scikit-learn (only the shuffle differs, as the
//! two use different random generators):
//!
//! - train/test split (`train_test_split(..., stratify=y)`): each class gets its share
//!   of the train set rounded down, and the samples still missing go to the classes
//!   with the largest rounding remainders (ties broken at random); the test set is
//!   drawn the same way from what is left (scikit-learn's `_approximate_mode`);
//! - k-fold (`StratifiedKFold(shuffle=True)`): the samples, sorted by class (classes in
//!   order of first appearance), are dealt to the folds in turn, 0, 1, ..., k-1, 0, ...;
//!   that fixes how many samples of each class each fold gets, and which ones is
//!   shuffled within the class.
//!
//! The functions return row indices (`i64`, ready for NumPy); the caller builds row
//! arrays from them if it needs the rows.

use crate::error::{Error, Result};
use ndarray::ArrayView1;
use rand::seq::SliceRandom;
use rand::Rng;

/// The classes of a label array: each sample's class number, and each class's size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Classes {
    /// The distinct labels, class `c` has label `values[c]`.
    pub values: Vec<i64>,
    /// The class number of every sample, `0..values.len()`.
    pub codes: Vec<u32>,
    /// The number of samples of each class.
    pub counts: Vec<usize>,
}

/// In which order the classes are numbered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClassOrder {
    /// By increasing label, as `np.unique` (the train/test split).
    Sorted,
    /// By first appearance in `y` (`StratifiedKFold`).
    FirstAppearance,
}

/// Number the classes of `y`. Labels can be any integers (negative, sparse, ...).
pub fn encode_classes<T: Copy + Into<i64>>(y: ArrayView1<T>, order: ClassOrder) -> Classes {
    let labels: Vec<i64> = y.iter().map(|&v| v.into()).collect();
    let (Some(&min), Some(&max)) = (labels.iter().min(), labels.iter().max()) else {
        return Classes {
            values: vec![],
            codes: vec![],
            counts: vec![],
        };
    };
    // Labels in a narrow range (the usual 0..n_classes) are looked up in a table;
    // other labels through the sorted list of distinct values.
    let span = (max as i128 - min as i128) as u128;
    let mut values = if span < 4 * labels.len() as u128 + 1024 {
        let mut seen = vec![false; span as usize + 1];
        for &label in &labels {
            seen[(label - min) as usize] = true;
        }
        (0..seen.len())
            .filter(|&i| seen[i])
            .map(|i| min + i as i64)
            .collect::<Vec<_>>()
    } else {
        let mut distinct = labels.clone();
        distinct.sort_unstable();
        distinct.dedup();
        distinct
    };
    let sorted_code = |label: i64| values.binary_search(&label).unwrap_or(0) as u32;
    let mut codes: Vec<u32> = if span < 4 * labels.len() as u128 + 1024 {
        let mut table = vec![0_u32; span as usize + 1];
        for (code, &value) in values.iter().enumerate() {
            table[(value - min) as usize] = code as u32;
        }
        labels
            .iter()
            .map(|&label| table[(label - min) as usize])
            .collect()
    } else {
        labels.iter().map(|&label| sorted_code(label)).collect()
    };
    if order == ClassOrder::FirstAppearance {
        // Renumber: the class seen first becomes 0, the next new one 1, ...
        let mut renumber = vec![u32::MAX; values.len()];
        let mut next = 0;
        for &code in &codes {
            if renumber[code as usize] == u32::MAX {
                renumber[code as usize] = next;
                next += 1;
            }
        }
        for code in codes.iter_mut() {
            *code = renumber[*code as usize];
        }
        let mut reordered = vec![0; values.len()];
        for (old, &new) in renumber.iter().enumerate() {
            reordered[new as usize] = values[old];
        }
        values = reordered;
    }
    let mut counts = vec![0; values.len()];
    for &code in &codes {
        counts[code as usize] += 1;
    }
    Classes {
        values,
        codes,
        counts,
    }
}

/// The sample indices of each class, in increasing order (a counting sort).
pub fn indices_by_class(classes: &Classes) -> Vec<Vec<i64>> {
    let mut groups: Vec<Vec<i64>> = classes
        .counts
        .iter()
        .map(|&count| Vec::with_capacity(count))
        .collect();
    for (index, &code) in classes.codes.iter().enumerate() {
        groups[code as usize].push(index as i64);
    }
    groups
}

/// The sizes of the train and test sets, by scikit-learn's rules: the test set is
/// `ceil(test_size * n)`, the train set `floor(train_size * n)`, and a size not given
/// is the rest of the samples.
pub fn split_sizes(
    n_samples: usize,
    test_size: Option<f64>,
    train_size: Option<f64>,
) -> Result<(usize, usize)> {
    let in_unit_interval = |size: f64| size > 0.0 && size < 1.0;
    if let Some(size) = test_size.filter(|&s| !in_unit_interval(s)) {
        return Err(Error::value(format!(
            "test_size must be a fraction strictly between 0 and 1, got {size}"
        )));
    }
    if let Some(size) = train_size.filter(|&s| !in_unit_interval(s)) {
        return Err(Error::value(format!(
            "train_size must be a fraction strictly between 0 and 1 (or None), got {size}"
        )));
    }
    let n = n_samples as f64;
    let (n_train, n_test) = match (train_size, test_size) {
        (None, None) => return Err(Error::value("test_size and train_size cannot both be None")),
        (None, Some(test)) => {
            let n_test = (test * n).ceil() as usize;
            (n_samples.saturating_sub(n_test), n_test)
        }
        (Some(train), None) => {
            let n_train = (train * n).floor() as usize;
            (n_train, n_samples - n_train)
        }
        (Some(train), Some(test)) => {
            if train + test > 1.0 {
                return Err(Error::value(format!(
                    "train_size + test_size = {} must not exceed 1",
                    train + test
                )));
            }
            ((train * n).floor() as usize, (test * n).ceil() as usize)
        }
    };
    if n_train + n_test > n_samples {
        return Err(Error::value(format!(
            "train ({n_train}) and test ({n_test}) sets need more than the {n_samples} samples"
        )));
    }
    if n_train == 0 {
        return Err(Error::value(format!(
            "with {n_samples} samples, test_size={test_size:?} and train_size={train_size:?} \
             the train set would be empty"
        )));
    }
    Ok((n_train, n_test))
}

/// How many of `n_draws` samples each class gets, given the class sizes `counts`:
/// its share rounded down, plus one for the classes with the largest remainders until
/// the total is `n_draws` (scikit-learn's `_approximate_mode`; ties at random).
pub fn approximate_mode<R: Rng>(
    counts: &[usize],
    n_draws: usize,
    rng: &mut R,
) -> Result<Vec<usize>> {
    let total: usize = counts.iter().sum();
    if total == 0 {
        return Ok(vec![0; counts.len()]);
    }
    // The same floating-point expression as NumPy, so the roundings agree.
    let continuous: Vec<f64> = counts
        .iter()
        .map(|&count| count as f64 / total as f64 * n_draws as f64)
        .collect();
    let mut drawn: Vec<usize> = continuous.iter().map(|c| c.floor() as usize).collect();
    let mut missing = n_draws.saturating_sub(drawn.iter().sum());
    let remainders: Vec<f64> = continuous.iter().map(|c| c - c.floor()).collect();
    let mut levels = remainders.clone();
    levels.sort_unstable_by(|a, b| b.total_cmp(a));
    levels.dedup();
    for level in levels {
        if missing == 0 {
            break;
        }
        let tied: Vec<usize> = (0..counts.len())
            .filter(|&c| remainders[c] == level)
            .collect();
        let take = tied.len().min(missing);
        for pick in rand::seq::index::sample(rng, tied.len(), take) {
            drawn[tied[pick]] += 1;
        }
        missing -= take;
    }
    Ok(drawn)
}

/// Stratified train/test split of the samples labelled `y`: `(train, test)` row
/// indices, each shuffled.
///
/// Every class needs at least 2 samples, and the train and test sets at least one
/// sample per class (scikit-learn's conditions).
pub fn train_test_indices<T: Copy + Into<i64>, R: Rng>(
    y: ArrayView1<T>,
    test_size: Option<f64>,
    train_size: Option<f64>,
    rng: &mut R,
) -> Result<(Vec<i64>, Vec<i64>)> {
    if y.is_empty() {
        return Err(Error::value("y is empty: there is nothing to split"));
    }
    let (n_train, n_test) = split_sizes(y.len(), test_size, train_size)?;
    let classes = encode_classes(y, ClassOrder::Sorted);
    let n_classes = classes.values.len();
    let lonely: Vec<i64> = (0..n_classes)
        .filter(|&c| classes.counts[c] < 2)
        .map(|c| classes.values[c])
        .collect();
    if !lonely.is_empty() {
        return Err(Error::value(format!(
            "y: every class needs at least 2 samples for a stratified split; \
             these classes have only 1: {lonely:?}"
        )));
    }
    if n_train < n_classes || n_test < n_classes {
        return Err(Error::value(format!(
            "the train set ({n_train} samples) and the test set ({n_test} samples) must each \
             hold at least one sample of each of the {n_classes} classes"
        )));
    }
    let train_counts = approximate_mode(&classes.counts, n_train, rng)?;
    let left: Vec<usize> = classes
        .counts
        .iter()
        .zip(&train_counts)
        .map(|(count, train)| count - train)
        .collect();
    let test_counts = approximate_mode(&left, n_test, rng)?;

    let mut train = Vec::with_capacity(n_train);
    let mut test = Vec::with_capacity(n_test);
    for ((mut members, n_class_train), n_class_test) in indices_by_class(&classes)
        .into_iter()
        .zip(train_counts)
        .zip(test_counts)
    {
        // Draw the class's train and test samples at random: shuffle just enough of
        // the class to pick them.
        let (picked, _) = members.partial_shuffle(rng, n_class_train + n_class_test);
        train.extend_from_slice(&picked[..n_class_train]);
        test.extend_from_slice(&picked[n_class_train..]);
    }
    // The classes were visited one after the other: mix them.
    train.shuffle(rng);
    test.shuffle(rng);
    Ok((train, test))
}

/// How many samples of each class go to each fold: `allocation[fold][class]`, for
/// class sizes `counts` listed in order of first appearance.
///
/// Dealing the samples sorted by class to the folds in turn gives each fold
/// `count / k` samples of a class, and the `count % k` extra ones go to the folds that
/// come next in the deal (which continues from one class to the next).
pub fn fold_allocation(counts: &[usize], n_folds: usize) -> Result<Vec<Vec<usize>>> {
    if n_folds == 0 {
        return Err(Error::value("k must be at least 2, got 0"));
    }
    let mut allocation = vec![vec![0; counts.len()]; n_folds];
    let mut dealt = 0; // samples dealt before this class
    for (class, &count) in counts.iter().enumerate() {
        for (fold, fold_counts) in allocation.iter_mut().enumerate() {
            fold_counts[class] = count / n_folds;
            // The extra samples go to folds dealt, dealt + 1, ... (mod k).
            let turn = (fold + n_folds - dealt % n_folds) % n_folds;
            if turn < count % n_folds {
                fold_counts[class] += 1;
            }
        }
        dealt += count;
    }
    Ok(allocation)
}

/// What a stratified k-fold found: the test indices of each fold (increasing), and
/// the size of the smallest class (a caller may warn when it is below `k`).
#[derive(Clone, Debug)]
pub struct Folds {
    /// `k` arrays of row indices; together they hold every row exactly once.
    pub folds: Vec<Vec<i64>>,
    /// Samples in the least populated class.
    pub smallest_class: usize,
}

/// Stratified k-fold of the samples labelled `y`: `k` disjoint sets of row indices
/// covering every row, each with its share of every class.
///
/// Like scikit-learn, `k` must be at least 2 and at most the number of samples, and
/// at least one class must have `k` samples or more.
pub fn kfold_indices<T: Copy + Into<i64>, R: Rng>(
    y: ArrayView1<T>,
    n_folds: usize,
    rng: &mut R,
) -> Result<Folds> {
    if y.is_empty() {
        return Err(Error::value("y is empty: there is nothing to split"));
    }
    if n_folds < 2 {
        return Err(Error::value(format!(
            "k must be at least 2 (one fold to test, the others to train), got {n_folds}"
        )));
    }
    if n_folds > y.len() {
        return Err(Error::value(format!(
            "k={n_folds} is larger than the number of samples ({})",
            y.len()
        )));
    }
    let classes = encode_classes(y, ClassOrder::FirstAppearance);
    if classes.counts.iter().all(|&count| count < n_folds) {
        return Err(Error::value(format!(
            "k={n_folds} is larger than the number of samples in every class \
             (the largest class has {})",
            classes.counts.iter().max().copied().unwrap_or(0)
        )));
    }
    let allocation = fold_allocation(&classes.counts, n_folds)?;

    // For each class, the fold of each of its samples (in index order): the fold
    // numbers repeated as the allocation says, shuffled.
    let fold_of_class_member: Vec<Vec<usize>> = (0..classes.counts.len())
        .map(|class| {
            let mut folds: Vec<usize> = allocation
                .iter()
                .enumerate()
                .flat_map(|(fold, fold_counts)| std::iter::repeat_n(fold, fold_counts[class]))
                .collect();
            folds.shuffle(rng);
            folds
        })
        .collect();
    let mut next_member = vec![0; classes.counts.len()];
    let mut folds: Vec<Vec<i64>> = allocation
        .iter()
        .map(|fold_counts| Vec::with_capacity(fold_counts.iter().sum()))
        .collect();
    for (index, &code) in classes.codes.iter().enumerate() {
        let class = code as usize;
        let fold = fold_of_class_member[class][next_member[class]];
        next_member[class] += 1;
        folds[fold].push(index as i64);
    }
    Ok(Folds {
        folds,
        smallest_class: classes.counts.iter().min().copied().unwrap_or(0),
    })
}
