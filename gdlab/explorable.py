"""An interactive figure that works with a kernel and without one.

The reader's notebook builds a matplotlib figure once and writes a small
``draw(**values)`` function that moves its artists (set_data, set_text, ...).
``explore`` turns the pair into one output that carries two views:

* ``application/vnd.jupyter.widget-view+json``: live ipywidgets controls, used
  by JupyterLab and Colab, where a kernel runs;
* ``text/html``: the kernel-free twin, every frame the controls can reach
  rendered up front and scrubbed in the page by a few lines of JavaScript,
  used by the website (``_config.yml`` drops the widget view there).

Controls only offer the values they were given, so no position can break the
figure, and each frame is drawn once: a live move after the first visit is a
lookup.
"""

from __future__ import annotations

import base64
import html
import io
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from PIL import Image

__all__ = ["Control", "Explorable", "explore", "EXPLORABLES"]

# Every figure made by ``explore`` in this process, in order (the benchmark
# times their redraws in the kernel that ran a chapter).
EXPLORABLES: list = []

# Frames are small PNGs: enough for a screen, small enough that a page with a
# few twins stays well under the book's 2.5 MB page budget.
DEFAULT_DPI = 72
# Colours per frame: plenty for lines, markers and text over a still background.
FRAME_COLORS = 128


@dataclass(frozen=True)
class Control:
    """One control: a name, the values it may take and how to show them."""

    name: str
    values: tuple
    labels: tuple
    start: int

    @classmethod
    def make(cls, name: str, spec: Any) -> "Control":
        """Build from a sequence of values or a dict with values/fmt/start."""
        if isinstance(spec, Control):
            return spec
        fmt = None
        start = None
        if isinstance(spec, dict):
            values = spec["values"]
            fmt = spec.get("fmt")
            start = spec.get("start")
        else:
            values = spec
        values = tuple(v.item() if hasattr(v, "item") else v for v in values)
        if not values:
            raise ValueError(f"control {name!r} has no values")
        if fmt is None:
            fmt = "{}" if isinstance(values[0], str) else "{:.3g}"
        labels = tuple(fmt.format(v) for v in values)
        if len(set(labels)) != len(labels):
            raise ValueError(
                f"control {name!r}: two values print the same with {fmt!r}; "
                "give a format that tells them apart"
            )
        if start is None:
            index = len(values) // 2
        elif start in values:
            index = values.index(start)
        else:
            # The nearest reachable value, so a start between steps still works.
            index = min(range(len(values)), key=lambda i: abs(values[i] - start))
        return cls(name, values, labels, index)

    @property
    def is_choice(self) -> bool:
        return isinstance(self.values[0], str)


