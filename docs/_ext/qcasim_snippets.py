"""Show the output of the guides' Python snippets under them, computed at build time.

For the pages in ``PAGES`` every ```` ```python ```` block is run when the site is built, in page
order and one namespace per page (as ``tests/test_docs_snippets.py`` runs them), statement by
statement as at an interactive prompt: what a statement prints, and the value of a bare
expression (its ``str`` where its type defines one, else its ``repr``; figures and axes are not
printed), is inserted under the block as an "Output" block. Nothing is copied by hand, so the
outputs cannot drift from the code.
"""

from __future__ import annotations

import ast
import contextlib
import io
import os
import re
from typing import Any

PAGES = {"guide/qca", "guide/experiments"}
_BLOCK = re.compile(r"^```python\n(.*?)^```\n", re.S | re.M)


def _shown(value: Any) -> str | None:
    if value is None or type(value).__module__.startswith("matplotlib"):
        return None
    if isinstance(value, list | tuple) and value and all(
            type(v).__module__.startswith("matplotlib") for v in value):
        return None
    if type(value).__str__ is not object.__str__ and not isinstance(value, str):
        return str(value)
    return repr(value)


def run_snippet(code: str, namespace: dict[str, Any], name: str) -> str:
    """Run ``code`` as an interactive session would; return everything it shows."""
    out = io.StringIO()
    tree = ast.parse(code, name)
    with contextlib.redirect_stdout(out):
        for node in tree.body:
            if isinstance(node, ast.Expr):
                value = eval(compile(ast.Expression(node.value), name, "eval"), namespace)
                text = _shown(value)
                if text is not None:
                    print(text)
            else:
                exec(compile(ast.Module([node], type_ignores=[]), name, "exec"), namespace)
    return "\n".join(line.rstrip() for line in out.getvalue().rstrip().splitlines())


def _source_read(app: Any, docname: str, source: list[str]) -> None:
    if docname not in PAGES:
        return
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    namespace: dict[str, Any] = {}
    cwd = os.getcwd()
    os.chdir(app.confdir.parent)   # snippets read files relative to the repository
    try:
        def add_output(match: re.Match[str]) -> str:
            shown = run_snippet(match.group(1), namespace, f"{docname}.md")
            plt.close("all")
            if not shown:
                return match.group(0)
            return (f"{match.group(0)}\n```{{code-block}} text\n:class: snippet-output\n"
                    f":caption: Output\n\n{shown}\n```\n")

        source[0] = _BLOCK.sub(add_output, source[0])
    finally:
        os.chdir(cwd)


def setup(app: Any) -> dict[str, Any]:
    app.connect("source-read", _source_read)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
