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

use lesson_support::{Error, Result};
use ndarray::ArrayView1;
use rand::{Rng, RngCore};

/// The classes of a label array: the distinct labels, how many samples each has, and
/// a lookup from a label to its class number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Classes {
    /// The distinct labels: class `c` has label `values[c]`.
    pub values: Vec<i64>,
    /// The number of samples of each class.
    pub counts: Vec<usize>,
    lookup: Lookup,
}

/// From a label to its class number.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Lookup {
    /// Labels in a narrow range (the usual `0..n_classes`): `table[label - min]`.
    Table { min: i64, table: Vec<u32> },
    /// Other labels: binary search in the sorted distinct labels.
    Sorted { labels: Vec<i64>, codes: Vec<u32> },
}

impl Classes {
    /// The class number of `label`, which must be one of the labels encoded.
    #[inline]
    pub fn code(&self, label: i64) -> usize {
        let code = match &self.lookup {
            // (A label below `min` wraps around to a huge offset: not in the table.)
            Lookup::Table { min, table } => table.get(label.wrapping_sub(*min) as usize).copied(),
            Lookup::Sorted { labels, codes } => labels
                .binary_search(&label)
                .ok()
                .and_then(|rank| codes.get(rank))
                .copied(),
        };
        code.map_or(usize::MAX, |code| code as usize)
    }
}

impl Classes {
    /// Call `visit(index, class)` for every sample of `y` (the labels encoded), in
    /// order. Faster than calling [`Classes::code`] for each sample: the kind of
    /// lookup is decided once, outside the loop.
    pub fn for_each_code<T: Copy + Into<i64>>(
        &self,
        y: ArrayView1<T>,
        mut visit: impl FnMut(usize, usize),
    ) {
        match &self.lookup {
            Lookup::Table { min, table } => {
                for (index, &label) in y.iter().enumerate() {
                    let offset = label.into().wrapping_sub(*min) as usize;
                    visit(index, table.get(offset).map_or(usize::MAX, |&c| c as usize));
                }
            }
            Lookup::Sorted { .. } => {
                for (index, &label) in y.iter().enumerate() {
                    visit(index, self.code(label.into()));
                }
            }
        }
    }
}

/// The error when the labels changed while they were being split: the Python wrappers
/// release the GIL, and another thread can write to the caller's `y` meanwhile.
fn y_changed() -> Error {
    Error::value(
        "y changed while it was being split (another thread wrote to it): \
         pass a copy, or wait for the split to finish before changing y",
    )
}

/// In which order the classes are numbered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClassOrder {
    /// By increasing label, as `np.unique` (the train/test split).
    Sorted,
    /// By first appearance in `y` (`StratifiedKFold`).
    FirstAppearance,
}

/// Find the classes of `y`. Labels can be any integers (negative, sparse, ...).
pub fn encode_classes<T: Copy + Into<i64>>(y: ArrayView1<T>, order: ClassOrder) -> Classes {
    let (min, max) = y.iter().fold((i64::MAX, i64::MIN), |(lo, hi), &label| {
        let label: i64 = label.into();
        (lo.min(label), hi.max(label))
    });
    // The classes are first numbered by first appearance.
    let mut values: Vec<i64> = Vec::new();
    let mut counts: Vec<usize> = Vec::new();
    let mut lookup = if y.is_empty() {
        Lookup::Table {
            min: 0,
            table: vec![],
        }
    } else if ((max as i128) - (min as i128)) < 4 * y.len() as i128 + 1024 {
        let mut table = vec![u32::MAX; (max - min) as usize + 1];
        for &label in y {
            let label: i64 = label.into();
            // `get_mut`: the callers release the GIL, so another Python thread may change
            // `y` meanwhile and a label can fall outside min..=max. It is left out here,
            // and the caller reports the missing samples instead of panicking.
            let Some(code) = table.get_mut(label.wrapping_sub(min) as usize) else {
                continue;
            };
            if *code == u32::MAX {
                *code = values.len() as u32;
                values.push(label);
                counts.push(0);
            }
            counts[*code as usize] += 1;
        }
        Lookup::Table { min, table }
    } else {
        let mut labels: Vec<i64> = y.iter().map(|&label| label.into()).collect();
        labels.sort_unstable();
        labels.dedup();
        let mut codes = vec![u32::MAX; labels.len()];
        for &label in y {
            let label: i64 = label.into();
            let rank = labels.binary_search(&label).unwrap_or(0);
            if codes[rank] == u32::MAX {
                codes[rank] = values.len() as u32;
                values.push(label);
                counts.push(0);
            }
            counts[codes[rank] as usize] += 1;
        }
        Lookup::Sorted { labels, codes }
    };
    if order == ClassOrder::Sorted {
        // Number the classes by increasing label instead.
        let mut by_label: Vec<usize> = (0..values.len()).collect();
        by_label.sort_unstable_by_key(|&code| values[code]);
        let mut renumber = vec![0_u32; values.len()];
        for (new, &old) in by_label.iter().enumerate() {
            renumber[old] = new as u32;
        }
        let codes = match &mut lookup {
            Lookup::Table { table, .. } => table,
            Lookup::Sorted { codes, .. } => codes,
        };
        for code in codes.iter_mut().filter(|code| **code != u32::MAX) {
            *code = renumber[*code as usize];
        }
        values = by_label.iter().map(|&old| values[old]).collect();
        counts = by_label.iter().map(|&old| counts[old]).collect();
    }
    Classes {
        values,
        counts,
        lookup,
    }
}

