"""Tests against false positives in QCA (Braumoeller 2015), with Holm's multiple-test correction.

A positive truth-table row (or a solution term) claims that the outcome follows the
configuration. Braumoeller (2015) asks how probable so consistent a pattern would be if the
outcome were unrelated to the configuration:

* crisp sets: the number of positive cases ``k`` among the ``n`` cases of a configuration is
  binomial with the outcome's base rate ``p0`` (share of cases with the outcome) under the null,
  so ``p = P(Binomial(n, p0) >= k)``;
* fuzzy sets: the outcome memberships are permuted across cases and the inclusion of the
  configuration is recomputed; ``p`` is the share of permutations whose inclusion is at least
  the observed one.

Because a truth table tests many configurations at once, p-values are adjusted with Holm's
(1979) step-down procedure, which controls the family-wise error rate.

References
----------
Braumoeller, B. F. (2015). Guarding against false positives in qualitative comparative analysis.
*Political Analysis* 23(4), 471-487.
Holm, S. (1979). A simple sequentially rejective multiple test procedure. *Scandinavian Journal
of Statistics* 6(2), 65-70.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from .exceptions import QCAError
from .minimize import Solution, cube_memberships
from .truth_table import TOLERANCE, TruthTable, row_memberships

__all__ = ["holm", "false_positive_tests", "binomial_p", "permutation_p"]


def holm(pvalues: Sequence[float] | np.ndarray) -> np.ndarray:
    """Holm's step-down adjusted p-values (family-wise error rate).

    With the p-values sorted increasingly, the i-th (1-based) is multiplied by ``m - i + 1``;
    the adjusted values are made non-decreasing by a running maximum and capped at 1. NaN
    p-values are left out of the family and stay NaN.

    Parameters
    ----------
    pvalues : sequence of float

    Returns
    -------
    ndarray
        Adjusted p-values in the input order.

    References
    ----------
    Holm, S. (1979). A simple sequentially rejective multiple test procedure. *Scandinavian
    Journal of Statistics* 6(2), 65-70.

    Examples
    --------
    >>> holm([0.01, 0.04, 0.03]).round(2).tolist()
    [0.03, 0.06, 0.06]
    """
    p = np.asarray(pvalues, dtype=float)
    if p.ndim != 1:
        raise QCAError(f"pvalues must be one-dimensional; got shape {p.shape}")
    ok = ~np.isnan(p)
    if ((p[ok] < 0) | (p[ok] > 1)).any():
        raise QCAError("p-values must lie in [0, 1]")
    out = np.full(p.shape, np.nan)
    vals = p[ok]
    m = vals.size
    if m == 0:
        return out
    order = np.argsort(vals, kind="stable")
    scaled = vals[order] * (m - np.arange(m))
    adj = np.minimum(np.maximum.accumulate(scaled), 1.0)
    res = np.empty(m)
    res[order] = adj
    out[ok] = res
    return out


def binomial_p(k: int | np.ndarray, n: int | np.ndarray, base_rate: float) -> np.ndarray:
    """Upper-tail binomial probability ``P(Binomial(n, base_rate) >= k)`` (Braumoeller 2015).

    Parameters
    ----------
    k : int or array
        Observed number of cases with the outcome in the configuration.
    n : int or array
        Number of cases in the configuration.
    base_rate : float
        Share of all cases with the outcome.
    """
    if not 0.0 <= float(base_rate) <= 1.0:
        raise QCAError(f"base_rate must be in [0, 1]; got {base_rate!r}")
    k = np.asarray(k)
    n = np.asarray(n)
    if (k < 0).any() or (k > n).any():
        raise QCAError("k must satisfy 0 <= k <= n")
    return np.asarray(stats.binom.sf(k - 1, n, base_rate), dtype=float)


def _rng(seed: int | None, rng: np.random.Generator | None) -> np.random.Generator:
    if rng is not None:
        if not isinstance(rng, np.random.Generator):
            raise QCAError(f"rng must be a numpy Generator; got {type(rng).__name__}")
        return rng
    return np.random.default_rng(seed)


def _check_permutations(n_permutations: int) -> int:
    ok = isinstance(n_permutations, int | np.integer) and not isinstance(n_permutations, bool)
    if not ok or n_permutations < 1:
        raise QCAError(f"n_permutations must be a whole number >= 1; got {n_permutations!r}")
    return int(n_permutations)


def permutation_p(
    memberships: np.ndarray,
    y: np.ndarray,
    n_permutations: int = 1000,
    seed: int | None = None,
    rng: np.random.Generator | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Permutation p-values of the sufficiency inclusion of sets (Braumoeller 2015).

    The outcome ``y`` is permuted across cases ``n_permutations`` times (the same permutations
    for every set) and the inclusion ``sum(min(x, y)) / sum(x)`` recomputed.

    Parameters
    ----------
    memberships : array (n_sets, n_cases)
    y : array (n_cases,)
    n_permutations : int
    seed, rng
        For reproducibility: a seed, or a numpy Generator (takes precedence).

    Returns
    -------
    p : ndarray (n_sets,)
        Share of permutations with inclusion >= the observed one (within 1e-8).
    observed : ndarray (n_sets,)
        Observed inclusion.
    """
    n_permutations = _check_permutations(n_permutations)
    x = np.atleast_2d(np.asarray(memberships, dtype=float))
    y = np.asarray(y, dtype=float)
    if x.shape[1] != y.shape[0]:
        raise QCAError(f"memberships have {x.shape[1]} cases but y has {y.shape[0]}")
    gen = _rng(seed, rng)
    sx = x.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        observed = np.minimum(x, y).sum(axis=1) / sx
    perms = np.argsort(gen.random((n_permutations, y.size)), axis=1)
    yp = y[perms]  # (n_permutations, n_cases)
    hits = np.zeros(x.shape[0])
    chunk = max(1, 4_000_000 // max(1, y.size * n_permutations))
    for start in range(0, x.shape[0], chunk):
        xs = x[start:start + chunk]
        num = np.minimum(xs[:, None, :], yp[None, :, :]).sum(axis=2)
        with np.errstate(invalid="ignore", divide="ignore"):
            incl = num / sx[start:start + chunk, None]
        hits[start:start + chunk] = (incl + TOLERANCE >= observed[start:start + chunk, None]).sum(axis=1)
    p = np.where(sx > 0, hits / n_permutations, np.nan)
    return p, observed


def _is_crisp(values: np.ndarray) -> bool:
    return bool(np.all((values == 0) | (values == 1)))


def false_positive_tests(
    obj: TruthTable | Solution,
    n_permutations: int = 1000,
    seed: int | None = None,
    rng: np.random.Generator | None = None,
    method: str = "auto",
    model: int = 0,
) -> pd.DataFrame:
    """Braumoeller's (2015) tests of positive truth-table rows or of a solution's terms.

    Parameters
    ----------
    obj : TruthTable or Solution
        A truth table: every row with OUT = "1" is tested. A solution: every term of
        ``obj.models[model]`` is tested.
    n_permutations : int
        Permutations for the fuzzy-set test.
    seed, rng
        Seed or numpy Generator for the permutations (reproducible results).
    method : {"auto", "binomial", "permutation"}
        "auto" uses the binomial test when the outcome and every condition are crisp
        (0/1), the permutation test otherwise. The binomial test needs crisp data.
    model : int
        Which model of a Solution to test (0-based).

    Returns
    -------
    DataFrame
        One row per tested row (index: R row number) or term (index: the term), with ``n``
        (cases with membership > 0.5), ``k`` (of them with outcome > 0.5), ``incl``
        (inclusion), ``p``, ``p_holm`` (Holm-adjusted within the family tested) and ``test``.

    Raises
    ------
    QCAError
        Bad arguments, no positive row, or the binomial test asked for fuzzy data.

    References
    ----------
    Braumoeller, B. F. (2015). Guarding against false positives in qualitative comparative
    analysis. *Political Analysis* 23(4), 471-487.

    Examples
    --------
    >>> import pandas as pd
    >>> from qca import truth_table
    >>> d = pd.DataFrame({"A": [1] * 6 + [0] * 6, "Y": [1] * 6 + [1, 0, 0, 0, 0, 0]})
    >>> false_positive_tests(truth_table(d, "Y", ["A"]))["p"].round(4).tolist()
    [0.0394]
    """
    n_permutations = _check_permutations(n_permutations)
    if method not in ("auto", "binomial", "permutation"):
        raise QCAError(f"method must be 'auto', 'binomial' or 'permutation'; got {method!r}")
    if isinstance(obj, Solution):
        tt = obj.truth_table
        if not obj.models:
            raise QCAError("the solution has no model to test")
        if not isinstance(model, int) or not 0 <= model < len(obj.models):
            raise QCAError(f"model must be an index 0..{len(obj.models) - 1}; got {model!r}")
        m = obj.models[model]
        memb = cube_memberships(m.cubes, tt)
        index = pd.Index(list(m.terms), name="term")
    elif isinstance(obj, TruthTable):
        tt = obj
        pos = tt.rows.index[tt.rows["OUT"] == "1"]
        if len(pos) == 0:
            raise QCAError(f"no truth-table row has OUT = 1 for outcome {tt.outcome!r}: nothing to test")
        cfg = tt.rows.loc[pos, list(tt.conditions)].to_numpy(dtype=np.int64)
        memb = row_memberships(cfg, tt.condition_memberships(), tt.levels)
        index = pd.Index([int(r) for r in pos], name="row")
    else:
        raise QCAError(f"false_positive_tests needs a TruthTable or a Solution; got {type(obj).__name__}")
    y = np.asarray(tt.outcome_membership, dtype=float)
    crisp = _is_crisp(y) and _is_crisp(tt.condition_memberships())
    if method == "binomial" and not crisp:
        raise QCAError("the binomial test needs crisp (0/1) outcome and conditions; use method='permutation'")
    use_binomial = method == "binomial" or (method == "auto" and crisp)
    inside = memb > 0.5
    n = inside.sum(axis=1)
    k = (inside & (y > 0.5)).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        incl = np.minimum(memb, y).sum(axis=1) / memb.sum(axis=1)
    if use_binomial:
        p = binomial_p(k, n, float(np.mean(y > 0.5)))
        test = "binomial"
    else:
        p, _ = permutation_p(memb, y, n_permutations=n_permutations, seed=seed, rng=rng)
        test = "permutation"
    return pd.DataFrame(
        {"n": n, "k": k, "incl": incl, "p": p, "p_holm": holm(p), "test": test},
        index=index,
    )
