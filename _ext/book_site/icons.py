"""The theme's icon fonts cut down to the glyphs the site shows.

pydata-sphinx-theme draws its icons (menu, search, colour mode, the notes'
symbols) with Font Awesome's web fonts: 157 + 118 + 25 KB for about fifteen
glyphs. After the build, each font is subset (fontTools) to the code points
the site can show: those of the ``fa-*`` classes its pages use, and every
icon character the theme's stylesheets put in ``content`` or in a
``--pst-icon-*`` property. The fonts keep their names and format, so the
theme's stylesheet is unchanged. The subset starts from the installed
theme's own files, so a later build that shows a new icon still finds it.
"""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

WEBFONTS = "_static/vendor/fontawesome/webfonts"
_CLASS = re.compile(r'class="([^"]*)"')
_ICON_CLASS = re.compile(r"\bfa-([a-z0-9-]+)")
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_PRIVATE = range(0xE000, 0xF900)


def _css_chars(value: str) -> set[int]:
    """Icon code points in a CSS value: private-use characters, written or escaped."""
    points = {int(h, 16) for h in re.findall(r"\\([0-9a-fA-F]{4,6})", value)}
    points |= {ord(ch) for ch in value}
    return {p for p in points if p in _PRIVATE}


def used_code_points(outdir: Path) -> set[int]:
    names = set()
    for page in outdir.rglob("*.html"):
        for classes in _CLASS.findall(page.read_text(encoding="utf-8", errors="replace")):
            names |= set(_ICON_CLASS.findall(classes))
    points = set()
    for css in (outdir / "_static").rglob("*.css"):
        text = css.read_text(encoding="utf-8", errors="replace")
        for selectors, body in _RULE.findall(text):
            chars = _css_chars(body)
            if not chars:
                continue
            icon_rules = [s.strip() for s in selectors.split(",")]
            only_fa = all(re.fullmatch(r"\.fa-[a-z0-9-]+:{1,2}(before|after)", s) for s in icon_rules)
            if not only_fa or any(re.match(rf"\.fa-{re.escape(n)}:", s) for s in icon_rules for n in names):
                points |= chars
    return points


def _theme_webfonts() -> Path:
    import pydata_sphinx_theme

    return Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static" / "vendor" / "fontawesome" / "webfonts"


def _subset(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    from fontTools import subset
    from fontTools.ttLib import TTFont

    outdir = Path(app.outdir)
    points = used_code_points(outdir)
    for source in sorted(_theme_webfonts().glob("*.woff2")):
        target = outdir / WEBFONTS / source.name
        if not target.exists():
            continue
        font = TTFont(source)
        keep = points & set(font.getBestCmap())
        options = subset.Options()
        options.flavor = "woff2"
        options.layout_features = []
        options.name_IDs = []
        options.notdef_outline = True
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=sorted(keep) or [0x20])
        subsetter.subset(font)
        font.flavor = "woff2"
        font.save(target)
        logger.info(f"[book_site] {source.name}: {len(keep)} glyphs, {target.stat().st_size} bytes")


def setup(app):
    app.connect("build-finished", _subset)
