"""Sphinx configuration of the qcasim documentation site (``make site``).

The site is built from three sources: the Markdown pages in ``docs/`` (MyST), the tutorials in
``experiments/tutorials/`` (sphinx-gallery executes each script, renders its text blocks and
shows its printed output and figures), and the numpydoc docstrings of ``qca``, ``sim`` and
``experiments`` (the API reference, autosummary). The report of the default study is generated
during the build with few replications (``QCASIM_SITE_REPS``, default 5) and copied into the site.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(DOCS / "_ext"))

import qcasim  # noqa: E402

project = "qcasim"
author = "the qcasim developers"
copyright = "2026, the qcasim developers (MIT licence)"
release = version = qcasim.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.viewcode",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
    "sphinx.ext.mathjax",
    "sphinx-mathjax-offline",  # MathJax 3 copied into the site: math renders offline, no CDN
    "qcasim_snippets",  # the guides' snippets are run at build time, their output shown under them
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "**/*.codeobj.json", "sg_execution_times.rst",
                    *(f"{d}/{p}" for d in ("tutorials", "examples")
                      for p in ("*.ipynb", "*.py", "*.md5", "*.zip", "sg_execution_times.rst"))]
myst_enable_extensions = ["colon_fence", "deflist", "dollarmath"]
myst_heading_anchors = 3

# API reference: one page per module, from the numpydoc docstrings (pages written below by
# _write_api_pages; autosummary's name lookup cannot be used because some modules share their
# name with the function the package re-exports, e.g. qca.calibrate).
# Each object is documented once, in the module that defines it (``qca.calibrate.calibrate``);
# the packages re-export the public names (``qca.calibrate``), so ``__all__`` is not followed.
autodoc_default_options = {"members": True, "show-inheritance": True, "ignore-module-all": True}
autodoc_typehints = "none"  # numpydoc's Parameters sections already give the types
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# Tutorials (experiments/tutorials) and the short examples (examples/): every script is executed;
# its printed output and figures are captured, each page offers the script and a notebook.
# Backreferences: each API object lists the examples that use it ("Examples using ...").
BACKREFS = DOCS / "generated" / "backrefs"
sphinx_gallery_conf = {
    "examples_dirs": [str(ROOT / "experiments" / "tutorials"), str(ROOT / "examples")],
    "gallery_dirs": ["tutorials", "examples"],
    "backreferences_dir": str(BACKREFS),
    "doc_module": ("qca", "sim", "experiments"),
    # Record objects under the module that defines them (qca.fit.pof), as the API pages do.
    "prefer_full_module": {r"qca\.", r"sim\.", r"experiments\."},
    "image_srcset": ["2x"],  # a second copy of every figure for high-dpi screens
    "filename_pattern": r".*\.py$",
    "ignore_pattern": r"__init__\.py",
    "within_subsection_order": "FileNameSortKey",
    "download_all_examples": False,
    "remove_config_comments": True,
    "matplotlib_animations": False,
    # qca.plot returns figures not registered with pyplot: a scraper of our own shows them.
    "image_scrapers": ("qcasim_gallery.qca_figures", "matplotlib"),
    "abort_on_example_error": True,
    "show_memory": False,
    "min_reported_time": 1,
    # The computation-times pages load DataTables from CDNs; the site must work offline.
    "write_computation_times": False,
    "reset_modules": ("matplotlib",),
}

html_theme = "pydata_sphinx_theme"
html_title = f"qcasim {release}"
html_static_path = ["_static"]
html_css_files = ["qcasim.css"]
html_js_files = ["qcasim.js"]  # folds the worked solutions of the tutorials
html_favicon = "_static/favicon.svg"  # two overlapping sets
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "header_links_before_dropdown": 8,
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
    # Wide pages: R and Python side by side, the embedded report.
    # The on-page contents only on the reading pages; the wide pages (R and Python side by side,
    # the embedded report) and the tutorials and examples give the width to their code and
    # printed output (no sideways scrolling at 1,280 px). Unlisted pages get none.
    "secondary_sidebar_items": {page: ["page-toc"] for page in
                                ("index", "sim", "odd", "api", "guide/*", "generated/*")},
}
html_context = {"default_mode": "light"}
# Section navigation only where a section has pages (tutorials, API reference).
html_sidebars = {page: [] for page in ("index", "sim", "odd", "guide/*", "r_to_python", "report")}
html_show_sourcelink = False

# The report of the default study (`qcasim run`), regenerated at each build with few
# replications so that the site shows the real report layout in seconds.
REPORT_DIR = ROOT / "build" / "site-report"
html_extra_path = [str(REPORT_DIR / "extra")]


def _build_report() -> None:
    reps = os.environ.get("QCASIM_SITE_REPS", "5")
    out = REPORT_DIR / "extra" / "report"
    out.mkdir(parents=True, exist_ok=True)
    db = REPORT_DIR / "qcasim.db"
    if db.exists():
        db.unlink()
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONPATH": f"{ROOT}{os.pathsep}" +
           os.environ.get("PYTHONPATH", "")}
    subprocess.run([sys.executable, "-m", "qcasim", "run", "--out", str(REPORT_DIR),
                    "--reps", reps, "--jobs", "1", "--no-progress"],
                   check=True, env=env, stdout=subprocess.DEVNULL)
    (REPORT_DIR / "kbop_default.html").replace(out / "kbop_default.html")
    _favicon(REPORT_DIR / "extra" / "favicon.ico")


def _favicon(path: Path) -> None:
    """The site icon as ``/favicon.ico`` (pages without an icon link, like the report, get it)."""
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img, "RGBA")
    draw.ellipse((6, 14, 42, 50), fill=(31, 119, 180, 180))
    draw.ellipse((22, 14, 58, 50), fill=(255, 127, 14, 180))
    img.save(path, sizes=[(16, 16), (32, 32), (64, 64)])


def _write(path: Path, text: str) -> None:
    if not path.is_file() or path.read_text() != text:  # unchanged pages keep their build
        path.write_text(text)


def _first_line(module: str) -> str:
    """The first sentence of a module's docstring, for the package pages."""
    import importlib

    doc = (importlib.import_module(module).__doc__ or "").strip()
    first = " ".join(doc.split("\n\n")[0].split())
    return first.replace("*", "\\*") or "(no description)"


