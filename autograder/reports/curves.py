"""Training-curve PNGs in the book's ``Animator`` style: the student's run beside the reference's.

x is the epoch; lines for train loss, train acc and test acc with the Animator's formats. Only
finite values are drawn; ``curve_problems`` says in words what could not be. Figures are built on
the Agg canvas without pyplot and saved without metadata, so the same curves give the same bytes.
"""
from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass
from typing import Any, Mapping

import matplotlib
import matplotlib.style
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullLocator

# The keys a convergence record may carry, in the Animator's legend order, with its formats
# (d2l's Animator: fmts=('-', 'm--', 'g-.')).
CURVE_KEYS = ("train_loss", "train_acc", "test_acc")
LABELS = {"train_loss": "train loss", "train_acc": "train acc", "test_acc": "test acc"}
STYLES = {"train_loss": {"color": "C0", "linestyle": "-"},
          "train_acc": {"color": "m", "linestyle": "--"},
          "test_acc": {"color": "g", "linestyle": "-."}}
PLOT_LIMIT = 1e6     # larger magnitudes are reported, not drawn (they would flatten every other line)
MAX_POINTS = 1000
DPI = 100
PAIR_MARGINS = dict(left=0.085, right=0.975, bottom=0.17, top=0.83, wspace=0.06)
SINGLE_MARGINS = dict(left=0.16, right=0.96, bottom=0.17, top=0.83)


@dataclass(frozen=True)
class Series:
    """One curve cleaned for plotting: ``values`` holds NaN where a point cannot be drawn."""

    key: str
    values: tuple[float, ...]
    problems: tuple[str, ...]


def _as_float(value: Any) -> float:
    if isinstance(value, bool):
        return math.nan
    try:
        return float(value)
    except (TypeError, ValueError, OverflowError):
        return math.nan


def _epochs(indices: list[int]) -> str:
    """``[1, 2, 3, 7]`` -> ``"epochs 1-3, 7"`` (1-based)."""
    spans: list[list[int]] = []
    for i in indices:
        if spans and i == spans[-1][1] + 1:
            spans[-1][1] = i
        else:
            spans.append([i, i])
    text = ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in spans[:6])
    more = ", ..." if len(spans) > 6 else ""
    return ("epoch " if len(indices) == 1 else "epochs ") + text + more


def clean_series(key: str, raw: Any) -> Series:
    """The plottable points of ``raw`` (any value a report may hold) and what is wrong with it."""
    label = LABELS.get(key, key)
    if not isinstance(raw, (list, tuple)):
        return Series(key, (), (f"{label} is not a list of numbers",))
    problems = []
    if len(raw) > MAX_POINTS:
        problems.append(f"{label}: only the first {MAX_POINTS} of {len(raw)} epochs are drawn")
    numbers = [_as_float(v) for v in raw[:MAX_POINTS]]
    if not numbers:
        problems.append(f"{label} has no values")
    kinds: dict[str, list[int]] = {}
    for epoch, x in enumerate(numbers, start=1):
        if math.isnan(x):
            kinds.setdefault("nan (or not a number)", []).append(epoch)
        elif math.isinf(x):
            kinds.setdefault("inf" if x > 0 else "-inf", []).append(epoch)
        elif abs(x) > PLOT_LIMIT:
            kinds.setdefault(f"beyond ±{PLOT_LIMIT:g}, too large to draw", []).append(epoch)
    for kind, epochs in kinds.items():
        problems.append(f"{label} is {kind} in {_epochs(epochs)}")
    drawn = tuple(x if math.isfinite(x) and abs(x) <= PLOT_LIMIT else math.nan for x in numbers)
    return Series(key, drawn, tuple(problems))


def clean_curves(curves: Any) -> dict[str, Series]:
    """Every known curve in ``curves`` (a mapping from CURVE_KEYS to lists), cleaned."""
    if not isinstance(curves, Mapping):
        return {}
    return {key: clean_series(key, curves[key]) for key in CURVE_KEYS if key in curves}


