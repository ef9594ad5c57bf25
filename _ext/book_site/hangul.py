"""Korean text readable on every machine, at the cost of a few kilobytes.

Most readers' systems have a Korean font (Apple SD Gothic Neo, Malgun
Gothic, Noto Sans CJK), and ``assets/book.css``'s "Book Hangul" face is that
font (``local()``) where it exists. A system without one (many Linux
installs, this book's test machine) would draw every Hangul syllable as an
empty box. For those, the face falls back to Nanum Gothic (SIL Open Font
License, from ``@fontsource/nanum-gothic`` in ``package.json``) cut down,
after the build, to the Korean characters the edition's pages and scripts
use: about 760 syllables, 80 KB instead of 340 KB. One weight: a bold
file would double what such a reader downloads. The face covers only Hangul (``unicode-range``): Latin text keeps the
system's font, and a page without Korean fetches nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

SOURCE = "node_modules/@fontsource/nanum-gothic/files/nanum-gothic-korean-{weight}-normal.woff2"
TARGET = "_static/fonts/book-hangul-{weight}.woff2"
WEIGHTS = (400,)  # one file; assets/book.css says how bold is drawn
# Hangul syllables, compatibility jamo, CJK symbols and punctuation,
# halfwidth and fullwidth forms: the characters the font is served for
# (book.css's unicode-range says the same).
RANGES = (
    range(0xAC00, 0xD7A4),
    range(0x3130, 0x3190),
    range(0x3000, 0x3040),
    range(0xFF00, 0xFFF0),
)


ESCAPED = re.compile(r"\\u([0-9a-fA-F]{4})")


def korean(ch: str) -> bool:
    return any(ord(ch) in r for r in RANGES)


def used_characters(outdir: Path, skip: Path | None = None) -> set[str]:
    """The Korean characters of every page and script of one edition."""
    found: set[str] = set()
    for path in outdir.rglob("*"):
        if path.suffix not in (".html", ".js") or not path.is_file():
            continue
        if skip is not None and path.is_relative_to(skip):
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        # searchindex.js and the translations write non-ASCII as \\uXXXX.
        text += "".join(chr(int(h, 16)) for h in ESCAPED.findall(text))
        found |= {ch for ch in text if korean(ch)}
    return found


def _subset(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    from fontTools import subset
    from fontTools.ttLib import TTFont

    outdir = Path(app.outdir)
    root = Path(app.srcdir)
    # The English edition's folder holds the Korean one (ko/): not its pages.
    skip = (
        outdir / "ko"
        if (outdir / "ko").is_dir() and app.config.language in (None, "en")
        else None
    )
    chars = used_characters(outdir, skip)
    for weight in WEIGHTS:
        source = root / SOURCE.format(weight=weight)
        target = outdir / TARGET.format(weight=weight)
        if not source.exists():
            logger.warning(
                f"{source} is missing: run npm ci (make does)",
                type="book",
                subtype="hangul",
            )
            return
        font = TTFont(source)
        keep = {ord(ch) for ch in chars} & set(font.getBestCmap())
        missing = sorted(ch for ch in chars if ord(ch) not in font.getBestCmap())
        if missing and weight == WEIGHTS[0]:
            logger.warning(
                f"the Korean font has no glyph for {''.join(missing[:20])}",
                type="book",
                subtype="hangul",
            )
        options = subset.Options()
        options.flavor = "woff2"
        options.layout_features = ["*"]
        options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # keep the license
        options.notdef_outline = True
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=sorted(keep) or [0xAC00])
        subsetter.subset(font)
        font.flavor = "woff2"
        target.parent.mkdir(parents=True, exist_ok=True)
        font.save(target)
        logger.info(
            f"[book_site] {target.name}: {len(keep)} characters, {target.stat().st_size} bytes"
        )


def _preload(app, pagename, html):
    """Korean pages ask for the font at once.

    Found only through the stylesheet, the font arrives after the first
    paint on a machine without a Korean font, and every line of Hangul
    re-wraps when it does: a layout shift of 0.27 on chapter 3 (Chromium,
    4G throttling), 0.003 with the preload. The price is the one 80 KB
    download, cached for every page, also for readers whose own Korean font
    is then used instead.
    """
    if app.config.language in (None, "en") or "</head>" not in html:
        return html
    from .twins import relative_root

    href = relative_root(pagename) + TARGET.format(weight=WEIGHTS[0])
    link = f'<link rel="preload" href="{href}" as="font" type="font/woff2" crossorigin>'
    return html.replace("</head>", link + "\n</head>", 1)


def setup(app):
    from . import postprocess

    app.connect("build-finished", _subset)
    postprocess.register(_preload)