def _write_api_pages() -> None:
    """One reST page per public module of qca, sim and experiments, and one per package."""
    import importlib
    import pkgutil

    out = DOCS / "generated"
    out.mkdir(exist_ok=True)
    for package in ("qca", "sim", "experiments"):
        pkg = importlib.import_module(package)
        modules = [f"{package}.{m.name}" for m in pkgutil.iter_modules(pkg.__path__)
                   if not m.name.startswith("_") and m.name != "tutorials"]
        title = f"``{package}``"
        summaries = [f"* :doc:`{m}` -- {_first_line(m)}" for m in modules]
        _write(out / f"{package}.rst", "\n".join([
            title, "=" * len(title), "", f".. automodule:: {package}", "   :no-members:", "",
            "Modules", "-------", "", *summaries, "",
            ".. toctree::", "   :hidden:", "", *(f"   {m}" for m in modules), ""]))
        for m in modules:
            title = f"``{m}``"
            _write(out / f"{m}.rst", "\n".join([
                title, "=" * len(title), "", f".. automodule:: {m}", ""]))


def _examples_using(app, what, name, obj, options, lines) -> None:
    """Append "Examples using ``name``" to a function's or class's docstring when a tutorial or
    example uses it (sphinx-gallery's backreference files)."""
    if what not in ("function", "class"):
        return
    refs = BACKREFS / f"{name}.examples"
    if refs.is_file() and refs.read_text().strip():
        lines += ["", f".. minigallery:: {name}", "   :add-heading:", ""]


def setup(app) -> None:
    app.connect("autodoc-process-docstring", _examples_using, priority=900)


_write_api_pages()
if not os.environ.get("QCASIM_SITE_SKIP_REPORT"):
    _build_report()