/// The sizes of the train and test sets, by scikit-learn's rules: the test set is
/// `ceil(test_size * n)`, the train set `floor(train_size * n)`, and a size not given
/// is the rest of the samples.
pub fn split_sizes(
    n_samples: usize,
    test_size: Option<f64>,
    train_size: Option<f64>,
) -> Result<(usize, usize)> {
    // exercise: stratif1_rust_scratch hard: check the sizes and turn the fractions into numbers of samples (scikit-learn's rules)
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
    // exercise: stratif1_rust_scratch easy: the test set is ceil(test_size * n), the train set floor(train_size * n), a size not given is the rest
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
    // stub:
    // let (n_train, n_test): (usize, usize) = todo_exercise!("stratif1_rust_scratch", "the test set is ceil(test_size * n), the train set floor(train_size * n), a size not given is the rest");
    // end exercise: stratif1_rust_scratch easy

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
    // stub:
    // todo_exercise!("stratif1_rust_scratch", "check the sizes and turn the fractions into numbers of samples (scikit-learn's rules)")
    // end exercise: stratif1_rust_scratch hard
}

/// Shuffle `items` in place (Fisher-Yates): every order is equally likely.
///
/// rand's `shuffle` does the same; this one draws each random position with a single
/// 64-bit multiplication (Lemire's method, with the rejection step that keeps it
/// unbiased), which makes it about twice as fast, and shuffling is most of the work
/// of a split.
pub fn shuffle<T, R: RngCore>(items: &mut [T], rng: &mut R) {
    for i in (1..items.len()).rev() {
        let bound = i as u64 + 1; // draw j uniformly in 0..=i
        let mut product = u128::from(rng.next_u64()) * u128::from(bound);
        if (product as u64) < bound {
            // The low half falls in the biased zone only this rarely: redraw there.
            let threshold = bound.wrapping_neg() % bound;
            while (product as u64) < threshold {
                product = u128::from(rng.next_u64()) * u128::from(bound);
            }
        }
        items.swap(i, (product >> 64) as usize);
    }
}

/// How many of `n_draws` samples each class gets, given the class sizes `counts`:
/// its share rounded down, plus one for the classes with the largest remainders until
/// the total is `n_draws` (scikit-learn's `_approximate_mode`; ties at random).
pub fn approximate_mode<R: Rng>(
    counts: &[usize],
    n_draws: usize,
    rng: &mut R,
) -> Result<Vec<usize>> {
    // exercise: stratif1_rust_scratch hard: each class gets its share of n_draws rounded down, then one more for the classes with the largest remainders (ties at random) until the total is n_draws
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
    // exercise: stratif1_rust_scratch intermediate: give the missing samples to the classes with the largest remainders, drawing at random among tied classes
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
    // stub:
    // todo_exercise!("stratif1_rust_scratch", "give the missing samples to the classes with the largest remainders, drawing at random among tied classes");
    // end exercise: stratif1_rust_scratch intermediate
    Ok(drawn)
    // stub:
    // todo_exercise!("stratif1_rust_scratch", "each class gets its share of n_draws rounded down, then one more for the classes with the largest remainders (ties at random) until the total is n_draws")
    // end exercise: stratif1_rust_scratch hard
}

