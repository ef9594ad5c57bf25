"""One place where a page's finished HTML passes through the book's fixes.

Sphinx renders each page with ``builder.templates.render``; wrapping that
call lets the extension change what the theme's templates write (a script
tag, an inlined image) without copying a template. Fixes register a
function ``fix(app, pagename, html) -> html``; they run in registration order.
"""

from __future__ import annotations

FIXES: list = []


def register(fix):
    # Once: both editions are built in one process, each setting the extension up.
    if fix not in FIXES:
        FIXES.append(fix)
    return fix


def _wrap_renderer(app):
    if app.builder.format != "html" or getattr(
        app.builder.templates, "_book_site", False
    ):
        return
    templates = app.builder.templates
    render = templates.render

    def render_and_fix(template, context):
        html = render(template, context)
        for fix in FIXES:
            html = fix(app, context.get("pagename", ""), html)
        return html

    templates.render = render_and_fix
    templates._book_site = True


def setup(app):
    app.connect("builder-inited", _wrap_renderer)
