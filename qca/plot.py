"""Plots for QCA: XY plots of set relations and solutions, Venn diagrams of truth tables,
truth-table heatmaps and prime-implicant charts.

Every function draws on the ``ax`` it is given, or on a new pyplot figure, and returns the
:class:`matplotlib.axes.Axes` (an array of them for :func:`xy_plot_solution`), as pandas and
seaborn do: in Jupyter the plot shows inline, in a script ``plt.show()`` shows it, and
``ax.figure.savefig(...)`` saves it. Library code never selects a backend nor changes
rcParams; pyplot is imported only when a new figure is needed.

References
----------
Ragin, C. C. (2008). *Redesigning Social Inquiry*, ch. 3 (XY plots). University of Chicago Press.
Dusa, A. (2019). *QCA with R*, sections 5.2 and 7.4 (XY plots, Venn diagrams). Springer.
Grünbaum, B. (1975). Venn diagrams and independent families of sets. *Mathematics Magazine*
48(1), 12-23 (a five-set Venn diagram made of congruent ellipses).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Ellipse, Patch, Rectangle

from .exceptions import QCAError
from .expressions import evaluate
from .fit import necessity, sufficiency
from .truth_table import TruthTable

__all__ = ["xy_plot", "xy_plot_solution", "pi_chart_plot", "venn", "truth_table_heatmap", "OUT_COLORS"]

#: Fill colour of Venn regions by the OUT value of their truth-table row: three colours of the
#: Okabe & Ito (2008) colour-blind-safe palette (sky blue, orange, reddish purple) for the observed
#: rows, light grey for the remainders (rows without cases), so that none is the page's white.
OUT_COLORS = {"1": "#56B4E9", "0": "#E69F00", "C": "#CC79A7", "?": "#DDDDDD"}

# Ellipses (centre x, centre y, semi-axis a, semi-axis b, rotation in degrees) for k sets,
# chosen so that every one of the 2^k regions exists and is reasonably large.
_R5, _A5, _B5, _PSI5 = 0.41, 1.85, 1.17, 21.1
_SHAPES: dict[int, list[tuple[float, float, float, float, float]]] = {
    1: [(0.0, 0.0, 1.2, 1.2, 0.0)],
    2: [(-0.55, 0.0, 1.1, 1.1, 0.0), (0.55, 0.0, 1.1, 1.1, 0.0)],
    3: [
        (0.6 * np.cos(np.deg2rad(a)), 0.6 * np.sin(np.deg2rad(a)), 1.05, 1.05, 0.0)
        for a in (150.0, 30.0, 270.0)
    ],
    4: [
        (-0.377, -0.615, 2.12, 0.996, -42.2),
        (-0.061, 0.167, 2.12, 0.996, -42.2),
        (0.061, 0.167, 2.12, 0.996, 42.2),
        (0.377, -0.615, 2.12, 0.996, 42.2),
    ],
    5: [
        (
            _R5 * np.cos(np.deg2rad(90 + 72 * i)),
            _R5 * np.sin(np.deg2rad(90 + 72 * i)),
            _A5,
            _B5,
            90 + 72 * i + _PSI5,
        )
        for i in range(5)
    ],
}


def _new_axes(ax: Axes | None, figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    """The given Axes, or one on a new pyplot figure (shown by ``plt.show()`` / Jupyter)."""
    if ax is not None:
        if not isinstance(ax, Axes):
            raise QCAError(f"ax must be a matplotlib Axes; got {type(ax).__name__}")
        return ax.figure, ax  # type: ignore[return-value]
    import matplotlib.pyplot as plt

    fig, new = plt.subplots(figsize=figsize)
    return fig, new


def _membership(
    value: str | np.ndarray | pd.Series | Sequence[float], data: pd.DataFrame | None, what: str
) -> tuple[np.ndarray, str]:
    if isinstance(value, str):
        if data is None:
            raise QCAError(f"{what} given as an expression ({value!r}) needs data=")
        return evaluate(value, data), value
    name = str(value.name) if isinstance(value, pd.Series) and value.name is not None else what
    arr = np.asarray(value, dtype=float)
    if arr.ndim != 1:
        raise QCAError(f"{what} must be one-dimensional; got shape {arr.shape}")
    if np.isnan(arr).any() or (arr < 0).any() or (arr > 1).any():
        raise QCAError(f"{what} must hold memberships in [0, 1] without missing values")
    return arr, name


def xy_plot(
    x: str | np.ndarray | pd.Series | Sequence[float],
    y: str | np.ndarray | pd.Series | Sequence[float],
    data: pd.DataFrame | None = None,
    relation: str = "sufficiency",
    labels: bool | Sequence[str] = False,
    ax: Axes | None = None,
    title: str | None = None,
    figsize: tuple[float, float] = (5.5, 5.5),
    **scatter_kw: Any,
) -> Axes:
    """XY plot of a set relation: memberships in X (horizontal) against Y (vertical).

    Cases above the diagonal are consistent with sufficiency (X <= Y), cases below it with
    necessity (X >= Y). The title reports inclS / PRI / covS (sufficiency) or inclN / RoN /
    covN (necessity).

    Parameters
    ----------
    x, y : expression string (with ``data``) or membership arrays
        E.g. ``xy_plot("DEV*~IND + URB*STB", "SURV", data=LF)``.
    data : DataFrame, optional
    relation : {"sufficiency", "necessity"}
    labels : bool or sequence of str
        Annotate points with the case names (``data.index``) or the labels given.
    ax : matplotlib Axes, optional
        Draw here instead of on a new figure.
    title : str, optional
        Overrides the default title.
    **scatter_kw
        Passed to ``Axes.scatter``.

    Returns
    -------
    Axes

    References
    ----------
    Ragin, C. C. (2008). *Redesigning Social Inquiry*, ch. 3. University of Chicago Press.
    """
    rel = relation.lower() if isinstance(relation, str) else ""
    if rel in ("suf", "sufficiency"):
        rel = "sufficiency"
    elif rel in ("nec", "necessity"):
        rel = "necessity"
    else:
        raise QCAError(f"relation must be 'sufficiency' or 'necessity'; got {relation!r}")
    xm, xname = _membership(x, data, "x")
    ym, yname = _membership(y, data, "y")
    if xm.size != ym.size:
        raise QCAError(f"x has {xm.size} cases but y has {ym.size}")
    fig, ax = _new_axes(ax, figsize)
    kw = {"s": 28, "color": "#2b6ca3", "alpha": 0.8, "zorder": 3, **scatter_kw}
    ax.plot([0, 1], [0, 1], color="#888888", lw=1, zorder=1)
    ax.scatter(xm, ym, **kw)
    if labels is not False and labels is not None:
        if labels is True:
            if data is None:
                raise QCAError("labels=True needs data= (case names are its index)")
            names = [str(i) for i in data.index]
        else:
            names = [str(s) for s in labels]
        if len(names) != xm.size:
            raise QCAError(f"labels has {len(names)} names for {xm.size} cases")
        for xi, yi, name in zip(xm, ym, names):
            ax.annotate(name, (xi, yi), xytext=(3, 3), textcoords="offset points", fontsize=7)
    if rel == "sufficiency":
        f = sufficiency(xm, ym)
        stats_text = f"inclS {f['inclS']:.3f}   PRI {f['PRI']:.3f}   covS {f['covS']:.3f}"
    else:
        f = necessity(xm, ym)
        stats_text = f"inclN {f['inclN']:.3f}   RoN {f['RoN']:.3f}   covN {f['covN']:.3f}"
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_aspect("equal")
    ax.set_xlabel(xname)
    ax.set_ylabel(yname)
    ax.set_title(title if title is not None else f"{xname} {'->' if rel == 'sufficiency' else '<-'} {yname}\n"
                 f"{stats_text}", fontsize=10)
    ax.grid(True, color="#eeeeee", zorder=0)
    return ax


def _inside(shape: tuple[float, float, float, float, float], gx: np.ndarray, gy: np.ndarray) -> np.ndarray:
    cx, cy, a, b, theta = shape
    t = np.deg2rad(theta)
    dx, dy = gx - cx, gy - cy
    u = dx * np.cos(t) + dy * np.sin(t)
    v = -dx * np.sin(t) + dy * np.cos(t)
    return (u / a) ** 2 + (v / b) ** 2 <= 1.0


def venn(
    tt: TruthTable,
    labels: str = "counts",
    ax: Axes | None = None,
    resolution: int = 500,
    colors: dict[str, str] | None = None,
    figsize: tuple[float, float] = (6.5, 6.5),
) -> Axes:
    """Venn diagram of a truth table for one to five crisp or fuzzy conditions.

    Each region is a truth-table row (a configuration): inside a condition's shape the
    condition is present, outside it absent; the area outside every shape is the row with all
    conditions absent; the frame is the universe. Regions are coloured by OUT (positive,
    negative, contradiction, remainder; :data:`OUT_COLORS`, colour-blind safe, with a legend)
    and labelled with the number of cases, the row number, or both.

    Parameters
    ----------
    tt : TruthTable
    labels : {"counts", "rows", "both", "none"}
    ax : matplotlib Axes, optional
    resolution : int
        Grid points per side used to colour and label the regions.
    colors : dict, optional
        Colours by OUT value, defaults to :data:`OUT_COLORS`.

    Returns
    -------
    Axes

    Raises
    ------
    QCAError
        More than five conditions, multi-value conditions, or bad arguments.

    References
    ----------
    Dusa, A. (2019). *QCA with R*, section 7.4. Springer.
    Grünbaum, B. (1975). Venn diagrams and independent families of sets. *Mathematics
    Magazine* 48(1), 12-23.
    """
    from scipy import ndimage

    if not isinstance(tt, TruthTable):
        raise QCAError(f"venn needs a TruthTable (from qca.truth_table); got {type(tt).__name__}")
    k = len(tt.conditions)
    if k > 5:
        raise QCAError(f"venn draws at most 5 conditions; the truth table has {k}")
    if tt.multivalue:
        raise QCAError("venn needs crisp or fuzzy (two-level) conditions; the truth table is multi-value")
    if labels not in ("counts", "rows", "both", "none"):
        raise QCAError(f"labels must be 'counts', 'rows', 'both' or 'none'; got {labels!r}")
    if not isinstance(resolution, int) or resolution < 50:
        raise QCAError(f"resolution must be a whole number >= 50; got {resolution!r}")
    palette = {**OUT_COLORS, **(colors or {})}
    shapes = _SHAPES[k]
    ext = 3.2 if k >= 4 else 2.4
    grid = np.linspace(-ext, ext, resolution)
    gx, gy = np.meshgrid(grid, grid)
    code = np.zeros(gx.shape, dtype=np.int64)
    for i, shape in enumerate(shapes):
        code |= _inside(shape, gx, gy).astype(np.int64) << (k - 1 - i)  # first condition = top bit
    out = tt.rows["OUT"].to_dict()
    counts = tt.rows["n"].to_dict()
    from matplotlib.colors import to_rgba

    lut = np.array([to_rgba(palette[out.get(c + 1, "?")]) for c in range(2**k)])
    fig, ax = _new_axes(ax, figsize)
    ax.imshow(lut[code], origin="lower", extent=(-ext, ext, -ext, ext), interpolation="nearest", zorder=0)
    for i, (cx, cy, a, b, theta) in enumerate(shapes):
        ellipse = Ellipse((cx, cy), 2 * a, 2 * b, angle=theta, fill=False, lw=1.4, color="#333333", zorder=2)
        ax.add_patch(ellipse)
        # Name outside the shape, along the line from the origin through its centre.
        direction = np.array([cx, cy])
        norm = np.hypot(*direction)
        if norm < 1e-9:
            direction, norm = np.array([0.0, 1.0]), 1.0
        direction = direction / norm
        point = np.array([cx, cy])
        while _inside(shapes[i], np.array([point[0]]), np.array([point[1]]))[0] and np.abs(point).max() < ext:
            point = point + 0.05 * direction
        point = np.clip(point + 0.15 * direction, -ext + 0.2, ext - 0.2)
        ax.text(point[0], point[1], tt.conditions[i], ha="center", va="center", fontsize=11,
                fontweight="bold", zorder=4)
    if labels != "none":
        size = 8 if k <= 4 else 6.5
        for c in range(2**k):
            mask = code == c
            if not mask.any():
                continue
            dist = ndimage.distance_transform_edt(np.pad(mask, 1))[1:-1, 1:-1]
            r, col = np.unravel_index(np.argmax(dist), dist.shape)
            row = c + 1
            n = int(counts.get(row, 0))
            text = {"counts": f"{n}", "rows": f"{row}", "both": f"{row}\nn={n}"}[labels]
            ax.text(grid[col], grid[r], text, ha="center", va="center", fontsize=size, zorder=3)
    # The frame is the universe: outside every shape lies the row with all conditions absent.
    ax.add_patch(Rectangle((-ext, -ext), 2 * ext, 2 * ext, fill=False, lw=1.0, color="#333333", zorder=2))
    ax.set_xlim(-ext * 1.01, ext * 1.01)
    ax.set_ylim(-ext * 1.01, ext * 1.01)
    ax.set_aspect("equal")
    ax.set_axis_off()
    handles = [
        Patch(facecolor=palette[v], edgecolor="#333333", label=name)
        for v, name in (("1", "OUT = 1"), ("0", "OUT = 0"), ("C", "contradiction"),
                        ("?", "remainder (no cases)"))
    ]
    ax.legend(handles=handles, loc="upper center", ncol=4, fontsize=8, frameon=False,
              bbox_to_anchor=(0.5, 0.0), handlelength=1.2, columnspacing=1.0)
    ax.set_title(f"Truth table for {tt.outcome}", fontsize=11)
    return ax


def truth_table_heatmap(
    tt: TruthTable,
    ax: Axes | None = None,
    cmap: str = "Blues",
    annotate: bool = True,
    figsize: tuple[float, float] | None = None,
) -> Axes:
    """Heatmap of a truth table: one line per listed row, one column per condition, plus incl and PRI.

    Condition cells show the row's value (colour scaled to the number of levels), the incl and
    PRI cells their value; the row labels give the row number, OUT and n. Drawn with seaborn,
    the optional extra ``pip install "qcasim[plot]"`` (the one function of qcasim that uses it).

    Parameters
    ----------
    tt : TruthTable
    ax : matplotlib Axes, optional
    cmap : str
        Colormap name.
    annotate : bool
        Write the values in the cells.

    Returns
    -------
    Axes

    References
    ----------
    Ragin, C. C. (2008). *Redesigning Social Inquiry*, ch. 7. University of Chicago Press.
    """
    try:
        import seaborn as sns
    except ImportError:
        raise QCAError('truth_table_heatmap needs seaborn, which is not installed: '
                       'pip install "qcasim[plot]"') from None
    if not isinstance(tt, TruthTable):
        raise QCAError(f"truth_table_heatmap needs a TruthTable; got {type(tt).__name__}")
    rows = tt.rows
    if rows.empty:
        raise QCAError("the truth table lists no rows")
    conds = list(tt.conditions)
    scale = np.asarray([max(lv - 1, 1) for lv in tt.levels], dtype=float)
    values = rows[conds].to_numpy(dtype=float) / scale
    fit = rows[["incl", "PRI"]].to_numpy(dtype=float)
    matrix = pd.DataFrame(
        np.hstack([values, fit]),
        columns=[*conds, "incl", "PRI"],
        index=[f"{r}  {o}  n={n}" for r, o, n in zip(rows.index, rows["OUT"], rows["n"])],
    )
    annot = None
    if annotate:
        annot = np.hstack([
            rows[conds].to_numpy().astype(int).astype(str),
            np.vectorize(lambda v: "-" if np.isnan(v) else f"{v:.2f}")(fit),
        ])
    if figsize is None:
        figsize = (1.0 + 0.7 * matrix.shape[1], 1.0 + 0.3 * matrix.shape[0])
    fig, ax = _new_axes(ax, figsize)
    sns.heatmap(matrix, ax=ax, cmap=cmap, vmin=0, vmax=1, annot=annot, fmt="", cbar=False,
                linewidths=0.5, linecolor="white", annot_kws={"fontsize": 8})
    ax.axvline(len(conds), color="#333333", lw=1.5)
    ax.set_ylabel("row  OUT  n")
    ax.set_title(f"Truth table for {tt.outcome}", fontsize=11)
    ax.tick_params(axis="y", labelsize=8, rotation=0)
    return ax


def xy_plot_solution(
    solution: Any,
    model: int = 0,
    data: pd.DataFrame | None = None,
    terms: bool = True,
    labels: bool = False,
    axes: Sequence[Axes] | np.ndarray | None = None,
    size: float = 3.6,
    **scatter_kw: Any,
) -> np.ndarray:
    """XY plots of a model against its outcome: the whole model, then each of its terms.

    The sufficiency plot of R's ``XYplot`` for a minimization result, one panel per set:
    cases above the diagonal are consistent with sufficiency; titles give inclS, PRI, covS.

    Parameters
    ----------
    solution : Solution or Model
        From :func:`qca.minimize` (then ``model`` picks the tied model) or one of its models.
    model : int
        Index of the tied model of a Solution (0 = M1).
    data : DataFrame, optional
        Other cases with the condition columns and the outcome column; defaults to the
        truth table's cases (memberships from :meth:`qca.Model.membership`).
    terms : bool
        Add one panel per term after the model's panel.
    labels : bool
        Annotate points with the case names.
    axes : sequence of Axes, optional
        Draw on these (one per panel) instead of a new figure.
    size : float
        Inches per panel of a new figure.

    Returns
    -------
    numpy.ndarray of Axes
        The model's panel first, then one per term.
    """
    chosen = _pick_model(solution, model)
    tt = chosen.truth_table
    if data is None:
        y = np.asarray(tt.outcome_membership, dtype=float)
        index = tt.case_index
    else:
        y = evaluate(tt.outcome, data)
        index = data.index
    sets = [(str(chosen), chosen.membership(data).to_numpy())]
    if terms and len(chosen.terms) > 1:
        tm = chosen.term_memberships(data)
        sets += [(t, tm[t].to_numpy()) for t in chosen.terms]
    n = len(sets)
    if axes is None:
        import matplotlib.pyplot as plt

        cols = min(n, 3)
        rows = -(-n // cols)
        _, grid = plt.subplots(rows, cols, figsize=(size * cols, size * rows), squeeze=False)
        flat = list(grid.ravel())
        for extra in flat[n:]:
            extra.set_visible(False)
    else:
        flat = list(np.ravel(np.asarray(axes, dtype=object)))
        if len(flat) < n:
            raise QCAError(f"axes: {n} panels needed (model + {n - 1} terms); got {len(flat)} Axes")
    names = [str(i) for i in index] if labels else False
    for (name, xm), ax in zip(sets, flat):
        xy_plot(xm, y, labels=names, ax=ax, **scatter_kw)
        ax.set_xlabel(name if len(name) <= 40 else name[:37] + "...")
        ax.set_ylabel(tt.outcome)
        stats = ax.get_title().split("\n", 1)[-1]
        ax.set_title(f"{name} -> {tt.outcome}\n{stats}", fontsize=9)
    return np.asarray(flat[:n], dtype=object)


def _pick_model(solution: Any, model: int) -> Any:
    if hasattr(solution, "models") and hasattr(solution, "prime_implicants"):
        if not solution.models:
            raise QCAError("the solution has no model to plot")
        if not isinstance(model, int) or not 0 <= model < len(solution.models):
            raise QCAError(f"model must be an index 0..{len(solution.models) - 1}; got {model!r}")
        return solution.models[model]
    if hasattr(solution, "terms") and hasattr(solution, "membership"):
        return solution
    raise QCAError(f"expected a Solution or Model from qca.minimize; got {type(solution).__name__}")


def pi_chart_plot(solution: Any, ax: Axes | None = None, essential: bool = True) -> Axes:
    """The prime-implicant chart as a grid: implicants (rows) x positive truth-table rows.

    A filled cell (marked ``x``) means the implicant covers the row, as R's ``PIchart``
    prints it; with ``essential`` the implicants in every tied model are drawn darker.

    Parameters
    ----------
    solution : Solution
        From :func:`qca.minimize`.
    ax : Axes, optional

    Returns
    -------
    Axes
    """
    if not (hasattr(solution, "pi_chart") and hasattr(solution, "essential")):
        raise QCAError(f"pi_chart_plot needs a Solution from qca.minimize; got {type(solution).__name__}")
    chart = solution.pi_chart
    if chart.empty:
        raise QCAError("the solution has no prime implicant chart to plot")
    cells = chart.to_numpy().astype(float)
    if essential:
        core = np.isin(chart.index, list(solution.essential))
        cells[core] *= 2.0
    n_pi, n_rows = cells.shape
    new = ax is None
    _, ax = _new_axes(ax, (2.5 + 0.45 * n_rows, 1.0 + 0.32 * n_pi))
    from matplotlib.colors import ListedColormap

    ax.imshow(cells, cmap=ListedColormap(["#ffffff", "#9ecae1", "#3182bd"]), vmin=0, vmax=2, aspect="auto")
    for i, j in zip(*np.nonzero(cells)):
        ax.text(j, i, "x", ha="center", va="center", fontsize=8)
    ax.set_xticks(range(n_rows), [str(c) for c in chart.columns], fontsize=8)
    ax.set_yticks(range(n_pi), list(chart.index), fontsize=8)
    ax.set_xticks(np.arange(-0.5, n_rows), minor=True)
    ax.set_yticks(np.arange(-0.5, n_pi), minor=True)
    ax.grid(which="minor", color="#cccccc", lw=0.5)
    ax.tick_params(which="minor", length=0)
    ax.set_xlabel("positive truth-table row")
    ax.set_title(f"Prime implicant chart for {solution.truth_table.outcome}", fontsize=11)
    if new:
        ax.figure.tight_layout()
    return ax