/// Stratified train/test split of the samples labelled `y`: `(train, test)` row
/// indices, each shuffled.
///
/// scikit-learn's conditions, each a `ValueError` whose message the tests look for:
/// every class needs "at least 2 samples", and the train and test sets must each hold
/// "at least one sample of each" class.
pub fn train_test_indices<T: Copy + Into<i64>, R: Rng>(
    y: ArrayView1<T>,
    test_size: Option<f64>,
    train_size: Option<f64>,
    rng: &mut R,
) -> Result<(Vec<i64>, Vec<i64>)> {
    // exercise: stratif1_rust_scratch hard: stratified train/test split: sizes, classes and their counts (approximate_mode), then a random choice of each class's train and test samples, shuffled
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
        .map(|(count, train)| count.saturating_sub(*train))
        .collect();
    let test_counts = approximate_mode(&left, n_test, rng)?;

    // exercise: stratif1_rust_scratch intermediate: pick each class's train and test samples at random: shuffle the indices once, then walk them
    // Visit the samples in a random order and give each one to the train set while
    // its class still needs train samples, then to the test set while its class needs
    // test samples. Each class's train and test samples are then a random choice of
    // its members, and both sets come out shuffled: one shuffle does it all. The
    // shuffled indices are filtered in place into the train set (`retain` keeps the
    // order), which saves allocating (and touching) more memory.
    let mut train: Vec<i64> = (0..y.len() as i64).collect();
    shuffle(&mut train, rng);
    let mut train_left = train_counts;
    let mut test_left = test_counts;
    let mut test = Vec::with_capacity(n_test);
    // exercise: stratif1_rust_scratch easy: keep a shuffled index in train while its class needs train samples, else move it to test while its class needs test samples
    train.retain(|&index| {
        let class = classes.code(y[index as usize].into());
        // `get_mut`: a label not seen when the classes were counted (another thread
        // wrote to `y`) has no class; the sample is dropped and reported below.
        if let Some(left) = train_left.get_mut(class).filter(|left| **left > 0) {
            *left -= 1;
            return true;
        }
        if let Some(left) = test_left.get_mut(class).filter(|left| **left > 0) {
            *left -= 1;
            test.push(index);
        }
        false
    });
    // stub:
    // todo_exercise!("stratif1_rust_scratch", "keep a shuffled index in train while its class needs train samples, else move it to test while its class needs test samples");
    // end exercise: stratif1_rust_scratch easy
    // stub:
    // let (train, test): (Vec<i64>, Vec<i64>) = todo_exercise!("stratif1_rust_scratch", "pick each class's train and test samples at random: shuffle the indices once, then walk them");
    // end exercise: stratif1_rust_scratch intermediate
    if train.len() != n_train || test.len() != n_test {
        return Err(y_changed());
    }
    Ok((train, test))
    // stub:
    // todo_exercise!("stratif1_rust_scratch", "stratified train/test split: sizes, classes and their counts (approximate_mode), then a random choice of each class's train and test samples, shuffled")
    // end exercise: stratif1_rust_scratch hard
}

/// How many samples of each class go to each fold: `allocation[fold][class]`, for
/// class sizes `counts` listed in order of first appearance.
///
/// Dealing the samples sorted by class to the folds in turn gives each fold
/// `count / k` samples of a class, and the `count % k` extra ones go to the folds that
/// come next in the deal (which continues from one class to the next).
pub fn fold_allocation(counts: &[usize], n_folds: usize) -> Result<Vec<Vec<usize>>> {
    // exercise: stratif2_rust_scratch hard: how many samples of each class each fold gets: deal the samples, sorted by class, to the folds in turn
    if n_folds == 0 {
        return Err(Error::value("k must be at least 2, got 0"));
    }
    let mut allocation = vec![vec![0; counts.len()]; n_folds];
    let mut dealt = 0; // samples dealt before this class
    for (class, &count) in counts.iter().enumerate() {
        for (fold, fold_counts) in allocation.iter_mut().enumerate() {
            fold_counts[class] = fold_share(count, n_folds, fold, dealt)?;
        }
        dealt += count;
    }
    Ok(allocation)
    // stub:
    // todo_exercise!("stratif2_rust_scratch", "how many samples of each class each fold gets: deal the samples, sorted by class, to the folds in turn")
    // end exercise: stratif2_rust_scratch hard
}

