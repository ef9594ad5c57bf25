"""The frames of an interactive figure: one picture per position of its controls.

A position is a tuple of indices, one per control; frames are numbered in
row-major order (the last control moves fastest). ``Frames.index`` is the one
place that says so; the twin's player reads the same order from the shape.
"""

from __future__ import annotations

import io
import itertools
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from PIL import Image

from .controls import Control

# Colours per frame: plenty for lines, markers and text over a still background.
FRAME_COLORS = 128
# The background (filled contours, colour maps) keeps 256 colours: a third of
# the bytes of full colour, with no visible banding at twice the pixels.
BACKGROUND_COLORS = 256


def png(rgba, colors: int | None = None) -> bytes:
    """Encode an RGBA buffer; with ``colors``, as a palette image.

    Frames are quantized (a moving layer of lines and text needs few colours),
    which makes them about three times smaller.
    """
    image = Image.fromarray(np.asarray(rgba))
    if colors:
        image = image.quantize(colors=colors, method=Image.Quantize.FASTOCTREE)
    buf = io.BytesIO()
    image.save(buf, format="png", compress_level=6)
    return buf.getvalue()


def check_visible(artists, values: dict) -> None:
    """Refuse a frame in which a moving artist given data can draw none of it.

    A line or marker whose every point is NaN or infinite draws nothing: the
    figure would be silently empty there. (An artist given no data at all is
    hidden on purpose and passes; so does one that lies outside its axes,
    which is how a divergent run leaves a figure that labels it.)
    """
    where = ", ".join(f"{k}={v!r}" for k, v in values.items())
    for artist in artists or ():
        if not hasattr(artist, "get_xydata"):
            continue
        xy = np.asarray(artist.get_xydata(), dtype=float).reshape(-1, 2)
        if xy.size and not np.isfinite(xy).all(axis=1).any():
            label = str(artist.get_label())
            name = label if not label.startswith("_") else type(artist).__name__
            raise ValueError(
                f"at {where}, draw gives {name!r} no finite point (NaN or inf only): the frame "
                "would show nothing there. Clip the values, draw and label the divergent run, "
                "or leave this value out of the control."
            )


class Frames:
    """Draws and keeps the frames of ``fig`` as ``draw(**values)`` moves it.

    If ``draw`` returns the artists it changed (matplotlib's blitting
    convention, as in FuncAnimation), the still parts become one background
    image and each frame holds only the moving artists on a transparent
    layer: a frame costs a few ms and a few kB. If it returns None, each
    frame is the whole figure.
    """

    def __init__(self, fig, draw: Callable[..., Any], controls: Sequence[Control]):
        self.fig = fig
        self.draw = draw
        self.controls = list(controls)
        self.background: bytes | None = None
        self._cache: dict = {}
        self._canvas = None
        self._moving = None

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(c.values) for c in self.controls)

    @property
    def start(self) -> tuple[int, ...]:
        return tuple(c.start_index for c in self.controls)

    def __len__(self) -> int:
        return math.prod(self.shape)

    def positions(self):
        """Every combination of control positions, in frame order."""
        return itertools.product(*(range(s) for s in self.shape))

    def index(self, position: Sequence[int]) -> int:
        """The frame number of a position (row-major)."""
        index = 0
        for size, i in zip(self.shape, position):
            index = index * size + i
        return index

    def values_at(self, position: Sequence[int]) -> dict:
        return {c.name: c.values[i] for c, i in zip(self.controls, position)}

    def _prepare(self) -> None:
        if self._canvas is not None:
            return
        self._canvas = FigureCanvasAgg(self.fig)
        values = self.values_at(self.start)
        artists = self.draw(**values)
        if artists is None:
            return
        check_visible(artists, values)
        self._moving = list(artists)
        # Matplotlib's own blitting recipe: animated artists are left out of a
        # full draw (which also fixes the layout) and drawn on their own.
        for a in self._moving:
            a.set_animated(True)
        self._canvas.draw()
        self.fig.set_layout_engine("none")  # the layout must not move between frames
        self.background = png(self._canvas.buffer_rgba(), colors=BACKGROUND_COLORS)

    def render(self, position: Sequence[int]) -> bytes:
        """Draw the figure for one position afresh and return it as PNG bytes."""
        self._prepare()
        values = self.values_at(position)
        artists = self.draw(**values)
        if self._moving is None:
            self._canvas.draw()
        else:
            check_visible(artists, values)
            self._canvas.get_renderer().clear()  # transparent
            for a in artists:
                self.fig.draw_artist(a)
        return png(self._canvas.buffer_rgba(), colors=FRAME_COLORS)

    def __getitem__(self, position: Sequence[int]) -> bytes:
        """PNG bytes for a position, drawn on first use and kept."""
        position = tuple(position)
        if position not in self._cache:
            self._cache[position] = self.render(position)
        return self._cache[position]

    def all(self) -> list[bytes]:
        """Every frame, in frame order."""
        return [self[p] for p in self.positions()]

    def clear(self) -> None:
        """Forget the drawn frames (the next visit of each draws it again)."""
        self._cache.clear()