def curve_problems(curves: Any, expected: Any = None) -> list[str]:
    """In words: missing curves (those ``expected`` has), unplottable points, unequal lengths."""
    if curves is not None and not isinstance(curves, Mapping):
        return ["the training curves are not a mapping of lists"]
    cleaned = clean_curves(curves)
    problems = [p for series in cleaned.values() for p in series.problems]
    if isinstance(expected, Mapping):
        missing = [LABELS[k] for k in CURVE_KEYS if k in expected and k not in cleaned]
        if missing:
            problems.append(f"no {', '.join(missing)} was recorded")
    lengths = {LABELS[k]: len(s.values) for k, s in cleaned.items() if s.values}
    if len(set(lengths.values())) > 1:
        problems.append("the curves have different lengths: "
                        + ", ".join(f"{label} {n} epochs" for label, n in lengths.items()))
    return problems


def _finite(series: dict[str, Series]) -> list[float]:
    return [x for s in series.values() for x in s.values if math.isfinite(x)]


def _draw_panel(ax, series: dict[str, Series], owner: str, subtitle: str, legend: bool) -> None:
    for key, s in series.items():
        epochs = np.arange(1, len(s.values) + 1)
        drawable = any(math.isfinite(x) for x in s.values)
        label = LABELS[key] if drawable else f"{LABELS[key]} (nothing finite)"
        ax.plot(epochs, np.asarray(s.values, dtype=float), label=label,
                marker="o" if len(s.values) <= 20 else "", markersize=3, linewidth=1.5, gid=f"{owner}:{key}", **STYLES[key])
    if not _finite(series):
        ax.text(0.5, 0.5, "no finite values to draw", transform=ax.transAxes, ha="center",
                va="center", color="0.4", fontsize=9)
    ax.set_title(subtitle, fontsize=9)
    ax.set_xlabel("epoch")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(True)
    if series and legend:
        ax.legend(fontsize=7, loc="best")


def plot_training_curves(student: Any, reference: Any = None, title: str = "") -> Figure:
    """A Figure with the student's curves (left) and, if given, the reference's (right).

    The panels share both axes; the y axis is logarithmic when every drawn value is positive and
    they span more than two decades (as the book plots weight decay). Lines carry
    ``gid="student:<key>"`` / ``"reference:<key>"``.
    """
    mine = clean_curves(student)
    theirs = clean_curves(reference) if reference is not None else None
    with matplotlib.style.context("default"):
        fig = Figure(figsize=(7.0, 2.8) if theirs is not None else (3.8, 2.8), dpi=DPI)
        FigureCanvasAgg(fig)
        ncols = 2 if theirs is not None else 1
        axes = fig.subplots(1, ncols, sharex=True, sharey=True, squeeze=False)[0]
        _draw_panel(axes[0], mine, "student", "your code", legend=True)
        if theirs is not None:  # same styles: the left panel's legend serves both
            _draw_panel(axes[1], theirs, "reference", "reference parts, same seed",
                        legend=set(theirs) != set(mine))
        values = _finite(mine) + (_finite(theirs) if theirs else [])
        lengths = [len(s.values) for group in (mine, theirs or {}) for s in group.values()]
        axes[0].set_xlim(0.8, max([2, *lengths]) + 0.2)
        if values and min(values) > 0 and max(values) / min(values) > 100:
            axes[0].set_yscale("log")
            axes[0].yaxis.set_major_locator(LogLocator(numticks=6))
            # Plain labels (0.01, 1, 100): the default 10^k ones are mathtext, parsed and laid
            # out glyph by glyph, and cost the log figures a third of their drawing time.
            axes[0].yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
        else:
            axes[0].yaxis.set_major_locator(MaxNLocator(5))
        # No minor ticks: a log axis made about 60 of them a figure, a third of its drawing time.
        axes[0].yaxis.set_minor_locator(NullLocator())
        fig.suptitle(title, fontsize=10)
        # Fixed margins, not tight_layout: that draws the figure once more to measure it, and
        # was 40 % of a grading's feedback pages (20 figures a student).
        fig.subplots_adjust(**(PAIR_MARGINS if theirs is not None else SINGLE_MARGINS))
    return fig


def figure_png(fig: Figure) -> bytes:
    """The figure as PNG bytes, with no metadata (so equal figures give equal bytes)."""
    buffer = io.BytesIO()
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def training_curves_png(student: Any, reference: Any = None, title: str = "") -> bytes:
    """``plot_training_curves`` rendered to PNG bytes."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return figure_png(plot_training_curves(student, reference, title))
