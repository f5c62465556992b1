"""Charts of benchmark results, shared by ``measure_all.py --plot`` and the notebooks."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from workshop.bench import Report, Scaling


def speedup_chart(report: Report, ax: Axes | None = None) -> Axes:
    """Horizontal bars: how many times faster than the baseline each version ran.

    The suite's floor, when it was measured, is a dashed vertical line (the speedup a
    version running at the limit would have), not a bar: it is not a version.
    """
    import matplotlib.pyplot as plt

    from workshop.bench import format_seconds

    timed = [m for m in report.measurements if m.ok and m.speedup is not None]
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 0.45 * len(timed) + 1.2))
    names = [m.version for m in timed]
    speedups = [m.speedup for m in timed]
    limit_speedup = floor_speedup(report)
    left, right = speedup_axis_range([*speedups, *([limit_speedup] if limit_speedup else [])])
    ax.set_xscale("log")
    # Bars start at the left edge of the axis (a log axis has no zero).
    bars = ax.barh(names, [s - left for s in speedups], left=left, color="#b7410e")
    ax.invert_yaxis()  # the baseline on top, as in the table
    ax.set_xlim(left, right)
    ax.set_xlabel(f"speedup over {report.suite.baseline} (log scale)")
    ax.set_title(report.suite.title)
    for bar, m in zip(bars, timed, strict=True):
        ax.annotate(
            f" {m.speedup:,.1f}x ({format_seconds(m.median)})",
            (m.speedup, bar.get_y() + bar.get_height() / 2),
            va="center",
            fontsize=8,
        )
    if limit_speedup is not None and report.limit is not None and report.suite.limit:
        label = textwrap.fill(
            f"limit (a floor, not a version): {report.suite.limit.label}, "
            f"{limit_speedup:,.0f}x ({format_seconds(report.limit.median)})",
            width=45,
        )
        ax.axvline(limit_speedup, color="#333333", linestyle="--", linewidth=1, label=label)
        ax.legend(loc="best", fontsize=7, framealpha=0.9)
    return ax


def floor_speedup(report: Report) -> float | None:
    """The speedup over the baseline that a version running at the floor would have."""
    baseline = next(
        (m for m in report.measurements if m.version == report.suite.baseline and m.ok), None
    )
    if baseline is None or report.limit is None or not report.limit.ok:
        return None
    return baseline.median / report.limit.median


def speedup_axis_range(values: Sequence[float]) -> tuple[float, float]:
    """The x range of a speedup chart (log scale): from 0.5x, or below the smallest bar
    when one is slower than that, to past the largest value, leaving room for the labels."""
    if not values:
        return 0.5, 2.0
    left = min(0.5, min(values) / 1.5)
    top = max(max(values), 1.0)
    # The labels take about a third of the width, whatever the number of decades.
    return left, top * (top / left) ** 0.4


def scaling_chart(scaling: Scaling, ax: Axes | None = None) -> Axes:
    """Log-log lines: median time of each version against the input size."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4.5))
    for version, points in scaling.series.items():
        if points:
            sizes, seconds = zip(*points, strict=True)
            ax.plot(sizes, seconds, marker="o", label=version)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(scaling.size_label)
    ax.set_ylabel("median time per call (s)")
    ax.set_title(f"{scaling.suite.title}: time against size")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    return ax


def save_speedup_chart(reports: Sequence[Report], path: Path | str) -> Figure:
    """One speedup chart per report, stacked, saved to `path` (PNG, SVG or PDF)."""
    import matplotlib

    matplotlib.use("Agg")  # headless: no window is opened
    import matplotlib.pyplot as plt

    heights = [0.45 * sum(m.ok for m in r.measurements) + 1.4 for r in reports]
    fig, axes = plt.subplots(
        len(reports),
        1,
        figsize=(8, sum(heights)),
        squeeze=False,
        gridspec_kw={"height_ratios": heights},
    )
    for report, ax in zip(reports, axes[:, 0], strict=True):
        speedup_chart(report, ax)
    fig.tight_layout()
    fig.savefig(path)
    return fig