/// How many of the `count` samples of a class fold `fold` gets, when `dealt` samples
/// were dealt before the class (the deal goes round the `n_folds` folds in turn).
pub fn fold_share(count: usize, n_folds: usize, fold: usize, dealt: usize) -> Result<usize> {
    // exercise: stratif2_rust_scratch intermediate: fold `fold` gets count / k samples of the class, plus one if it is among the count % k folds dealt next
    let mut share = count / n_folds;
    // The extra samples go to folds dealt, dealt + 1, ... (mod k).
    let turn = (fold + n_folds - dealt % n_folds) % n_folds;
    if turn < count % n_folds {
        share += 1;
    }
    Ok(share)
    // stub:
    // todo_exercise!("stratif2_rust_scratch", "fold `fold` gets count / k samples of the class, plus one if it is among the count % k folds dealt next")
    // end exercise: stratif2_rust_scratch intermediate
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
    // exercise: stratif2_rust_scratch hard: stratified k-fold: check k, find the classes (in order of first appearance), allocate, deal the samples to the folds
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

    // Fold numbers fit in a byte for up to 256 folds: less memory to fill and shuffle.
    let folds = if n_folds <= 256 {
        deal_to_folds::<u8, T, R>(y, &classes, &allocation, rng)?
    } else {
        deal_to_folds::<u32, T, R>(y, &classes, &allocation, rng)?
    };
    Ok(Folds {
        folds,
        smallest_class: classes.counts.iter().min().copied().unwrap_or(0),
    })
    // stub:
    // todo_exercise!("stratif2_rust_scratch", "stratified k-fold: check k, find the classes (in order of first appearance), allocate, deal the samples to the folds")
    // end exercise: stratif2_rust_scratch hard
}

/// The test indices of each fold: for each class, the fold numbers repeated as the
/// allocation says and shuffled give the fold of each of its samples, in index order.
/// `F` is the integer type that stores a fold number.
fn deal_to_folds<F, T, R>(
    y: ArrayView1<T>,
    classes: &Classes,
    allocation: &[Vec<usize>],
    rng: &mut R,
) -> Result<Vec<Vec<i64>>>
where
    F: Copy + TryFrom<usize> + Into<u64>,
    T: Copy + Into<i64>,
    R: RngCore,
{
    // exercise: stratif2_rust_scratch hard: for each class, shuffle its fold tickets (as many of each fold as the allocation says), then give each sample, in index order, the next ticket of its class
    let mut fold_of_class_member: Vec<Vec<F>> = Vec::with_capacity(classes.counts.len());
    // exercise: stratif2_rust_scratch intermediate: build each class's list of fold tickets and shuffle it
    for (class, &count) in classes.counts.iter().enumerate() {
        let mut folds = Vec::with_capacity(count);
        for (fold, fold_counts) in allocation.iter().enumerate() {
            let fold = F::try_from(fold)
                .map_err(|_| Error::value(format!("fold number {fold} does not fit")))?;
            folds.extend(std::iter::repeat_n(fold, fold_counts[class]));
        }
        shuffle(&mut folds, rng);
        fold_of_class_member.push(folds);
    }
    // stub:
    // todo_exercise!("stratif2_rust_scratch", "build each class's list of fold tickets and shuffle it");
    // end exercise: stratif2_rust_scratch intermediate

    let mut next_member = vec![0; classes.counts.len()];
    let mut folds: Vec<Vec<i64>> = allocation
        .iter()
        .map(|fold_counts| Vec::with_capacity(fold_counts.iter().sum()))
        .collect();
    // exercise: stratif2_rust_scratch easy: walk the samples in index order; each takes the next ticket of its class and goes to that fold
    classes.for_each_code(y, |index, class| {
        // `get`: with `y` changed by another thread meanwhile, a sample can have no
        // class or its class no ticket left; it is left out and reported below.
        let Some(next) = next_member.get_mut(class) else {
            return;
        };
        let Some(&fold) = fold_of_class_member[class].get(*next) else {
            return;
        };
        *next += 1;
        let fold: u64 = fold.into();
        folds[fold as usize].push(index as i64);
    });
    // stub:
    // todo_exercise!("stratif2_rust_scratch", "walk the samples in index order; each takes the next ticket of its class and goes to that fold");
    // end exercise: stratif2_rust_scratch easy
    if folds.iter().map(Vec::len).sum::<usize>() != y.len() {
        return Err(y_changed());
    }
    Ok(folds)
    // stub:
    // todo_exercise!("stratif2_rust_scratch", "for each class, shuffle its fold tickets (as many of each fold as the allocation says), then give each sample, in index order, the next ticket of its class")
    // end exercise: stratif2_rust_scratch hard
}