@dataclass
class Explorable:
    """A figure, the function that redraws it and the controls that drive it."""

    fig: Any
    draw: Callable[..., Any]
    controls: list[Control]
    alt: str
    dpi: int = DEFAULT_DPI
    _frames: dict = field(default_factory=dict, repr=False)
    _canvas: Any = field(default=None, repr=False)
    _moving: Any = field(default=None, repr=False)
    background: bytes | None = field(default=None, repr=False)

    # -- frames -----------------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(c.values) for c in self.controls)

    @property
    def n_frames(self) -> int:
        n = 1
        for s in self.shape:
            n *= s
        return n

    def positions(self):
        """Every combination of control positions, in the twin's frame order."""
        return itertools.product(*(range(s) for s in self.shape))

    def values_at(self, position: Sequence[int]) -> dict:
        return {c.name: c.values[i] for c, i in zip(self.controls, position)}

    @staticmethod
    def _png(rgba, colors: int | None = None) -> bytes:
        """Encode an RGBA buffer; with ``colors``, as a palette image.

        Frames are quantized (a moving layer of lines and text needs few
        colours), which makes them about three times smaller; the background,
        drawn once, keeps full colour.
        """
        image = Image.fromarray(np.asarray(rgba))
        if colors:
            image = image.quantize(colors=colors, method=Image.Quantize.FASTOCTREE)
        buf = io.BytesIO()
        image.save(buf, format="png", compress_level=6)
        return buf.getvalue()

    def _prepare(self) -> None:
        """Draw what never moves once; remember which artists ``draw`` moves.

        If ``draw`` returns the artists it changed (matplotlib's blitting
        convention, as in FuncAnimation), the still parts become one background
        image and each frame holds only the moving artists on a transparent
        layer: a frame costs a few ms and a few kB. If it returns None, each
        frame is the whole figure.
        """
        if self._canvas is not None:
            return
        self._canvas = FigureCanvasAgg(self.fig)
        artists = self.draw(**self.values_at(self.start))
        if artists is None:
            return
        self._moving = list(artists)
        # Matplotlib's own blitting recipe: animated artists are left out of a
        # full draw (which also fixes the layout) and drawn on their own.
        for a in self._moving:
            a.set_animated(True)
        self._canvas.draw()
        self.fig.set_layout_engine("none")  # the layout must not move between frames
        self.background = self._png(self._canvas.buffer_rgba())

    def render(self, position: Sequence[int]) -> bytes:
        """Draw the figure for one position and return it as PNG bytes."""
        self._prepare()
        artists = self.draw(**self.values_at(position))
        if self._moving is None:
            self._canvas.draw()
        else:
            self._canvas.get_renderer().clear()  # transparent
            for a in artists:
                self.fig.draw_artist(a)
        return self._png(self._canvas.buffer_rgba(), colors=FRAME_COLORS)

    def frame(self, position: Sequence[int]) -> bytes:
        """PNG bytes for a position, drawn on first use and kept."""
        position = tuple(position)
        if position not in self._frames:
            self._frames[position] = self.render(position)
        return self._frames[position]

    def time_redraws(self, control: int | None = None) -> list[float]:
        """Seconds taken to draw each position afresh (for the benchmark).

        With ``control`` (an index), only that control moves, over all its
        values, the others staying at their start.
        """
        if control is None:
            positions = list(self.positions())
        else:
            positions = [
                tuple(i if k == control else s for k, s in enumerate(self.start))
                for i in range(self.shape[control])
            ]
        times = []
        for position in positions:
            t0 = time.perf_counter()
            self.render(position)
            times.append(time.perf_counter() - t0)
        return times

    @property
    def start(self) -> tuple[int, ...]:
        return tuple(c.start for c in self.controls)

    @staticmethod
    def _uri(png: bytes) -> str:
        return "data:image/png;base64," + base64.b64encode(png).decode("ascii")

    def picture_html(self, frame_uri: str) -> str:
        """The figure for one frame: background and moving layer stacked."""
        alt = html.escape(self.alt)
        if self.background is None:
            return f'<img class="gdlab-frame" src="{frame_uri}" alt="{alt}" style="max-width:100%;height:auto">'
        return (
            '<div class="gdlab-picture" style="position:relative;display:inline-block;max-width:100%">'
            f'<img src="{self._uri(self.background)}" alt="{alt}" style="display:block;max-width:100%;height:auto">'
            f'<img class="gdlab-frame" src="{frame_uri}" alt="" '
            'style="position:absolute;left:0;top:0;width:100%;height:100%">'
            "</div>"
        )

    # -- the kernel-free twin --------------------------------------------------
    def twin_html(self) -> str:
        """Self-contained HTML: every frame, the controls and a tiny player."""
        frames = [self._uri(self.frame(p)) for p in self.positions()]
        controls = []
        for k, c in enumerate(self.controls):
            if c.is_choice:
                options = "".join(
                    f'<option value="{i}"{" selected" if i == c.start else ""}>{html.escape(lab)}</option>'
                    for i, lab in enumerate(c.labels)
                )
                widget = f'<select data-k="{k}">{options}</select>'
            else:
                widget = (
                    f'<input type="range" data-k="{k}" min="0" max="{len(c.values) - 1}" '
                    f'step="1" value="{c.start}" aria-valuetext="{html.escape(c.labels[c.start])}">'
                )
            controls.append(
                f'<label class="gdlab-control">{html.escape(c.name)} {widget} '
                f'<output>{html.escape(c.labels[c.start])}</output></label>'
            )
        payload = json.dumps({"shape": self.shape, "labels": [c.labels for c in self.controls], "frames": frames})
        return (
            '<div class="gdlab-twin">'
            f'<div class="gdlab-controls">{"".join(controls)}</div>'
            f"{self.picture_html(frames[self._index(self.start)])}"
            f'<script type="application/json" class="gdlab-data">{payload}</script>'
            f"<script>{_PLAYER_JS}</script>"
            "</div>"
        )

    def _index(self, position: Sequence[int]) -> int:
        index = 0
        for size, i in zip(self.shape, position):
            index = index * size + i
        return index

    # -- the live view ----------------------------------------------------------
    def widget(self):
        """ipywidgets controls and the picture of the chosen frame."""
        import ipywidgets as widgets

        view = widgets.HTML(self.picture_html(self._uri(self.frame(self.start))))
        inputs = []
        for c in self.controls:
            options = list(zip(c.labels, range(len(c.values))))
            if c.is_choice:
                w = widgets.ToggleButtons(options=options, value=c.start, description=c.name)
            else:
                w = widgets.SelectionSlider(
                    options=options, value=c.start, description=c.name,
                    continuous_update=True, layout=widgets.Layout(width="420px"),
                )
            inputs.append(w)

        def update(_change=None):
            position = [w.value for w in inputs]
            view.value = self.picture_html(self._uri(self.frame(position)))

        for w in inputs:
            w.observe(update, names="value")
        return widgets.VBox([*inputs, view])

    def _repr_mimebundle_(self, include=None, exclude=None):
        # The widget's part is written out as ipywidgets 8 writes it: Colab
        # comes with ipywidgets 7, whose widgets display themselves through
        # _ipython_display_ and have no _repr_mimebundle_ to borrow.
        view = self.widget()
        return {
            "application/vnd.jupyter.widget-view+json": {
                "version_major": 2, "version_minor": 0, "model_id": view.model_id,
            },
            "text/html": self.twin_html(),
            "text/plain": f"<interactive figure: {self.alt}>",
        }


def explore(fig, draw: Callable[..., Any], alt: str, dpi: int = DEFAULT_DPI, **controls) -> Explorable:
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
    fig.set_dpi(dpi)
    ex = Explorable(fig, draw, [Control.make(n, s) for n, s in controls.items()], alt, dpi)
    EXPLORABLES.append(ex)
    return ex


# The twin's player: finds its own container, maps the controls' positions to
# a frame (row-major, like Explorable.positions) and swaps the moving layer.
_PLAYER_JS = """
(function () {
  var root = document.currentScript.parentElement;
  var data = JSON.parse(root.querySelector('.gdlab-data').textContent);
  var img = root.querySelector('.gdlab-frame');
  var inputs = root.querySelectorAll('[data-k]');
  function show() {
    var index = 0;
    inputs.forEach(function (el) {
      var k = +el.dataset.k, i = +el.value;
      index = index * data.shape[k] + i;
      var text = data.labels[k][i];
      el.parentElement.querySelector('output').textContent = text;
      if (el.type === 'range') { el.setAttribute('aria-valuetext', text); }
    });
    img.src = data.frames[index];
  }
  inputs.forEach(function (el) { el.addEventListener('input', show); });
})();
"""
