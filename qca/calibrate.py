"""Calibration of raw data into crisp or fuzzy set memberships.

Two public functions:

* :func:`calibrate` -- the direct method (logistic, linear / power s-shapes, bell and inverse-bell
  shapes, crisp and multi-value recoding) and the indirect method of Ragin (2008);
* :func:`find_thresholds` -- crisp thresholds found by hierarchical clustering of the raw values.

The numbers follow the semantics documented for ``calibrate()`` and ``findTh()`` in the R package
QCA (Dusa 2019); the code here is an independent implementation from the published formulas.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Mapping, Sequence
from typing import Literal, TypeAlias

import numpy as np
import pandas as pd
from scipy.special import expit

from ._validation import public_api
from .exceptions import QCAError

__all__ = ["calibrate", "find_thresholds"]

ArrayLike1D: TypeAlias = Sequence[float] | np.ndarray | pd.Series
Thresholds = float | Sequence[float] | Mapping[str, float] | str | np.ndarray

_S_NAMES = ("e", "c", "i")
_BELL_NAMES = ("e1", "c1", "i1", "i2", "c2", "e2")

# R's hclust() / dist() method names mapped to their scipy equivalents (1-D data).
_LINKAGES = {
    "single": "single",
    "complete": "complete",
    "average": "average",
    "weighted": "weighted",
    "mcquitty": "weighted",
    "ward": "ward",
    "ward.D2": "ward",
}
_METRICS = {
    "euclidean": "euclidean",
    "manhattan": "cityblock",
    "cityblock": "cityblock",
    "maximum": "chebyshev",
    "chebyshev": "chebyshev",
    "canberra": "canberra",
}


# --------------------------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------------------------


@public_api
def calibrate(
    x: ArrayLike1D,
    type: Literal["fuzzy", "crisp"] = "fuzzy",
    thresholds: Thresholds | None = None,
    *,
    method: Literal["direct", "indirect", "TFR"] = "direct",
    logistic: bool = True,
    idm: float = 0.95,
    ecdf: bool = False,
    below: float = 1.0,
    above: float = 1.0,
    targets: ArrayLike1D | None = None,
) -> np.ndarray | pd.Series:
    """Calibrate raw values into crisp levels or fuzzy set memberships.

    Parameters
    ----------
    x : 1-D array-like or pandas.Series
        Raw numeric values (interval or ratio scale), one per case; no missing values.
        A Series keeps its index and name in the result.
    type : {"fuzzy", "crisp"}, default "fuzzy"
        ``"crisp"`` recodes ``x`` into levels 0, 1, ..., k for k thresholds: a value at or above
        the j-th (sorted) threshold gets level j. ``"fuzzy"`` returns memberships in [0, 1].
    thresholds : number, sequence, mapping or str
        The qualitative anchors. For ``type="fuzzy"`` and the direct method:

        * 3 anchors ``(e, c, i)`` -- full exclusion, crossover, full inclusion. The set is
          increasing when ``e < c < i`` and decreasing when ``i < c < e``.
        * 6 anchors ``(e1, c1, i1, i2, c2, e2)`` -- a bell shape when
          ``e1 < c1 < i1 <= i2 < c2 < e2`` (membership rises to 1 and falls again), or an
          inverse bell when the names are swapped, ``i1 < c1 < e1 <= e2 < c2 < i2``.

        Anchors may be given positionally (a sequence, or a string ``"165, 175, 185"``) or by
        name (a mapping, or a string ``"e=165, c=175, i=185"``, as in R). For ``type="crisp"``
        and for the indirect method: one or more strictly increasing cut points.
    method : {"direct", "indirect", "TFR"}, default "direct"
        ``"indirect"`` (fuzzy only) fits a fractional-polynomial logit model of target
        memberships on ``x`` and returns the fitted memberships (Ragin 2008, ch. 5), as R does:
        the linear predictor is ``b0 + b1 log(x) + b2 sqrt(x) + b3 x + b4 x^2`` (``x`` > 0; a 0
        is read as 1e-5), fitted by quasi-binomial maximum likelihood (IRLS, R's ``glm``
        settings), rounded to 6 decimals. The targets are either given per case in
        ``targets`` or derived from ``thresholds``: the k cut points split ``x`` into k + 1
        ordered groups (a value strictly above the j-th cut point is in group j) scored
        0, 1/k, ..., 1 (rounded to 3 decimals, as R). ``"TFR"`` (Totally Fuzzy and Relative,
        Cheli & Lemmi 1995) calibrates an ordinal scale such as a Likert item by its empirical
        distribution function F: ``(F(x) - F(lowest)) / (1 - F(lowest))``.
    logistic : bool, default True
        3-anchor fuzzy sets only: use the logistic function (log-odds of membership linear in
        ``x`` on each side of the crossover). If False, use the piecewise power function shaped
        by ``below`` and ``above`` (linear when both are 1). Bell shapes (6 anchors) always use
        the power function, as in R, so ``logistic`` is ignored for them.
    idm : float, default 0.95
        Inclusion degree of membership for the logistic function: the membership at the
        inclusion anchor (the exclusion anchor gets ``1 - idm``). Must lie in (0.5, 1).
        Ragin's published calibrations (e.g. R's LF and CVF data) use log-odds of exactly +-3 at
        the anchors, i.e. ``idm = 1 / (1 + exp(-3)) = 0.9525741``; the default 0.95 gives
        log-odds +-2.944 and memberships that differ in the third decimal.
    ecdf : bool, default False
        3-anchor fuzzy sets with ``logistic=False``: follow the empirical cumulative
        distribution function F of the values of ``x`` that lie within the anchors instead of
        a power function: ``F(x) / F(c) / 2`` between ``e`` and ``c`` and
        ``1 - (1 - F(x)) / (1 - F(c)) / 2`` between ``c`` and ``i`` (mirrored for a decreasing
        set), as R's ``ecdf = TRUE``.
    below, above : float, default 1.0
        Positive exponents of the power function on the out-of-set side of the crossover
        (memberships below 0.5) and on the in-set side (above 0.5): 1 is linear, values above
        1 concentrate and values below 1 dilate.
    targets : 1-D array-like, optional
        Indirect method only: qualitative target membership of each case, in [0, 1].

    Returns
    -------
    numpy.ndarray or pandas.Series
        ``int64`` levels for ``type="crisp"``, ``float64`` memberships for ``type="fuzzy"``;
        a Series with the index and name of ``x`` when ``x`` is a Series.

    Raises
    ------
    QCAError
        For non-numeric, missing or infinite ``x``; anchors in the wrong number, order or names;
        unsorted or repeated crisp thresholds; ``idm`` outside (0.5, 1); non-positive
        ``below`` / ``above``; bad indirect targets.

    Notes
    -----
    With ``L = log(idm / (1 - idm))`` the logistic membership of an increasing set is
    ``1 / (1 + exp(-L (x - c) / (i - c)))`` for ``x >= c`` and
    ``1 / (1 + exp(-L (x - c) / (c - e)))`` for ``x < c`` (Ragin 2008, pp. 89-94), so that
    ``e -> 1 - idm``, ``c -> 0.5`` and ``i -> idm``. The power function is 0 beyond ``e``,
    ``0.5 ((e - x) / (e - c)) ** below`` between ``e`` and ``c``,
    ``1 - 0.5 ((i - x) / (i - c)) ** above`` between ``c`` and ``i`` and 1 beyond ``i``
    (Dusa 2019, ch. 4). Decreasing sets use the same expressions with the anchors reversed, so
    a decreasing set is the complement of the increasing set with mirrored anchors.

    As R, fuzzy memberships below 0.0001 are returned as exactly 0 and above 0.9999 as
    exactly 1 (direct, ecdf and indirect methods).

    Differences from R's ``calibrate``: crisp thresholds must be strictly increasing
    (unsorted or repeated thresholds raise :class:`QCAError` instead of being sorted
    silently); positional anchors are always read in the name order ``(e, c, i)`` /
    ``(e1, c1, i1, i2, c2, e2)``; ``ecdf=True`` together with ``logistic=True`` is an error
    (R silently uses the logistic function); with ``ecdf`` the distribution is always that of
    the values within the anchors (R's code drops nothing, and fails, when no value lies
    outside them); ``TFR`` measures from the lowest observed value, where R measures from 1
    (the same for scales that start at 1 with the lowest category observed); the indirect
    method accepts per-case ``targets`` (R has none) and raises :class:`QCAError` for
    negative ``x`` (R's logarithm gives NaN).

    References
    ----------
    .. [1] Ragin, C. C. (2008). *Redesigning Social Inquiry: Fuzzy Sets and Beyond*, ch. 5
       "Calibrating fuzzy sets". University of Chicago Press.
    .. [2] Ragin, C. C. (2008). "Fuzzy sets: calibration versus measurement". In
       Box-Steffensmeier, Brady and Collier (eds), *The Oxford Handbook of Political
       Methodology*, pp. 87-121. Oxford University Press.
    .. [3] Dusa, A. (2019). *QCA with R: A Comprehensive Resource*, ch. 4 "Calibration".
       Springer; and the documentation of ``calibrate()`` in the R package QCA (3.x).
    .. [4] Cheli, B., & Lemmi, A. (1995). A "totally" fuzzy and relative approach to the
       multidimensional analysis of poverty. *Economic Notes* 24(1), 115-134.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.arange(155, 200, 5)
    >>> calibrate(x, thresholds="e=165, c=175, i=185").round(4).tolist()
    [0.0028, 0.0119, 0.05, 0.1866, 0.5, 0.8134, 0.95, 0.9881, 0.9972]
    >>> calibrate(x, thresholds=[165, 175, 185], logistic=False).tolist()
    [0.0, 0.0, 0.0, 0.25, 0.5, 0.75, 1.0, 1.0, 1.0]
    >>> calibrate(x, "crisp", thresholds=[170, 180]).tolist()
    [0, 0, 0, 1, 1, 2, 2, 2, 2]
    """
    values, index, name = _check_x(x)
    if type not in ("fuzzy", "crisp"):
        raise QCAError(f'type must be "fuzzy" or "crisp"; got {type!r}')
    if method not in ("direct", "indirect", "TFR"):
        raise QCAError(f'method must be "direct", "indirect" or "TFR"; got {method!r}')
    if ecdf and (method != "direct" or type != "fuzzy"):
        raise QCAError('ecdf=True applies to type="fuzzy", method="direct" only')

    if type == "crisp":
        if method != "direct":
            raise QCAError(f'method="{method}" produces fuzzy sets; use type="fuzzy"')
        if targets is not None:
            raise QCAError('targets is used only with method="indirect"')
        cuts = _check_cuts(thresholds, "crisp calibration")
        return _wrap(_crisp(values, cuts), index, name)

    if method == "indirect":
        y = _indirect_targets(values, thresholds, targets)
        if (values < 0).any():
            raise QCAError(
                "indirect calibration fits log(x) and sqrt(x) (R's fractional polynomial), so x must "
                f"be >= 0; found {values.min():g}"
            )
        return _wrap(_clamp(np.round(_indirect(values, y), 6)), index, name)
    if method == "TFR":
        if thresholds is not None or targets is not None:
            raise QCAError('method="TFR" takes no thresholds or targets')
        return _wrap(_tfr(values), index, name)

    if targets is not None:
        raise QCAError('targets is used only with method="indirect"')
    anchors = _parse_anchors(thresholds)
    below = _check_exponent(below, "below")
    above = _check_exponent(above, "above")
    if ecdf and logistic:
        raise QCAError("ecdf=True and logistic=True are mutually exclusive; set logistic=False")
    if len(anchors) == 3:
        e, c, i = _check_s_anchors(anchors)
        if ecdf:
            out = _ecdf(values, e, c, i)
        elif logistic:
            out = _logistic(values, e, c, i, _check_idm(idm))
        else:
            out = _power(values, e, c, i, below, above)
    else:
        if ecdf:
            raise QCAError("ecdf=True needs 3 anchors (e, c, i); bell shapes use the power function")
        out = _bell(values, anchors, below, above)
    return _wrap(_clamp(out), index, name)


def find_thresholds(
    x: ArrayLike1D,
    n: int = 1,
    *,
    linkage_method: str = "complete",
    metric: str = "euclidean",
) -> np.ndarray:
    """Find crisp calibration thresholds by hierarchical clustering of the raw values.

    The values are clustered (agglomerative, scipy.cluster.hierarchy) into ``n + 1`` groups,
    which in one dimension are runs of the sorted values; each threshold is the midpoint
    between the largest value of one group and the smallest value of the next. This follows
    R's ``findTh(x, n = 1, hclustm = "complete", distm = "euclidean")`` (QCA package).

    Parameters
    ----------
    x : 1-D array-like or pandas.Series
        Raw numeric values, no missing values; at least ``n + 1`` distinct values.
    n : int, default 1
        Number of thresholds (groups minus one).
    linkage_method : str, default "complete"
        Agglomeration method: ``"single"``, ``"complete"``, ``"average"``, ``"weighted"``
        (R ``"mcquitty"``) or ``"ward"`` (R ``"ward.D2"``); R names are accepted.
    metric : str, default "euclidean"
        Distance between values: ``"euclidean"``, ``"manhattan"`` / ``"cityblock"``,
        ``"maximum"`` / ``"chebyshev"`` (all equal in one dimension) or ``"canberra"``.

    Returns
    -------
    numpy.ndarray
        ``n`` increasing thresholds (float64), ready for ``calibrate(x, "crisp", thresholds)``.

    Raises
    ------
    QCAError
        For bad ``x`` or ``n``, an unknown method or metric, or clusters that do not form
        contiguous runs of the sorted values (possible with the canberra metric).

    References
    ----------
    .. [1] Dusa, A. (2019). *QCA with R: A Comprehensive Resource*, ch. 4. Springer; and the
       documentation of ``findTh()`` in the R package QCA (3.x).

    Examples
    --------
    >>> gdp = [460, 500, 900, 2000, 2100, 2400, 15000, 16000, 20000]
    >>> find_thresholds(gdp).tolist()
    [8700.0]
    >>> find_thresholds(gdp, n=2).tolist()
    [8700.0, 18000.0]
    """
    values, _, _ = _check_x(x)
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise QCAError(f"n (number of thresholds) must be a positive integer; got {n!r}")
    n = int(n)
    if linkage_method not in _LINKAGES:
        raise QCAError(
            f"linkage_method must be one of {', '.join(map(repr, _LINKAGES))}; "
            f"got {linkage_method!r}"
        )
    if metric not in _METRICS:
        raise QCAError(f"metric must be one of {', '.join(map(repr, _METRICS))}; got {metric!r}")
    distinct = np.unique(values)
    if distinct.size < n + 1:
        raise QCAError(
            f"x has {distinct.size} distinct value(s); {n} threshold(s) need at least {n + 1}"
        )

    from scipy.cluster.hierarchy import cut_tree, linkage  # imported on use: ~0.3 s at start-up
    from scipy.spatial.distance import pdist

    order = np.argsort(values, kind="stable")
    xs = values[order]
    dist = pdist(xs.reshape(-1, 1), metric=_METRICS[metric])
    if _METRICS[metric] == "canberra":
        dist = np.nan_to_num(dist, nan=0.0)  # 0 / 0 between two zeros
    tree = linkage(dist, method=_LINKAGES[linkage_method])
    labels = cut_tree(tree, n_clusters=n + 1).ravel()
    breaks = np.flatnonzero(labels[1:] != labels[:-1])
    if breaks.size != n:
        raise QCAError(
            f"the {n + 1} clusters found with linkage {linkage_method!r} and metric {metric!r} "
            "are not contiguous ranges of x; try metric='euclidean'"
        )
    return (xs[breaks] + xs[breaks + 1]) / 2.0


# --------------------------------------------------------------------------------------------
# membership functions (pure, vectorised)
# --------------------------------------------------------------------------------------------


def _sides(x: np.ndarray, e: float, c: float, i: float) -> tuple[np.ndarray, np.ndarray]:
    """Scaled distance from the crossover on the inclusion side and on the exclusion side.

    ``d_in`` is (x - c) / (i - c) and ``d_out`` is (x - c) / (e - c); exactly one of them is
    positive for x != c, whatever the direction of the set.
    """
    return (x - c) / (i - c), (x - c) / (e - c)


def _logistic(x: np.ndarray, e: float, c: float, i: float, idm: float) -> np.ndarray:
    d_in, d_out = _sides(x, e, c, i)
    log_odds = math.log(idm / (1.0 - idm)) * np.where(d_in >= 0, d_in, -d_out)
    return expit(log_odds)


def _power(x: np.ndarray, e: float, c: float, i: float, below: float, above: float) -> np.ndarray:
    d_in, d_out = _sides(x, e, c, i)
    inside = 1.0 - 0.5 * np.clip(1.0 - d_in, 0.0, 1.0) ** above
    outside = 0.5 * np.clip(1.0 - d_out, 0.0, 1.0) ** below
    return np.where(d_in >= 0, inside, outside)


def _bell(x: np.ndarray, anchors: tuple[float, ...], below: float, above: float) -> np.ndarray:
    e1, c1, i1, i2, c2, e2 = anchors
    left = _power(x, e1, c1, i1, below, above)  # increasing for a bell, decreasing if inverse
    right = _power(x, e2, c2, i2, below, above)
    if e1 < c1 < i1 <= i2 < c2 < e2:  # bell: in the set between i1 and i2
        return np.minimum(left, right)
    if i1 < c1 < e1 <= e2 < c2 < i2:  # inverse bell: out of the set between e1 and e2
        return np.maximum(left, right)
    raise QCAError(
        "bell-shaped anchors must satisfy e1 < c1 < i1 <= i2 < c2 < e2 (bell) or "
        "i1 < c1 < e1 <= e2 < c2 < i2 (inverse bell), given in the order "
        f"(e1, c1, i1, i2, c2, e2); got {_fmt(anchors)}"
    )


def _crisp(x: np.ndarray, cuts: np.ndarray) -> np.ndarray:
    """Level of each value: the number of (strictly increasing) cuts at or below it."""
    if cuts.size > 4:
        return np.searchsorted(cuts, x, side="right").astype(np.int64)
    # the same count by comparisons (x has no NaN): faster than a search for a few cuts
    level = (x >= cuts[0]).astype(np.int64)
    for cut in cuts[1:]:
        level += x >= cut
    return level


def _clamp(fs: np.ndarray) -> np.ndarray:
    """R's final step: memberships within 1e-4 of 0 or 1 become exactly 0 or 1."""
    out = np.asarray(fs, dtype=float).copy()
    out[out < 0.0001] = 0.0
    out[out > 0.9999] = 1.0
    return out


def _ecdf(x: np.ndarray, e: float, c: float, i: float) -> np.ndarray:
    """Memberships along the empirical distribution of the values within the anchors."""
    lo, hi = min(e, i), max(e, i)
    within = np.sort(x[(x >= lo) & (x <= hi)])
    if within.size == 0:
        raise QCAError(f"ecdf calibration needs values of x between the anchors {lo:g} and {hi:g}")

    def cdf(t: np.ndarray | float) -> np.ndarray:
        return np.searchsorted(within, t, side="right") / within.size

    fx, fc = cdf(x), float(cdf(c))
    if not 0.0 < fc < 1.0:
        raise QCAError(
            "ecdf calibration needs values of x on both sides of the crossover, within the anchors"
        )
    tol = 1.5e-8  # R compares x with the anchors with this tolerance
    lower = fx / fc / 2.0  # from the low anchor up to the crossover
    upper = 1.0 - (1.0 - fx) / (1.0 - fc) / 2.0  # from the crossover up to the high anchor
    if e < i:  # increasing
        return np.select(
            [x <= e + tol, x <= c + tol, x <= i + tol], [np.zeros_like(x), lower, upper], default=1.0
        )
    # decreasing (i < c < e): 1 up to i, then falling to 0 at e
    return np.select(
        [x <= i + tol, x <= c + tol, x <= e + tol],
        [np.ones_like(x), 1.0 - lower, 1.0 - upper],
        default=0.0,
    )


def _tfr(x: np.ndarray) -> np.ndarray:
    """Totally Fuzzy and Relative memberships (Cheli & Lemmi 1995) from the empirical CDF."""
    xs = np.sort(x)
    f = np.searchsorted(xs, x, side="right") / xs.size
    f_low = np.searchsorted(xs, xs[0], side="right") / xs.size
    if f_low >= 1.0:
        raise QCAError("TFR calibration needs at least two distinct values of x")
    return np.maximum(0.0, (f - f_low) / (1.0 - f_low))


def _indirect(x: np.ndarray, y: np.ndarray, max_iter: int = 25, tol: float = 1e-8) -> np.ndarray:
    """Fitted values of a fractional-polynomial quasi-binomial logit of ``y`` on ``x``.

    Linear predictor ``b0 + b1 log x + b2 sqrt x + b3 x + b4 x^2`` (Dusa 2019, ch. 4; a zero
    ``x`` is read as 1e-5), fitted by iteratively reweighted least squares with the settings
    of R's ``glm`` (start mu = (y + 0.5) / 2, relative deviance change below 1e-8, at most 25
    iterations, fitted probabilities kept within machine epsilon of 0 and 1), so that nearly
    separated targets give the same fitted memberships as R.
    """
    xx = np.where(x == 0, 0.00001, x)
    design = np.column_stack([np.ones_like(xx), np.log(xx), np.sqrt(xx), xx, xx**2])
    scale = np.abs(design).max(axis=0)
    design = design / np.where(scale > 0, scale, 1.0)  # rescaling columns leaves the fit unchanged
    if np.linalg.matrix_rank(design) < design.shape[1]:
        raise QCAError(
            "indirect calibration needs at least 5 distinct values of x (the fractional polynomial "
            "has 5 coefficients)"
        )
    eps = np.finfo(float).eps
    mu = (y + 0.5) / 2.0
    eta = np.log(mu / (1.0 - mu))
    dev_old = _binomial_deviance(y, mu)
    for _ in range(max_iter):
        dmu = np.maximum(np.exp(-np.abs(eta)) / (1.0 + np.exp(-np.abs(eta))) ** 2, eps)
        var = mu * (1.0 - mu)
        z = eta + (y - mu) / dmu
        w = np.sqrt(dmu**2 / var)
        beta, *_ = np.linalg.lstsq(design * w[:, None], z * w, rcond=None)
        eta = design @ beta
        mu = np.clip(expit(eta), eps, 1.0 - eps)
        dev = _binomial_deviance(y, mu)
        if abs(dev - dev_old) / (abs(dev) + 0.1) < tol:
            break
        dev_old = dev
    else:
        warnings.warn(
            f"indirect calibration: the logit fit did not converge in {max_iter} iterations (targets "
            "nearly separated by x); the memberships are R's values after as many iterations",
            UserWarning,
            stacklevel=3,
        )
    return mu


def _binomial_deviance(y: np.ndarray, mu: np.ndarray) -> float:
    with np.errstate(divide="ignore", invalid="ignore"):
        t1 = np.where(y > 0, y * np.log(y / mu), 0.0)
        t0 = np.where(y < 1, (1 - y) * np.log((1 - y) / (1 - mu)), 0.0)
    return float(2.0 * np.sum(t1 + t0))


# --------------------------------------------------------------------------------------------
# validation helpers (private)
# --------------------------------------------------------------------------------------------


def _check_x(x: object, what: str = "x") -> tuple[np.ndarray, pd.Index | None, object]:
    """Return float64 values of a 1-D numeric input, plus its index and name if a Series."""
    index = name = None
    if isinstance(x, pd.DataFrame):
        raise QCAError(
            f"{what} must be 1-D (one column); got a DataFrame with {x.shape[1]} columns"
        )
    if isinstance(x, pd.Series):
        index, name = x.index, x.name
        numeric = pd.api.types.is_numeric_dtype(x) or pd.api.types.is_bool_dtype(x)
        raw = x.to_numpy(dtype=float, na_value=np.nan) if numeric else x.to_numpy()
    else:
        raw = np.asarray(x) if not np.isscalar(x) else np.asarray([x])
    if raw.ndim != 1:
        raise QCAError(f"{what} must be 1-D; got an array of shape {raw.shape}")
    if raw.size == 0:
        raise QCAError(f"{what} is empty")
    if raw.dtype.kind not in "biuf":
        missing = [v is None or v is pd.NA for v in raw.tolist()]
        bad = [v for v, m in zip(raw.tolist(), missing, strict=True) if not m and not _is_number(v)]
        if bad or raw.dtype.kind != "O":
            found = bad[0] if bad else raw.tolist()[0]
            raise QCAError(f"{what} must be numeric; found value {found!r} (dtype {raw.dtype})")
        raw = np.where(missing, np.nan, raw)
    values = np.asarray(raw, dtype=float)
    nan = np.isnan(values)
    if nan.any():
        where = list(index[nan][:5]) if index is not None else np.flatnonzero(nan)[:5].tolist()
        raise QCAError(
            f"{what} has {int(nan.sum())} missing (NaN) value(s) at {where}; "
            "remove or impute them first"
        )
    if not np.isfinite(values).all():
        raise QCAError(f"{what} has infinite values")
    return values, index, name


def _is_number(v: object) -> bool:
    if isinstance(v, bool | np.bool_):
        return True
    if isinstance(v, str | bytes):
        return False
    try:
        float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return True


def _wrap(values: np.ndarray, index: pd.Index | None, name: object) -> np.ndarray | pd.Series:
    return values if index is None else pd.Series(values, index=index, name=name)


def _fmt(vals: Sequence[float]) -> str:
    return "(" + ", ".join(f"{v:g}" for v in vals) + ")"


def _parse_string(spec: str) -> list[float] | dict[str, float]:
    parts = [p.strip() for p in spec.split(",") if p.strip()]
    if not parts:
        raise QCAError("thresholds string is empty")
    named = ["=" in p for p in parts]
    if any(named) and not all(named):
        raise QCAError(f"thresholds string mixes named and unnamed values: {spec!r}")
    try:
        if all(named):
            pairs = [re.split(r"\s*=\s*", p, maxsplit=1) for p in parts]
            names = [k.strip() for k, _ in pairs]
            if len(set(names)) != len(names):
                raise QCAError(f"thresholds string repeats a name: {spec!r}")
            return {k.strip(): float(v) for k, v in pairs}
        return [float(p) for p in parts]
    except ValueError:
        raise QCAError(f"thresholds string has a non-numeric value: {spec!r}") from None


def _as_float_list(values: object, what: str) -> list[float]:
    arr = np.atleast_1d(np.asarray(values, dtype=object))
    if arr.ndim != 1:
        raise QCAError(f"{what} must be a number or a flat sequence of numbers; got {values!r}")
    if not all(_is_number(v) for v in arr.tolist()):
        raise QCAError(f"{what} must be numeric; got {values!r}")
    out = [float(v) for v in arr.tolist()]
    if not all(math.isfinite(v) for v in out):
        raise QCAError(f"{what} must be finite numbers; got {values!r}")
    return out


def _parse_anchors(thresholds: object) -> tuple[float, ...]:
    """Fuzzy anchors as a tuple in canonical order (e, c, i) or (e1, c1, i1, i2, c2, e2)."""
    if thresholds is None:
        raise QCAError(
            "thresholds is required: 3 anchors (e, c, i) or 6 anchors (e1, c1, i1, i2, c2, e2)"
        )
    if isinstance(thresholds, str):
        thresholds = _parse_string(thresholds)
    if isinstance(thresholds, Mapping):
        keys = {str(k) for k in thresholds}
        for names in (_S_NAMES, _BELL_NAMES):
            if keys == set(names):
                vals = _as_float_list([thresholds[k] for k in names], "thresholds")
                return tuple(vals)
        raise QCAError(
            "named fuzzy anchors must be exactly e, c, i (s-shape) or e1, c1, i1, i2, c2, e2 "
            f"(bell shape); got {', '.join(sorted(keys))}"
        )
    vals = _as_float_list(thresholds, "thresholds")
    if len(vals) not in (3, 6):
        raise QCAError(
            f"fuzzy calibration needs 3 anchors (e, c, i) or 6 anchors (e1, c1, i1, i2, c2, e2); "
            f"got {len(vals)}: {_fmt(vals)}"
        )
    return tuple(vals)


def _check_s_anchors(anchors: tuple[float, ...]) -> tuple[float, float, float]:
    e, c, i = anchors
    if not (e < c < i or i < c < e):
        raise QCAError(
            "anchors must satisfy exclusion < crossover < inclusion (or the reverse for a "
            f"decreasing set); got {_fmt(anchors)}"
        )
    return e, c, i


def _check_cuts(thresholds: object, what: str) -> np.ndarray:
    if thresholds is None:
        raise QCAError(f"{what} needs thresholds: one or more increasing cut points")
    if isinstance(thresholds, str):
        thresholds = _parse_string(thresholds)
    if isinstance(thresholds, Mapping):
        thresholds = list(thresholds.values())
    vals = _as_float_list(thresholds, "thresholds")
    if not vals:
        raise QCAError(f"{what} needs at least one threshold; got none")
    if any(b <= a for a, b in zip(vals, vals[1:], strict=False)):
        raise QCAError(
            f"thresholds for {what} must be strictly increasing (level k = at or above the "
            f"k-th threshold); got {_fmt(vals)}"
        )
    return np.asarray(vals)


def _check_idm(idm: object) -> float:
    try:
        v = float(idm)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise QCAError(f"idm must be a number in (0.5, 1); got {idm!r}") from None
    if not 0.5 < v < 1.0:
        raise QCAError(f"idm must be in the open interval (0.5, 1); got {idm!r}")
    return v


def _check_exponent(value: object, name: str) -> float:
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise QCAError(f"{name} must be a positive number; got {value!r}") from None
    if not (v > 0 and math.isfinite(v)):
        raise QCAError(f"{name} must be a positive finite number; got {value!r}")
    return v


def _indirect_targets(x: np.ndarray, thresholds: object, targets: object) -> np.ndarray:
    if (thresholds is None) == (targets is None):
        raise QCAError(
            'method="indirect" needs exactly one of thresholds (cut points that group x into '
            "equally spaced target memberships) or targets (one membership per case)"
        )
    if targets is not None:
        y, _, _ = _check_x(targets, "targets")
        if y.shape != x.shape:
            raise QCAError(f"targets has {y.size} values but x has {x.size}; one per case needed")
        if (y < 0).any() or (y > 1).any():
            raise QCAError(
                f"targets must be memberships in [0, 1]; got values in [{y.min():g}, {y.max():g}]"
            )
    else:
        cuts = _check_cuts(thresholds, "indirect calibration")
        # R: a value strictly above the j-th cut point is in group j; scores rounded to 3 decimals
        y = np.round(np.searchsorted(cuts, x, side="left") / cuts.size, 3)
    if np.all(y == y[0]):
        raise QCAError(
            f"indirect calibration needs targets that vary across cases; all are {y[0]:g}"
        )
    return y