#[cfg(test)]
mod tests {
    use super::*;
    use lesson_support::random::rng_from_seed;
    use ndarray::{array, Array1};

    #[test]
    fn classes_in_label_order_or_in_order_of_appearance() {
        let y = array![7_i64, -3, 100, 7, -3, 7];
        let sorted = encode_classes(y.view(), ClassOrder::Sorted);
        assert_eq!(sorted.values, vec![-3, 7, 100]);
        assert_eq!(sorted.counts, vec![2, 3, 1]);
        assert_eq!(sorted.code(100), 2);
        let seen = encode_classes(y.view(), ClassOrder::FirstAppearance);
        assert_eq!(seen.values, vec![7, -3, 100]);
        assert_eq!(seen.counts, vec![3, 2, 1]);
        assert_eq!(seen.code(-3), 1);
        // Labels far apart go through the sorted lookup: same answers.
        let sparse = array![i64::MAX, i64::MIN, 0, i64::MAX];
        let classes = encode_classes(sparse.view(), ClassOrder::Sorted);
        assert_eq!(classes.values, vec![i64::MIN, 0, i64::MAX]);
        assert_eq!(classes.counts, vec![1, 1, 2]);
        assert_eq!(classes.code(i64::MAX), 2);
        let mut visited = vec![];
        classes.for_each_code(sparse.view(), |index, class| visited.push((index, class)));
        assert_eq!(visited, vec![(0, 2), (1, 0), (2, 1), (3, 2)]);
    }

    #[test]
    fn split_sizes_follow_scikit_learn() {
        assert_eq!(split_sizes(10, Some(0.25), None).unwrap(), (7, 3)); // ceil(2.5)
        assert_eq!(split_sizes(10, None, Some(0.66)).unwrap(), (6, 4)); // floor(6.6)
        assert_eq!(split_sizes(10, Some(0.2), Some(0.5)).unwrap(), (5, 2));
        for (test, train) in [(Some(0.0), None), (Some(1.0), None), (Some(0.5), Some(0.6))] {
            assert!(matches!(split_sizes(10, test, train), Err(Error::Value(_))));
        }
        assert!(split_sizes(1, Some(0.5), None).is_err()); // the train set would be empty
    }

    #[test]
    fn approximate_mode_matches_the_examples_of_scikit_learn() {
        let mut rng = rng_from_seed(Some(0));
        assert_eq!(approximate_mode(&[4, 2], 3, &mut rng).unwrap(), vec![2, 1]);
        assert_eq!(approximate_mode(&[5, 2], 4, &mut rng).unwrap(), vec![3, 1]);
        // A tie: two of the three classes of 2 get one sample, at random.
        for seed in 0..20 {
            let drawn = approximate_mode(&[2, 2, 2, 1], 2, &mut rng_from_seed(Some(seed))).unwrap();
            assert_eq!(drawn.iter().sum::<usize>(), 2);
            assert_eq!(drawn[3], 0);
            assert!(drawn.iter().all(|&d| d <= 1));
        }
    }

    #[test]
    fn a_train_test_split_is_disjoint_covering_and_stratified() {
        let y: Array1<i32> = (0..1000).map(|i| if i % 10 < 7 { 4 } else { -1 }).collect();
        let (train, test) =
            train_test_indices(y.view(), Some(0.2), None, &mut rng_from_seed(Some(1))).unwrap();
        assert_eq!((train.len(), test.len()), (800, 200));
        let mut all: Vec<i64> = train.iter().chain(&test).copied().collect();
        all.sort_unstable();
        assert_eq!(all, (0..1000).collect::<Vec<i64>>());
        let test_fours = test.iter().filter(|&&i| y[i as usize] == 4).count();
        assert_eq!(test_fours, 140);
        // Shuffled, not in index order.
        assert!(train.windows(2).any(|w| w[0] > w[1]));
    }

