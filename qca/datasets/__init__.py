"""Classic QCA data sets, shipped with the package: ``qca.datasets.load("LF")``.

The data are those distributed with R's QCA package (Dusa 2019), converted to CSV (case names
in the index); each set's source, columns and calibration are documented here and returned by
:func:`describe`. Available: Lipset's inter-war democracies in raw (``LR``), crisp (``LC``),
multi-value (``LM``) and fuzzy (``LF``) form; Cebotari & Vink's ethnic protest, raw (``CVR``)
and fuzzy (``CVF``); Nieuwbeerta's class voting (``NF``); Hino's time-difference data
(``HC``); Cress & Snow's homeless social-movement organisations (``d.homeless``).

Examples
--------
>>> from qca import datasets
>>> lf = datasets.load("LF")
>>> lf.shape, datasets.info("LF").outcome
((18, 6), 'SURV')
>>> "LR" in datasets.names()
True
"""

from __future__ import annotations

import html
import textwrap
from dataclasses import dataclass, field
from importlib import resources

import pandas as pd

from ..exceptions import QCAError

__all__ = ["load", "names", "describe", "info", "DatasetInfo", "Description"]


@dataclass(frozen=True)
class DatasetInfo:
    """What a data set is: source, kind, outcome, column meanings and calibration.

    Attributes
    ----------
    name : str
    title : str
    kind : {"raw", "crisp", "multi-value", "fuzzy"}
    outcome : str
        The outcome column used in the literature.
    columns : dict of str to str
        Meaning of each column.
    source : str
        Where the data come from (references).
    calibration : str
        How the calibrated versions were obtained from the raw data, where known.
    """

    name: str
    title: str
    kind: str
    outcome: str
    columns: dict[str, str]
    source: str
    calibration: str = ""
    notes: str = field(default="")

    @property
    def conditions(self) -> list[str]:
        return [c for c in self.columns if c != self.outcome]


_LIPSET_SOURCE = (
    "Lipset, S. M. (1959). Some social requisites of democracy. American Political Science Review "
    "53(1), 69-105; in the versions analysed by Rihoux & De Meur, Cronqvist & Berg-Schlosser and "
    "Ragin in Rihoux, B. & Ragin, C. (eds) (2009), Configurational Comparative Methods, SAGE. "
    "Distributed with R's QCA package (Dusa 2019)."
)
_LIPSET_RAW = {
    "DEV": "development: GDP per capita, USD",
    "URB": "urbanisation: % of the population in towns of 20,000 or more",
    "LIT": "literacy: % of the population literate",
    "IND": "industrialisation: % of the labour force in industry",
    "STB": "government stability: number of cabinets in the period (fewer = more stable)",
    "SURV": "outcome, survival of democracy in the inter-war period: negative = breakdown "
    "(-9 .. -1), positive = survival (4 .. 10)",
}
_LIPSET_SET = {
    "DEV": "developed countries",
    "URB": "urbanised countries",
    "LIT": "literate countries",
    "IND": "industrialised countries",
    "STB": "countries with stable governments",
    "SURV": "outcome: countries where democracy survived the inter-war period",
}
_CV_SOURCE = (
    "Cebotari, V. & Vink, M. P. (2013). A configurational analysis of ethnic protest in Europe. "
    "International Journal of Comparative Sociology 54(4), 298-324; replication data Cebotari & "
    "Vink (2015), Harvard Dataverse, doi:10.7910/DVN/PT2IB9. Distributed with R's QCA package."
)
_CV_RAW = {
    "DEMOC": "democracy index of the country, 0 (strong autocracy) .. 10 (strong democracy)",
    "ETHFRACT": "ethnic fractionalisation of the country, 0 (homogeneous) .. 1 (fragmented)",
    "GEOCON": "territorial concentration of the minority, 0 (widely dispersed), 1 (mainly urban), "
    "2 (majority in a region), 3 (entirely in one region)",
    "POLDIS": "political discrimination of the minority, 0 (none) .. 4 (exclusive, repressive)",
    "NATPRIDE": "national pride of the minority, 0 (not at all proud) .. 3 (very proud)",
    "PROTEST": "outcome, intensity of ethnopolitical protest, 0 .. 5",
}
_CV_SET = {
    "DEMOC": "strong democracies",
    "ETHFRACT": "ethnically fragmented countries",
    "GEOCON": "territorially concentrated minorities",
    "POLDIS": "politically discriminated minorities",
    "NATPRIDE": "minorities with strong national pride",
    "PROTEST": "outcome: minorities with intense ethnic protest",
}

