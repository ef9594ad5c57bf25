"""An interactive figure that works with a kernel and without one.

The reader's notebook builds a matplotlib figure once and writes a small
``draw(**values)`` function that moves its artists (set_data, set_text, ...).
``explore`` turns the pair into one output that carries two views:

* ``application/vnd.jupyter.widget-view+json``: live ipywidgets controls, used
  by JupyterLab and Colab, where a kernel runs (``live.py``);
* ``text/html``: the kernel-free twin, every frame the controls can reach
  rendered up front and scrubbed in the page by a small player
  (``twin.py``, ``player.js``), used by the website (``_config.yml`` drops
  the widget view there).

Frames are drawn by ``frames.py``, once each: a live move after the first
visit is a lookup. Controls only offer the values they were given, and a
value whose frame would show nothing is refused, so no position can break
the figure.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Callable
from typing import Any

import matplotlib.pyplot as plt

from .controls import Control
from .frames import Frames
from .live import live_view
from .twin import PIXEL_RATIO, twin_html

__all__ = ["Control", "Explorable", "explore"]

# Figures are laid out at this many pixels per inch of the figure's size (a
# 6.4-inch figure is 461 CSS pixels wide) and drawn at PIXEL_RATIO times as many.
CSS_DPI = 72

# How many live views this kernel has made: part of each view's model id, so
# that a fresh kernel gives every figure the id it had last time (the stored
# notebook stays byte-identical) and a cell run twice still gets a new one.
_VIEWS_MADE = itertools.count()


class Explorable:
    """A figure, the function that redraws it and the controls that drive it."""

    def __init__(
        self, fig, draw: Callable[..., Any], controls: list[Control], alt: str
    ):
        self.fig = fig
        self.alt = alt
        self.controls = list(controls)
        self.frames = Frames(fig, draw, self.controls)

    def __repr__(self) -> str:
        return f"<interactive figure: {self.alt}>"

    def twin_html(self) -> str:
        """The kernel-free twin (HTML with every frame and the player)."""
        return twin_html(self.frames, self.alt)

    def widget(self):
        """ipywidgets controls and the picture of the chosen frame."""
        return live_view(self.frames, self.alt, model_id=self._model_id())

    def _model_id(self) -> str:
        """A widget model id derived from the figure, not drawn at random."""
        key = json.dumps(
            [self.alt, [c.labels for c in self.controls], next(_VIEWS_MADE)]
        )
        return hashlib.sha256(key.encode()).hexdigest()[:32]

    def _repr_mimebundle_(self, include=None, exclude=None):
        # The widget's part is written out as ipywidgets 8 writes it: Colab
        # comes with ipywidgets 7, whose widgets display themselves through
        # _ipython_display_ and have no _repr_mimebundle_ to borrow.
        view = self.widget()
        return {
            "application/vnd.jupyter.widget-view+json": {
                "version_major": 2,
                "version_minor": 0,
                "model_id": view.model_id,
            },
            "text/html": self.twin_html(),
            "text/plain": repr(self),
        }


def explore(fig, draw: Callable[..., Any], alt: str, **controls) -> Explorable:
    """Make ``fig`` interactive: ``draw(**values)`` updates it for one choice.

    Each keyword names a control and gives the values it may take, either as a
    sequence or as ``{"values": ..., "fmt": "{:.1e}", "start": value}``.
    ``draw`` should return the artists it changed (as for FuncAnimation with
    blit=True); then only those are redrawn from frame to frame.
    """
    if not alt:
        raise ValueError("an interactive figure needs alt text")
    if not controls:
        raise ValueError("an interactive figure needs at least one control")
    plt.close(fig)  # shown through the explorable, not a second time by inline
    fig.set_dpi(CSS_DPI * PIXEL_RATIO)
    return Explorable(fig, draw, [Control.make(n, s) for n, s in controls.items()], alt)
