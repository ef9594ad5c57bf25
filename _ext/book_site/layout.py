"""Page layout: sidebar toggles, one search box, lean scripts, descriptions.

Sidebar toggles. pydata-sphinx-theme binds its toggles with
``document.querySelector(".primary-toggle")``: the first such button on the
page. Its own header (``#pst-header``) holds one, but sphinx-book-theme
hides that header and shows its own toggles in the article header, so the
theme's script bound a button nobody can see and the visible ones did
nothing (on a phone, the chapter list could not be opened). The header is
only drawn when a ``navbar_*`` option lists something; PST fills
``navbar_persistent`` with a search field by default. Setting it empty drops
the hidden header, and the visible toggles are the ones the script binds.
That header's search field and the sidebar's were two of three search boxes;
the sidebar's goes too, leaving the article header's search button.

Colour mode. A reader whose system is dark gets the dark palette from the
first paint, not after the theme's deferred script has run.

Scripts. Every script file is deferred (they keep their order) and search's
index, with the scripts that read it, loads only on the search page: the
search dialog elsewhere is a form that opens that page. sphinx-thebe's files
and its CDN address are dropped (the book has no live-code button), and so
is fontawesome.js (1.5 MB, which redraws every icon as SVG): the theme's
stylesheet draws the same icons from its web fonts (see ``icons``).

A hidden code cell tagged ``solution`` offers "Show solution". Each page
gets a ``<meta name="description">`` from its first paragraph, and the root
page is a copy of the book's first page instead of a redirect.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from docutils import nodes
from sphinx.util import logging

from . import postprocess
from .i18n import translate

logger = logging.getLogger(__name__)

SIDEBAR = ["navbar-logo.html", "icon-links.html", "sbt-sidebar-nav.html"]
SEARCH_ONLY = ("_static/searchtools.js", "_static/language_data.js", "searchindex.js")
DESCRIPTION_CHARS = 160


def _configure(app, config):
    options = config.html_theme_options
    options["navbar_persistent"] = []
    options.setdefault("navbar_end", [])
    if not config.html_sidebars:
        config.html_sidebars = {"**": SIDEBAR}


def _is_thebe(asset) -> bool:
    name = getattr(asset, "filename", asset) or ""
    body = getattr(asset, "attributes", {}).get("body", "")
    return "sphinx-thebe" in name or "THEBE_JS_URL" in body


def _unused(asset, body: str) -> bool:
    """An extension's file that this page has nothing for (or sphinx-thebe's)."""
    if _is_thebe(asset):
        return True
    name = getattr(asset, "filename", asset) or ""
    inline = getattr(asset, "attributes", {}).get("body", "")
    if ("sphinx-design" in name or "design-tabs" in name) and 'class="sd-' not in body:
        return True
    togglebutton = "togglebutton" in name or "toggleHint" in inline
    togglebutton = (
        togglebutton
        or "toggleOpenOnPrint" in inline
        or "togglebuttonSelector" in inline
    )
    return togglebutton and not re.search(r'class="[^"]*\b(toggle|dropdown)\b', body)


def _lean_assets(app, pagename, templatename, context, doctree):
    """Each script once (sphinx-thebe adds its inline one twice), only what the page uses.

    No thebe; sphinx-design's and sphinx-togglebutton's files only on pages
    that have their elements: each stylesheet left out is one request fewer
    before the first paint.
    """
    body = context.get("body", "")
    seen, kept = set(), []
    for js in context.get("script_files", []):
        key = (
            getattr(js, "filename", js) or "",
            repr(sorted(getattr(js, "attributes", {}).items())),
        )
        if key not in seen and not _unused(js, body):
            seen.add(key)
            kept.append(js)
    context["script_files"] = kept
    context["css_files"] = [
        c for c in context.get("css_files", []) if not _unused(c, body)
    ]
    if "body" in context:
        # MyST-NB labels each hidden cell's <summary> "Toggle hidden content",
        # which hides its visible text from screen readers (axe:
        # label-content-name-mismatch); without the label the text names it.
        context["body"] = context["body"].replace(
            '<summary aria-label="Toggle hidden content">', "<summary>"
        )


def first_paragraph(doctree) -> str:
    """The text of the page's first paragraph of prose (not a cell or a note)."""
    for para in doctree.findall(nodes.paragraph):
        parent, inside = para.parent, False
        while parent is not None:
            if isinstance(
                parent, (nodes.Admonition, nodes.table, nodes.footnote, nodes.sidebar)
            ) or (isinstance(parent, nodes.container) and parent.get("nb_element")):
                inside = True
                break
            parent = parent.parent
        text = " ".join(para.astext().split())
        if not inside and len(text) > 40:
            return text
    return ""