def _sets(meanings: dict[str, str], prefix: str) -> dict[str, str]:
    """Column meanings of a calibrated version: ``prefix`` + the set, outcome marked first."""
    out = {}
    for col, text in meanings.items():
        if text.startswith("outcome: "):
            out[col] = f"outcome, {prefix}{text.removeprefix('outcome: ')}"
        else:
            out[col] = f"{prefix}{text}"
    return out


_INFO: dict[str, DatasetInfo] = {
    "LR": DatasetInfo(
        "LR", "Lipset: survival of democracy in inter-war Europe, raw data (18 countries)", "raw",
        "SURV", _LIPSET_RAW, _LIPSET_SOURCE,
    ),
    "LC": DatasetInfo(
        "LC", "Lipset: survival of democracy, crisp sets", "crisp", "SURV",
        _sets(_LIPSET_SET, "1 = "), _LIPSET_SOURCE,
        "from LR: DEV >= 550 USD, URB >= 50 %, LIT >= 75 %, IND >= 30 %, STB: fewer than 10 "
        "cabinets, SURV: positive score",
    ),
    "LM": DatasetInfo(
        "LM", "Lipset: survival of democracy, multi-value sets", "multi-value", "SURV",
        {**_sets(_LIPSET_SET, "1 = "),
         "DEV": "0 = GDP per capita below 550 USD, 1 = 550 to 850, 2 = above 850"},
        _LIPSET_SOURCE,
        "as LC, with two thresholds (550 and 850 USD) for DEV",
    ),
    "LF": DatasetInfo(
        "LF", "Lipset: survival of democracy, fuzzy sets", "fuzzy", "SURV",
        _sets(_LIPSET_SET, "membership in the set of "), _LIPSET_SOURCE,
        "from LR by direct logistic calibration with idm = 0.9525741 (log-odds +-3 at the "
        "anchors), rounded to 2 decimals: DEV e=400 c=550 i=900; URB e=25 c=50 i=65; "
        "LIT e=50 c=75 i=90; IND e=20 c=30 i=40; STB e=15 c=9.5 i=5 (decreasing); "
        "SURV e=-9 c=0 i=10 (checked: reproduces every value)",
    ),
    "CVR": DatasetInfo(
        "CVR", "Cebotari & Vink: ethnic protest in Europe, raw data (29 minorities)", "raw",
        "PROTEST", {"PROTEST": _CV_RAW["PROTEST"], **_CV_RAW}, _CV_SOURCE,
        notes="the outcome PROTEST is the first column, as in R",
    ),
    "CVF": DatasetInfo(
        "CVF", "Cebotari & Vink: ethnic protest in Europe, fuzzy sets", "fuzzy", "PROTEST",
        _sets(_CV_SET, "membership in the set of "), _CV_SOURCE,
        "from CVR by direct logistic calibration with idm = 0.9525741, rounded to 2 decimals: "
        "DEMOC e=2 c=7 i=9.5; ETHFRACT e=0 c=0.495 i=0.8; GEOCON e=0 c=1.25 i=3; "
        "POLDIS e=0 c=0.75 i=3; NATPRIDE e=0.5 c=1.5 i=2.5; PROTEST e=0.5 c=1.5 i=3 "
        "(checked: reproduces every value)",
    ),
    "NF": DatasetInfo(
        "NF", "Nieuwbeerta: class voting after World War II, fuzzy sets (12 countries)", "fuzzy",
        "W",
        {
            "A": "membership in the set of affluent countries",
            "I": "membership in the set of countries with substantial income inequality",
            "M": "membership in the set of countries with many workers in manufacturing",
            "U": "membership in the set of countries with strong unions",
            "W": "outcome: membership in the set of countries with weak class voting",
        },
        "Nieuwbeerta, P. (1995). The Democratic Class Struggle in Twenty Countries 1945-1990. "
        "Thesis Publishers; as adapted by Ragin (2008), Redesigning Social Inquiry, University "
        "of Chicago Press. Distributed with R's QCA package.",
        "memberships on a six-value scale, set for teaching by Ragin",
    ),
    "HC": DatasetInfo(
        "HC", "Hino: time-difference QCA of extreme-right votes (15 country-periods)", "crisp",
        "VOTE",
        {
            "FOREIGN": "1 = the share of foreign population rose from the 1980s to the 1990s",
            "UNEMP": "1 = unemployment rose",
            "CONV": "1 = the party system converged (the inverse of divergence in the raw data)",
            "PRES80": "1 = extreme-right parties were present in the 1980s (no difference)",
            "VOTE": "outcome: 1 = the vote share of extreme-right parties rose",
        },
        "Hino, A. (2009). Time-series QCA: studying temporal change through Boolean analysis. "
        "Sociological Theory and Methods 24(2), 247-265. Distributed with R's QCA package.",
    ),
    "d.homeless": DatasetInfo(
        "d.homeless", "Cress & Snow: outcomes of homeless social-movement organisations (15 SMOs)",
        "crisp", "REL",
        {
            "VI": "1 = viable organisation",
            "DT": "1 = used disruptive tactics",
            "SA": "1 = had sympathetic allies",
            "CS": "1 = city council was supportive",
            "DF": "1 = articulated a diagnostic frame",
            "PF": "1 = articulated a prognostic frame",
            "REP": "1 = obtained representation (also an outcome in the source)",
            "RES": "1 = obtained resources (also an outcome in the source)",
            "RIG": "1 = obtained rights (also an outcome in the source)",
            "REL": "outcome: 1 = obtained relief",
        },
        "Cress, D. M. & Snow, D. A. (2000). The outcomes of homeless mobilization. American "
        "Journal of Sociology 105(4), 1063-1104. Distributed with R's QCA package (legacy data).",
        notes="R's QCA examples analyse REL on all nine other columns.",
    ),
}


