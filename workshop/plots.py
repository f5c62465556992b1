"""Charts of benchmark results, shared by ``measure_all.py --plot`` and the notebooks."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from workshop.bench import Report, Scaling


def speedup_chart(report: Report, ax: Axes | None = None) -> Axes:
    """Horizontal bars: how many times faster than the baseline each version ran."""
    import matplotlib.pyplot as plt

    timed = [m for m in report.measurements if m.ok and m.speedup is not None]
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 0.45 * len(timed) + 1.2))
    names = [m.version for m in timed]
    speedups = [m.speedup for m in timed]
    bars = ax.barh(names, speedups, color="#b7410e")
    ax.invert_yaxis()  # the baseline on top, as in the table
    ax.set_xscale("log")
    ax.set_xlabel(f"speedup over {report.suite.baseline} (log scale)")
    ax.set_title(report.suite.title)
    for bar, m in zip(bars, timed, strict=True):
        ax.annotate(
            f" {m.speedup:,.1f}x ({m.median * 1e3:.3g} ms)",
            (bar.get_width(), bar.get_y() + bar.get_height() / 2),
            va="center",
            fontsize=8,
        )
    ax.margins(x=0.35)
    return ax


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
