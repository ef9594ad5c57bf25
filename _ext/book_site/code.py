"""Highlighted code without the spans that change nothing.

Pygments wraps every name, bracket and space of a code cell in a span of its
own (``<span class="n">w</span>``). In the theme's light and dark styles
those tokens have exactly the colour of the code block's plain text, so the
spans draw nothing: they were about a third of a chapter page's HTML. This
unwraps the spans of every token class that both styles leave plain; a style
that colours names differently keeps them, since the classes are worked out
from the styles the theme uses when the build starts.
"""

from __future__ import annotations

import re

from pygments.styles import get_style_by_name
from pygments.token import STANDARD_TYPES, Token

from . import postprocess

# pydata-sphinx-theme's defaults (theme.conf); a theme option may change them.
DEFAULT_STYLES = ("a11y-high-contrast-light", "a11y-high-contrast-dark")
PLAIN: set[str] = set()


def plain_classes(style_names) -> set[str]:
    """Token classes drawn exactly like plain text in every one of the styles."""
    found = None
    for name in style_names:
        style = get_style_by_name(name)
        text = style.style_for_token(Token.Text)
        here = {
            cls
            for token, cls in STANDARD_TYPES.items()
            if cls and style.style_for_token(token) == text
        }
        found = here if found is None else found & here
    return found or set()


def _choose(app):
    options = app.config.html_theme_options or {}
    styles = (
        options.get("pygments_light_style", DEFAULT_STYLES[0]),
        options.get("pygments_dark_style", DEFAULT_STYLES[1]),
    )
    PLAIN.clear()
    PLAIN.update(plain_classes(styles))


def _unwrap(app, pagename, html):
    if not PLAIN or '<div class="highlight">' not in html:
        return html
    classes = "|".join(sorted(map(re.escape, PLAIN)))
    return re.sub(rf'<span class="(?:{classes})">([^<]*)</span>', r"\1", html)


def setup(app):
    app.connect("builder-inited", _choose)
    postprocess.register(_unwrap)