def names() -> list[str]:
    """Names of the shipped data sets."""
    return list(_INFO)


def info(name: str) -> DatasetInfo:
    """The :class:`DatasetInfo` of a data set (source, kind, outcome, columns, calibration)."""
    try:
        return _INFO[name]
    except KeyError:
        raise QCAError(f"unknown data set {name!r}; available: {', '.join(_INFO)}") from None


def load(name: str) -> pd.DataFrame:
    """Load a data set by its R name, cases in the index.

    Parameters
    ----------
    name : str
        One of :func:`names`: ``"LR"``, ``"LC"``, ``"LM"``, ``"LF"``, ``"CVR"``, ``"CVF"``,
        ``"NF"``, ``"HC"``, ``"d.homeless"``.

    Returns
    -------
    DataFrame
        A fresh copy; its ``attrs["qca_dataset"]`` holds the name.
    """
    meta = info(name)
    with resources.files(__name__).joinpath("data", f"{meta.name}.csv").open("r") as fh:
        frame = pd.read_csv(fh, index_col="case")
    frame.attrs["qca_dataset"] = meta.name
    return frame


class Description(str):
    """The text of :func:`describe`: a ``str`` that shows itself as text at the prompt.

    ``repr`` gives the text itself (not a quoted string with literal ``\\n``), so typing
    ``datasets.describe("LF")`` at a plain Python prompt prints the description as ``print``
    would; Jupyter shows it preformatted.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return str.__str__(self)

    def _repr_html_(self) -> str:
        return f"<pre>{html.escape(str.__str__(self))}</pre>"


def describe(name: str) -> Description:
    """A plain-text description of a data set: title, source, columns, calibration.

    Returns
    -------
    Description
        A ``str`` whose ``repr`` is the text itself, so that it prints well at the prompt.

    Examples
    --------
    >>> from qca import datasets
    >>> datasets.describe("LF")  # doctest: +ELLIPSIS
    LF: Lipset: survival of democracy, fuzzy sets
    18 cases, fuzzy; outcome SURV
    ...
    """
    meta = info(name)
    frame = load(name)
    width = max(len(c) for c in meta.columns)
    lines = [
        f"{meta.name}: {meta.title}",
        f"{frame.shape[0]} cases, {meta.kind}; outcome {meta.outcome}",
        "",
        *[f"  {c.ljust(width)}  {text}" for c, text in meta.columns.items()],
        "",
        *textwrap.wrap(f"Source: {meta.source}", 100, subsequent_indent="  "),
    ]
    if meta.calibration:
        lines += textwrap.wrap(f"Calibration: {meta.calibration}", 100, subsequent_indent="  ")
    if meta.notes:
        lines.append(f"Note: {meta.notes}")
    return Description("\n".join(lines))
