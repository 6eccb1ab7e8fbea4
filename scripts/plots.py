"""Figures of the benchmark and proof tables, drawn with matplotlib
(Debian's python3-matplotlib), each written as SVG and PNG.

  line_chart(base, series, title, xlabel, ylabel)
      series: [(label, [(x, y), ...]), ...]
  strip_chart(base, groups, title, ylabel)
      groups: [(label, [value, ...]), ...], one column of points per
      group with its median marked: distributions of few runs, where a
      box plot would hide how few there are.

base is the path without extension; returns the PNG's path.
"""

import statistics

import matplotlib

matplotlib.use("Agg")  # no display: files only
import matplotlib.pyplot as plt  # noqa: E402


def _save(fig, base):
    fig.tight_layout()
    fig.savefig(base + ".svg")
    fig.savefig(base + ".png", dpi=120)
    plt.close(fig)
    return base + ".png"


def line_chart(base, series, title, xlabel, ylabel):
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for label, points in series:
        if points:
            xs, ys = zip(*points)
            ax.plot(xs, ys, label=label, linewidth=1.2)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom=0)
    ax.grid(True, alpha=0.3)
    ax.legend()
    return _save(fig, base)


def strip_chart(base, groups, title, ylabel):
    fig, ax = plt.subplots(figsize=(max(4, 1.4 * len(groups) + 2), 4.5))
    for i, (label, values) in enumerate(groups):
        if not values:
            continue
        # Spread equal values sideways a little so that each run shows.
        xs = [i + (k % 5 - 2) * 0.06 for k in range(len(values))]
        ax.scatter(xs, values, s=18, alpha=0.8)
        med = statistics.median(values)
        ax.hlines(med, i - 0.3, i + 0.3, colors="black", linewidth=1.5)
        ax.annotate("median %.1f (n=%d)" % (med, len(values)), (i, med),
                    textcoords="offset points", xytext=(0, 6), ha="center", fontsize=8)
    ax.set_xticks(range(len(groups)))
    ax.set_xticklabels([g[0] for g in groups])
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom=0)
    ax.grid(True, axis="y", alpha=0.3)
    return _save(fig, base)
