"""The theme's icon fonts cut down to the glyphs the site shows.

pydata-sphinx-theme draws its icons (menu, search, colour mode, the notes'
symbols) with Font Awesome's web fonts: 157 + 118 + 25 KB for about fifteen
glyphs. After the build, each font is subset (fontTools) to the code points
the site can show: those of the ``fa-*`` classes its pages use, and every
icon character the theme's stylesheets put in ``content`` or in a
``--pst-icon-*`` property. The fonts keep their names and format, so the
theme's stylesheet still finds them; its rules for the icons no page shows
(about 2000 ``.fa-NAME:before``) are dropped from the copy the site serves.
Both start from the installed theme's own files, so a later build that shows
a new icon still finds it.
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
        for classes in _CLASS.findall(
            page.read_text(encoding="utf-8", errors="replace")
        ):
            names |= set(_ICON_CLASS.findall(classes))
    points = set()
    for css in (outdir / "_static").rglob("*.css"):
        text = css.read_text(encoding="utf-8", errors="replace")
        for selectors, body in _RULE.findall(text):
            chars = _css_chars(body)
            if not chars:
                continue
            icon_rules = [s.strip() for s in selectors.split(",")]
            only_fa = all(
                re.fullmatch(r"\.fa-[a-z0-9-]+:{1,2}(before|after)", s)
                for s in icon_rules
            )
            if not only_fa or any(
                re.match(rf"\.fa-{re.escape(n)}:", s) for s in icon_rules for n in names
            ):
                points |= chars
    return points


_ICON_RULE = re.compile(r"([^{}]+)\{content:[^{}]*\}")
_ICON_SELECTOR = re.compile(r"\.fa-([a-z0-9-]+):{1,2}(?:before|after)")


def used_icon_names(outdir: Path) -> set[str]:
    names = set()
    for page in outdir.rglob("*.html"):
        for classes in _CLASS.findall(
            page.read_text(encoding="utf-8", errors="replace")
        ):
            names |= set(_ICON_CLASS.findall(classes))
    return names


def prune_icon_rules(css: str, names: set[str]) -> str:
    """Drop the ``.fa-NAME:before{content:...}`` rules of icons no page shows.

    Font Awesome's stylesheet names about 2000 icons: most of the theme's
    render-blocking CSS that a page never uses.
    """

    def keep(m):
        selectors = [s for s in m.group(1).split(",")]
        icon = [_ICON_SELECTOR.fullmatch(s.strip()) for s in selectors]
        if not all(icon):
            return m.group(0)
        kept = [s for s, i in zip(selectors, icon) if i.group(1) in names]
        return ",".join(kept) + m.group(0)[len(m.group(1)) :] if kept else ""

    return _ICON_RULE.sub(keep, css)


def _theme_webfonts() -> Path:
    import pydata_sphinx_theme

    return (
        Path(pydata_sphinx_theme.__file__).parent
        / "theme"
        / "pydata_sphinx_theme"
        / "static"
        / "vendor"
        / "fontawesome"
        / "webfonts"
    )


def _subset(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    from fontTools import subset
    from fontTools.ttLib import TTFont

    outdir = Path(app.outdir)
    points = used_code_points(outdir)
    names = used_icon_names(outdir)
    theme_css = (
        Path(_theme_webfonts()).parents[2] / "styles" / "pydata-sphinx-theme.css"
    )
    target_css = outdir / "_static" / "styles" / "pydata-sphinx-theme.css"
    if theme_css.exists() and target_css.exists():
        target_css.write_text(
            prune_icon_rules(theme_css.read_text(encoding="utf-8"), names),
            encoding="utf-8",
        )
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
        logger.info(
            f"[book_site] {source.name}: {len(keep)} glyphs, {target.stat().st_size} bytes"
        )


def setup(app):
    app.connect("build-finished", _subset)
