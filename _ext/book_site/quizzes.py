"""The questions' styles and script, served once per page.

Each ``gdlab.quiz`` output carries its own styles and script so that it
works alone in a notebook. A chapter page holds five to seven of them; here
they are taken out and the page loads ``_static/gdlab-quiz.css`` and
``_static/gdlab-quiz.js`` (deferred) once instead.
"""

from __future__ import annotations

from pathlib import Path

from gdlab.quiz import SITE_CSS, SITE_JS, site_assets, without_inline_assets

from . import postprocess
from .twins import relative_root


def _serve_once(app, pagename, html):
    if 'class="gdlab-quiz"' not in html:
        return html
    root = relative_root(pagename)
    html = without_inline_assets(html)
    return html.replace(
        "</head>",
        f'<link rel="stylesheet" href="{root}_static/{SITE_CSS}" />\n'
        f'<script defer src="{root}_static/{SITE_JS}"></script>\n</head>',
        1,
    )


def _copy_assets(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    for name, text in site_assets().items():
        (Path(app.outdir) / "_static" / name).write_text(text, encoding="utf-8")


def setup(app):
    postprocess.register(_serve_once)
    app.connect("build-finished", _copy_assets)