    #[test]
    fn splits_repeat_with_the_same_seed() {
        let y: Array1<i64> = (0..500).map(|i| i % 3).collect();
        let split = |seed| {
            train_test_indices(y.view(), Some(0.3), None, &mut rng_from_seed(Some(seed))).unwrap()
        };
        assert_eq!(split(5), split(5));
        assert_ne!(split(5), split(6));
        let folds = |seed| {
            kfold_indices(y.view(), 4, &mut rng_from_seed(Some(seed)))
                .unwrap()
                .folds
        };
        assert_eq!(folds(5), folds(5));
        assert_ne!(folds(5), folds(6));
    }

    #[test]
    fn a_class_of_one_sample_is_refused() {
        let y = array![1_i64, 1, 1, 2];
        match train_test_indices(y.view(), Some(0.5), None, &mut rng_from_seed(Some(0))) {
            Err(Error::Value(message)) => assert!(message.contains("[2]"), "{message}"),
            other => panic!("expected a ValueError, got {other:?}"),
        }
    }

    #[test]
    fn fold_allocation_deals_the_samples_in_turn() {
        // Class sizes 7 then 5 over 3 folds: positions 0..7 go to folds 0,1,2,0,1,2,0
        // and positions 7..12 to folds 1,2,0,1,2.
        let allocation = fold_allocation(&[7, 5], 3).unwrap();
        assert_eq!(allocation, vec![vec![3, 1], vec![2, 2], vec![2, 2]]);
    }

    #[test]
    fn k_folds_are_disjoint_cover_everything_and_are_sorted() {
        let y: Array1<i64> = (0..103).map(|i| [5, 9, 9, 2][i % 4]).collect();
        let folds = kfold_indices(y.view(), 5, &mut rng_from_seed(Some(2))).unwrap();
        let mut all: Vec<i64> = folds.folds.concat();
        assert!(folds
            .folds
            .iter()
            .all(|f| f.windows(2).all(|w| w[0] < w[1])));
        all.sort_unstable();
        assert_eq!(all, (0..103).collect::<Vec<i64>>());
        assert_eq!(folds.smallest_class, 25);
    }

    #[test]
    fn many_folds_store_their_numbers_in_wider_integers() {
        let y: Array1<i64> = Array1::zeros(600);
        let folds = kfold_indices(y.view(), 300, &mut rng_from_seed(Some(0))).unwrap();
        assert_eq!(folds.folds.len(), 300);
        assert!(folds.folds.iter().all(|f| f.len() == 2));
    }

    #[test]
    fn impossible_fold_counts_are_refused() {
        let y = array![0_i64, 0, 1, 1, 2];
        let mut rng = rng_from_seed(Some(0));
        for k in [0, 1, 6] {
            assert!(matches!(
                kfold_indices(y.view(), k, &mut rng),
                Err(Error::Value(_))
            ));
        }
        // 3 folds, but no class has 3 samples.
        match kfold_indices(y.view(), 3, &mut rng) {
            Err(Error::Value(message)) => assert!(message.contains("every class"), "{message}"),
            other => panic!("expected a ValueError, got {other:?}"),
        }
        let empty: Array1<i64> = Array1::zeros(0);
        assert!(kfold_indices(empty.view(), 2, &mut rng).is_err());
        assert!(train_test_indices(empty.view(), Some(0.5), None, &mut rng).is_err());
    }

    #[test]
    fn shuffle_moves_everything_and_keeps_every_item() {
        let mut items: Vec<u32> = (0..1000).collect();
        shuffle(&mut items, &mut rng_from_seed(Some(4)));
        assert_ne!(items, (0..1000).collect::<Vec<u32>>());
        items.sort_unstable();
        assert_eq!(items, (0..1000).collect::<Vec<u32>>());
        // Each position is equally likely: the first of 3 items lands in each slot
        // about a third of the time.
        let mut rng = rng_from_seed(Some(5));
        let mut first_at = [0; 3];
        for _ in 0..30_000 {
            let mut three = [0, 1, 2];
            shuffle(&mut three, &mut rng);
            first_at[three.iter().position(|&x| x == 0).unwrap()] += 1;
        }
        assert!(
            first_at.iter().all(|&n| (9_500..10_500).contains(&n)),
            "{first_at:?}"
        );
    }
}