def shorten(text: str, limit: int = DESCRIPTION_CHARS) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def _description(app, pagename, templatename, context, doctree):
    if doctree is None or 'name="description"' in context.get("metatags", ""):
        return
    text = shorten(first_paragraph(doctree))
    if text:
        escaped = text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
        context["metatags"] = (
            context.get("metatags", "")
            + f'\n<meta name="description" content="{escaped}" />'
        )
    elif pagename not in ("search", "genindex"):
        logger.warning(
            f"no paragraph to describe {pagename} with",
            location=pagename,
            type="book",
            subtype="description",
        )


_SCRIPT = re.compile(r"<script\b([^>]*)>\s*</script>", re.S)


def _defer_scripts(app, pagename, html):
    head, sep, rest = html.partition("</head>")
    if not sep:
        return html

    def fix(m):
        attrs = m.group(1)
        src = re.search(r'\bsrc="([^"]*)"', attrs)
        if not src:
            return m.group(0)
        path = src.group(1).split("?")[0]
        if pagename != "search" and path.endswith(SEARCH_ONLY):
            return ""
        if "sphinx-thebe" in path or path.endswith("scripts/fontawesome.js"):
            return ""
        if re.search(r"\b(defer|async)\b", attrs) or 'type="module"' in attrs:
            return m.group(0)
        return f"<script defer{attrs}></script>"

    head = _SCRIPT.sub(fix, head)
    # theme.css only @imports basic.css: link basic.css itself and save the
    # round trip the import costs before the first paint.
    head = re.sub(
        r'href="([^"]*_static/)styles/theme\.css(\?[^"]*)?"',
        r'href="\1basic.css"',
        head,
    )
    return head + sep + rest


# The theme picks the light or dark palette for "auto" in its deferred
# script; until then a dark-mode reader would see the light page flash. The
# same choice, made at once in the head:
THEME_NOW = (
    '<script>(function (d) { if (d.dataset.theme === "auto") '
    'd.dataset.theme = matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light"; })'
    "(document.documentElement);</script>"
)


def _theme_at_once(app, pagename, html):
    marker = 'localStorage.getItem("theme") || "'
    at = html.find(marker)
    end = html.find("</script>", at)
    if at < 0 or end < 0 or THEME_NOW in html:
        return html
    end += len("</script>")
    return html[:end] + "\n  " + THEME_NOW + html[end:]


SOLUTION_TAG = "solution"
SOLUTION_PROMPTS = ("Show solution", "Hide solution")


def _solution_prompts(app, doctree):
    """A hidden cell tagged `solution` reads "Show solution", not "Show code cell source"."""
    for node in doctree.findall(nodes.container):
        if node.get("nb_element") == "cell_code" and f"tag_{SOLUTION_TAG}" in node.get(
            "classes", []
        ):
            show, hide = SOLUTION_PROMPTS
            node["prompt_show"] = translate(app, show)
            node["prompt_hide"] = translate(app, hide)


def _root_page(app, exception):
    """index.html: the first page itself, not a redirect that costs a round trip."""
    if (
        exception is not None
        or app.builder.format != "html"
        or app.config.root_doc == "index"
    ):
        return
    outdir = Path(app.outdir)
    first = outdir / f"{app.config.root_doc}.html"
    if first.exists():
        shutil.copyfile(first, outdir / "index.html")


def setup(app):
    postprocess.setup(app)
    app.connect("config-inited", _configure)
    app.connect("html-page-context", _lean_assets)
    app.connect("doctree-read", _solution_prompts)
    app.connect("html-page-context", _description, priority=900)
    postprocess.register(_defer_scripts)
    postprocess.register(_theme_at_once)
    # Before sphinx-external-toc writes its redirect (it keeps an existing file).
    app.connect("build-finished", _root_page, priority=400)
