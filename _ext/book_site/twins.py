"""Images out of the HTML: the twins' frames become files of the site.

A kernel-free twin (``gdlab.explore``) carries its frames as base64 data URIs
so that it works inside a notebook, with no files beside it. On the website
that made chapter 1's HTML nearly 1 MB, all parsed before the first paint.
Here every data-URI image of a page is written once to ``_images/inline/``
(named by its content, so a frame shared by pages is one file) and the page
refers to it: ``<img>`` tags get the file with its width and height (no layout
shift), and the twin's frame list the files, which the player fetches at the
reader's first touch of the figure.

The twins' player (``gdlab/player.js``, shipped with gdlab) is served once as
``_static/gdlab-player.js`` instead of once per twin; the twin's notice that
only a running kernel brings the stored figure to life is for notebook front
ends and is dropped here, where the player does.
"""

from __future__ import annotations

import base64
import hashlib
import re
import struct
from importlib import resources
from pathlib import Path

from . import postprocess

FOLDER = "_images/inline"
PLAYER = "gdlab-player.js"
_DATA_URI = re.compile(r"data:image/(png|jpeg|gif|webp);base64,([A-Za-z0-9+/=]+)")
_INLINE_PLAYER = re.compile(
    r"<script>(?:(?!</script>).)*?gdlab-data(?:(?!</script>).)*?</script>", re.S
)
_NOTE = re.compile(r'<p class="gdlab-note"[^>]*>.*?</p>', re.S)
_IMG = re.compile(r"<img\b[^>]*>")


def image_size(data: bytes):
    """(width, height) of a PNG, GIF or JPEG in pixels, or None."""
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return struct.unpack(">II", data[16:24])
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return struct.unpack("<HH", data[6:10])
    if data[:2] == b"\xff\xd8":
        i = 2
        while i < len(data) - 9:
            marker, length = data[i + 1], struct.unpack(">H", data[i + 2 : i + 4])[0]
            if marker in (0xC0, 0xC1, 0xC2):
                h, w = struct.unpack(">HH", data[i + 5 : i + 9])
                return w, h
            i += 2 + length
    return None


def relative_root(pagename: str) -> str:
    return "../" * pagename.count("/")


def _extract(app, pagename, html):
    if "data:image/" not in html and 'class="gdlab-twin"' not in html:
        return html
    out = Path(app.outdir) / FOLDER
    root = relative_root(pagename)
    sizes = {}

    def write(m):
        data = base64.b64decode(m.group(2))
        name = hashlib.sha256(data).hexdigest()[:20] + "." + m.group(1)
        target = out / name
        if not target.exists():
            out.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        url = f"{root}{FOLDER}/{name}"
        sizes[url] = image_size(data)
        return url

    html = _DATA_URI.sub(write, html)

    def size(m):
        tag = m.group(0)
        src = re.search(r'\bsrc="([^"]*)"', tag)
        if (
            not src
            or src.group(1) not in sizes
            or " width=" in tag
            or not sizes[src.group(1)]
        ):
            return tag
        w, h = sizes[src.group(1)]
        return tag[:-1].rstrip("/").rstrip() + f' width="{w}" height="{h}">'

    html = _IMG.sub(size, html)
    if 'class="gdlab-twin"' in html:
        html = _INLINE_PLAYER.sub("", html)
        html = _NOTE.sub("", html)
        html = html.replace(
            "</head>",
            f'<script defer src="{root}_static/{PLAYER}"></script>\n</head>',
            1,
        )
    return html


_STYLE_SIZE = re.compile(r'\sstyle="width:\s*(\d+)px;\s*height:\s*(\d+)px;?"')


def _lazy_images(app, pagename, html):
    """Figures are sized by attributes, load as the reader scrolls, never block.

    MyST-NB writes an output image's size as an inline style, which a narrow
    screen cannot shrink without squashing the picture; as width and height
    attributes the browser keeps the aspect ratio and reserves the space.
    """
    head, sep, body = html.partition("<body")

    def lazy(m):
        tag = _STYLE_SIZE.sub(r' width="\1" height="\2"', m.group(0))
        if "loading=" in tag or "gdlab-" in tag:
            return tag  # a twin's layers must stay in step: the player manages them
        return tag[:-1].rstrip("/").rstrip() + ' loading="lazy" decoding="async">'

    return head + sep + _IMG.sub(lazy, body)


def _copy_player(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    player = resources.files("gdlab").joinpath("player.js").read_text(encoding="utf-8")
    (Path(app.outdir) / "_static" / PLAYER).write_text(player, encoding="utf-8")


def setup(app):
    postprocess.register(_extract)
    postprocess.register(_lazy_images)
    app.connect("build-finished", _copy_player)
