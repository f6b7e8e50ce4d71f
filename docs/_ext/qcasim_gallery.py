"""sphinx-gallery image scraper for the figures that :mod:`qca.plot` returns.

``qca.plot`` builds each figure as a plain :class:`matplotlib.figure.Figure`, not registered
with pyplot, so that the library never changes global matplotlib state; in a notebook the
returned figure displays itself. sphinx-gallery's matplotlib scraper only sees pyplot figures,
so this scraper saves, after each code block, every such figure the tutorial's globals refer to
and that was not shown yet.
"""

from __future__ import annotations

import weakref
from pathlib import Path
from typing import Any

_SHOWN: weakref.WeakSet = weakref.WeakSet()


def _pyplot_figure(fig: Any) -> bool:
    """Figures made by pyplot carry a figure number (kept after ``plt.close``); sphinx-gallery's
    matplotlib scraper shows those."""
    return hasattr(fig, "number")


def qca_figures(block: Any, block_vars: dict[str, Any], gallery_conf: dict[str, Any]) -> str:
    """Save the new pyplot-free figures of a code block and return their reST."""
    from matplotlib.figure import Figure
    from sphinx_gallery.scrapers import figure_rst

    figures = [v for v in block_vars["example_globals"].values()
               if isinstance(v, Figure) and not _pyplot_figure(v) and v not in _SHOWN]
    paths, srcsets = [], []
    for fig in figures:
        path = Path(next(block_vars["image_path_iterator"]))
        fig.savefig(path, dpi=100, bbox_inches="tight")
        srcset = {0: path}
        for mult in gallery_conf.get("image_srcset", []):   # e.g. a 2x copy for high-dpi screens
            hi = path.with_name(f"{path.stem}_{mult:.2f}".replace(".", "_") + f"x{path.suffix}")
            fig.savefig(hi, dpi=100 * mult, bbox_inches="tight")
            srcset[mult] = hi
        _SHOWN.add(fig)
        paths.append(path)
        srcsets.append(srcset)
    return figure_rst(paths, gallery_conf["src_dir"], srcsetpaths=srcsets)
