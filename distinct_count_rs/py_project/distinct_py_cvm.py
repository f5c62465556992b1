"""The CVM algorithm in plain Python: an estimate of the number of distinct items that
tracks at most a fixed number of them (Chakraborty, Vinodchandran and Meel, 2023,
arXiv 2301.10191).

Every item first leaves the tracked set, then comes back with probability `p`; when the
set is full, each tracked item is dropped with probability 1/2 and `p` is halved. At the
end, each distinct item is in the set with probability `p`, so `len(set) / p` estimates
the count: within `epsilon` (relative) with probability at least `1 - delta`.
"""

from __future__ import annotations

import math
import random
from collections.abc import Collection, Hashable


def check_accuracy(epsilon: float, delta: float) -> None:
    for name, value, meaning in (
        ("epsilon", epsilon, "the relative error allowed"),
        ("delta", delta, "the probability of a larger error"),
    ):
        if not 0.0 < value < 1.0:
            raise ValueError(f"{name} must be strictly between 0 and 1 ({meaning}), got {value}")


def tracked_capacity(n_items: int, epsilon: float = 0.5, delta: float = 0.001) -> int:
    """How many items CVM tracks at most: ``ceil(12 / epsilon² · log2(8 n / delta))``.

    A capacity above `n_items` is never reached (the count is then exact); it is
    returned as ``n_items + 1``, as the Rust versions do.
    """
    check_accuracy(epsilon, delta)
    if n_items == 0:
        raise ValueError(
            "items must not be empty: the number of items tracked depends on "
            "log2(8 * len(items) / delta)"
        )
    with_room = 12.0 / (epsilon * epsilon) if epsilon > 1e-150 else math.inf
    threshold = math.ceil(with_room * math.log2(8.0 * n_items / delta)) if with_room < 1e300 else 0
    return threshold if 0 < threshold < n_items + 1 else n_items + 1


def count_approx_python(
    items: Collection[Hashable], epsilon: float = 0.5, delta: float = 0.001, seed: int | None = None
) -> int:
    """CVM estimate of ``len(set(items))``; `seed=None` seeds from the operating system."""
    try:
        n_items = len(items)
    except TypeError:
        raise TypeError(
            f"items must have a length (a list, tuple, set, ...), got {type(items).__name__}"
        ) from None
    capacity = tracked_capacity(n_items, epsilon, delta)
    rng = random.Random(seed)
    p = 1.0
    tracked: set[Hashable] = set()
    for item in items:
        tracked.discard(item)
        if rng.random() < p:
            tracked.add(item)
        if len(tracked) >= capacity:
            tracked = {kept for kept in tracked if rng.random() < 0.5}
            p /= 2
            if len(tracked) >= capacity:  # the paper's "unlucky" case: nothing dropped
                raise RuntimeError(
                    f"unlucky draw, no estimate: halving the {capacity} tracked items "
                    "dropped none of them; call again with another seed"
                )
    return round(len(tracked) / p)


def main(items: Collection[Hashable], epsilon: float = 0.5, seed: int = 0) -> int:
    return count_approx_python(items, epsilon, seed=seed)


if __name__ == "__main__":
    from distinct_data import word_stream

    stream = word_stream(100_000, 100, seed=0)
    capacity = tracked_capacity(len(stream))
    print(f"exact {stream.n_words:,}, estimate {main(stream.words):,} (tracks <= {capacity:,})")
