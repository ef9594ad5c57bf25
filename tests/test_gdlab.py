"""Unit tests for gdlab's interactive figure and its kernel-free twin."""

import json
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import gdlab  # noqa: E402
from gdlab.explorable import Control  # noqa: E402


def line_figure(calls, blit=True):
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.set_xlim(0, 1)
    ax.set_ylim(-3, 3)
    (line,) = ax.plot([0, 1], [0, 0])
    text = ax.set_title("")

    def draw(a, b=0.0):
        calls.append((a, b))
        line.set_ydata([b, a + b])
        text.set_text(f"a = {a}")
        return (line, text) if blit else None

    return fig, draw


def twin_data(html):
    payload = re.search(r'<script type="application/json" class="gdlab-data">(.*?)</script>', html, re.S)
    return json.loads(payload.group(1))


@pytest.mark.parametrize("blit", [True, False])
def test_twin_holds_one_frame_per_combination_of_values(blit):
    calls = []
    fig, draw = line_figure(calls, blit)
    ex = gdlab.explore(fig, draw, alt="a line", a=[-2, -1, 0, 1, 2], b=[0.0, 1.0])
    data = twin_data(ex.twin_html())
    assert data["shape"] == [5, 2]
    assert len(data["frames"]) == 10
    assert len(set(data["frames"])) == 10, "every position must show something different"
    assert data["labels"] == [["-2", "-1", "0", "1", "2"], ["0", "1"]]


def test_twin_needs_no_network_and_no_kernel():
    fig, draw = line_figure([])
    html = gdlab.explore(fig, draw, alt="a line", a=[0, 1]).twin_html()
    urls = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert urls and all(u.startswith("data:image/png;base64,") for u in urls)
    assert "http" not in html.replace('"http', "")  # no remote resource of any kind
    for kernel_thing in ("require(", "Jupyter", "IPython", "google.colab"):
        assert kernel_thing not in html


def test_twin_controls_are_labelled_and_start_where_asked():
    fig, draw = line_figure([])
    html = gdlab.explore(fig, draw, alt="a line", a={"values": [0.5, 1.5, 2.5], "fmt": "{:.1f}", "start": 2.5}).twin_html()
    assert re.search(r'<label class="gdlab-control">a <input type="range" data-k="0" min="0" max="2" step="1" value="2"', html)
    assert "<output>2.5</output>" in html
    assert 'alt="a line"' in html


def test_choice_controls_become_select_and_toggle_buttons():
    fig, draw = line_figure([])
    ex = gdlab.explore(fig, lambda a: draw(len(a)), alt="a line", a=["one", "three"])
    assert "<select data-k=\"0\">" in ex.twin_html()
    import ipywidgets

    assert isinstance(ex.widget().children[0], ipywidgets.ToggleButtons)


def test_each_position_is_drawn_once():
    calls = []
    fig, draw = line_figure(calls)
    ex = gdlab.explore(fig, draw, alt="a line", a=[0, 1, 2])
    ex.twin_html()
    n = len(calls)
    ex.twin_html()
    ex.frame((1,))
    assert len(calls) == n, "a second visit must be a lookup, not a redraw"


def test_live_slider_only_reaches_given_values_and_redraws_the_picture():
    import ipywidgets

    calls = []
    fig, draw = line_figure(calls)
    ex = gdlab.explore(fig, draw, alt="a line", a=[0, 1, 2], b=[0.0, 1.0])
    box = ex.widget()
    slider_a, slider_b, view = box.children
    assert isinstance(slider_a, ipywidgets.SelectionSlider)
    assert [label for label, _ in slider_a.options] == ["0", "1", "2"]
    before = view.value
    slider_a.value = 2
    after = view.value
    assert after != before
    assert calls[-1] == (2, 1.0)  # b starts in the middle of its values
    assert after == ex.picture_html(ex._uri(ex.frame((2, 1))))


def test_blitting_frames_are_transparent_layers_over_one_background():
    fig, draw = line_figure([])
    ex = gdlab.explore(fig, draw, alt="a line", a=[0, 1])
    ex.twin_html()
    assert ex.background is not None
    from io import BytesIO

    from PIL import Image

    layer = np.asarray(Image.open(BytesIO(ex.frame((0,)))).convert("RGBA"))
    assert layer.shape[2] == 4 and (layer[..., 3] == 0).mean() > 0.5


def test_mimebundle_carries_live_view_and_twin():
    fig, draw = line_figure([])
    bundle = gdlab.explore(fig, draw, alt="a line", a=[0, 1])._repr_mimebundle_()
    view = bundle["application/vnd.jupyter.widget-view+json"]
    # The same reference ipywidgets itself writes (8 in _repr_mimebundle_, 7 in
    # _ipython_display_), pointing at a live widget: a VBox of the controls and picture.
    from ipywidgets import VBox
    from ipywidgets.widgets import widget

    instances = widget._instances  # ipywidgets 8 (pinned); 7 kept them in Widget.widgets
    assert (view["version_major"], view["version_minor"]) == (2, 0)
    assert isinstance(instances[view["model_id"]], VBox)
    assert 'class="gdlab-twin"' in bundle["text/html"]
    assert "a line" in bundle["text/plain"]


def test_frames_are_identical_from_run_to_run():
    def make():
        fig, draw = line_figure([])
        return gdlab.explore(fig, draw, alt="a line", a=[0, 1]).twin_html()

    assert make() == make()


def test_bad_specifications_are_refused_clearly():
    fig, draw = line_figure([])
    with pytest.raises(ValueError, match="alt text"):
        gdlab.explore(fig, draw, alt="", a=[0, 1])
    with pytest.raises(ValueError, match="at least one control"):
        gdlab.explore(fig, draw, alt="x")
    with pytest.raises(ValueError, match="no values"):
        Control.make("a", [])
    with pytest.raises(ValueError, match="print the same"):
        Control.make("a", {"values": [0.11, 0.12], "fmt": "{:.1f}"})


def test_start_snaps_to_the_nearest_reachable_value():
    assert Control.make("a", {"values": [0.0, 1.0, 2.0], "start": 1.2}).start == 1


def test_redraw_times_cover_every_position():
    fig, draw = line_figure([])
    ex = gdlab.explore(fig, draw, alt="a line", a=[0, 1, 2], b=[0.0, 1.0])
    times = ex.time_redraws()
    assert len(times) == 6 and all(t > 0 for t in times)


def test_setup_seeds_torch():
    import torch

    gdlab.setup(seed=3)
    a = torch.rand(3)
    gdlab.setup(seed=3)
    assert torch.equal(a, torch.rand(3))


def test_explore_registers_figures_and_times_one_control():
    from gdlab.explorable import EXPLORABLES

    fig, draw = line_figure([])
    ex = gdlab.explore(fig, draw, alt="a line", a=[0, 1, 2], b=[0.0, 1.0])
    assert EXPLORABLES[-1] is ex
    assert len(ex.time_redraws()) == 6
    assert len(ex.time_redraws(control=0)) == 3 and len(ex.time_redraws(control=1)) == 2
