"""The kernel-free twin: every frame, the controls and a small player, in HTML.

The twin is self-contained (frames as data URIs, the player inline) so that
it works wherever the notebook's HTML output is shown with its scripts. The
book's website takes the frames out into files (``_ext/book_site``).
"""

from __future__ import annotations

import base64
import html
import json
import struct
from functools import lru_cache
from importlib import resources

from .frames import Frames
from .i18n import translator

# Frames are drawn at this many pixels per CSS pixel, for hi-dpi screens.
PIXEL_RATIO = 2
NOTE = "Run this cell to move the figure: its controls need the running notebook."


@lru_cache(maxsize=1)
def player_js() -> str:
    """The twin's player (gdlab/player.js, shipped with the package)."""
    return resources.files("gdlab").joinpath("player.js").read_text(encoding="utf-8")


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def css_size(png: bytes) -> tuple[int, int]:
    """The size a frame is shown at, in CSS pixels."""
    w, h = struct.unpack(">II", png[16:24])
    return round(w / PIXEL_RATIO), round(h / PIXEL_RATIO)


def picture_html(
    frame: bytes,
    alt: str,
    background: bytes | None = None,
    frame_src: str | None = None,
) -> str:
    """The figure for one frame: the background and the moving layer stacked.

    The styles are inline because a notebook front end has no book.css; the
    margins are zeroed because the classic Notebook puts one between images.
    """
    alt = html.escape(alt)
    w, h = css_size(frame)
    size = f'width="{w}" height="{h}"'
    src = frame_src or data_uri(frame)
    img = "display:block;margin:0;max-width:100%;height:auto"
    if background is None:
        return f'<img class="gdlab-frame" src="{src}" alt="{alt}" {size} style="{img}">'
    return (
        f'<div class="gdlab-picture" style="position:relative;width:{w}px;max-width:100%;margin:0">'
        f'<img class="gdlab-background" src="{data_uri(background)}" alt="{alt}" {size} style="{img}">'
        f'<img class="gdlab-frame" src="{src}" alt="" {size} '
        'style="position:absolute;left:0;top:0;width:100%;height:100%;margin:0">'
        "</div>"
    )


def controls_html(frames: Frames) -> str:
    rows = []
    for k, c in enumerate(frames.controls):
        start = c.start_index
        name = html.escape(c.name)
        if c.is_choice:
            options = "".join(
                f'<option value="{i}"{" selected" if i == start else ""}>{html.escape(lab)}</option>'
                for i, lab in enumerate(c.labels)
            )
            widget = f'<select data-k="{k}" disabled>{options}</select>'
        else:
            widget = (
                f'<input type="range" data-k="{k}" min="0" max="{len(c.values) - 1}" step="1" '
                f'value="{start}" aria-valuetext="{html.escape(c.labels[start])}" disabled>'
            )
        rows.append(
            f'<label class="gdlab-control"><span class="gdlab-name">{name}</span>{widget}'
            f"<output>{html.escape(c.labels[start])}</output></label>"
        )
    return f'<div class="gdlab-controls">{"".join(rows)}</div>'


def twin_html(frames: Frames, alt: str) -> str:
    """Self-contained HTML: every frame, the controls and the player."""
    pngs = frames.all()
    uris = [data_uri(p) for p in pngs]
    payload = json.dumps(
        {
            "shape": frames.shape,
            "labels": [c.labels for c in frames.controls],
            "frames": uris,
        }
    )
    first = frames.index(frames.start)
    tr = translator()  # the kernel's language (gdlab/i18n.py)
    return (
        '<div class="gdlab-twin">'
        f"{controls_html(frames)}"
        f'<p class="gdlab-note"><small>{html.escape(tr(NOTE))}</small></p>'
        f"{picture_html(pngs[first], tr(alt), frames.background, frame_src=uris[first])}"
        f'<script type="application/json" class="gdlab-data">{payload}</script>'
        f"<script>{player_js()}</script>"
        "</div>"
    )
