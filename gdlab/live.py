"""The live view of an interactive figure: ipywidgets controls and its picture."""

from __future__ import annotations

from .frames import Frames
from .twin import picture_html


def live_view(frames: Frames, alt: str, model_id: str | None = None):
    """A VBox of one control per ``Control`` and the picture of the chosen frame.

    Sliders offer only the control's values, so no position can break the
    figure; a frame is drawn on its first visit and kept.
    """
    import ipywidgets as widgets

    def picture(position):
        return picture_html(frames[position], alt, frames.background)

    view = widgets.HTML(picture(frames.start))
    inputs = []
    for c in frames.controls:
        options = list(zip(c.labels, range(len(c.values))))
        if c.is_choice:
            w = widgets.ToggleButtons(
                options=options, value=c.start_index, description=c.name
            )
        else:
            w = widgets.SelectionSlider(
                options=options,
                value=c.start_index,
                description=c.name,
                continuous_update=True,
                layout=widgets.Layout(width="420px", max_width="100%"),
            )
        inputs.append(w)

    def update(_change=None):
        view.value = picture([w.value for w in inputs])

    for w in inputs:
        w.observe(update, names="value")
    extra = {"model_id": model_id} if model_id else {}
    return widgets.VBox([*inputs, view], **extra)
