"""The questions' styles and script, served once per page.

Each ``gdlab.quiz`` output carries its own styles and script so that it
works alone in a notebook. A chapter page holds five to seven of them; here
they are taken out and the page loads ``_static/gdlab-quiz.css`` and
``_static/gdlab-quiz.js`` (deferred) once instead.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from gdlab.i18n import translator
from gdlab.quiz import (
    SITE_CSS,
    SITE_JS,
    load_chapter,
    quiz_html,
    site_assets,
    without_inline_assets,
)

from . import postprocess
from .i18n import language
from .twins import relative_root

QUIZ = re.compile(
    r'<div class="gdlab-quiz" data-chapter="([^"]+)"[^>]*>.*?</div>', re.S
)
FORM = re.compile(
    r'<form class="gdlab-q" id="[^"]*" data-qid="([^"]+)">.*?'
    r'<script type="application/json" class="gdlab-q-data">(.*?)</script>',
    re.S,
)


def _in_edition_language(app, pagename, html):
    """The stored (English) questions drawn again in the edition's language.

    The notebooks keep English outputs (the Korean notebooks' outputs are
    the English ones, byte for byte); the questions and the numbers the
    chapter computed are read back from the output and drawn anew.
    """
    lang = language(app)
    if lang == "en" or 'class="gdlab-quiz"' not in html:
        return html
    tr = translator(lang)

    def redraw(m):
        chapter = m.group(1)
        bank = load_chapter(chapter)
        questions, values = [], {}
        for qid, payload in FORM.findall(m.group(0)):
            questions.append(bank[qid])
            data = json.loads(payload.replace("<\\/", "</"))
            if data.get("kind") == "number":
                values[qid] = data["value"]
        return quiz_html(chapter, questions, values, tr)

    return QUIZ.sub(redraw, html)


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
    postprocess.register(_in_edition_language)
    postprocess.register(_serve_once)
    app.connect("build-finished", _copy_assets)
