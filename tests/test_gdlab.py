"""Unit tests for gdlab's interactive figure and its kernel-free twin."""

import json
import re
from io import BytesIO

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

import gdlab  # noqa: E402
from gdlab.controls import Control  # noqa: E402
from gdlab.twin import PIXEL_RATIO, player_js  # noqa: E402


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
    payload = re.search(
        r'<script type="application/json" class="gdlab-data">(.*?)</script>', html, re.S
    )
    return json.loads(payload.group(1))


@pytest.mark.parametrize("blit", [True, False])
def test_twin_holds_one_frame_per_combination_of_values(blit):
    calls = []
    fig, draw = line_figure(calls, blit)
    ex = gdlab.explore(fig, draw, alt="a line", a=[-2, -1, 0, 1, 2], b=[0.0, 1.0])
    data = twin_data(ex.twin_html())
    assert data["shape"] == [5, 2]
    assert len(data["frames"]) == 10 == len(ex.frames)
    assert len(set(data["frames"])) == 10, (
        "every position must show something different"
    )
    assert data["labels"] == [["-2", "-1", "0", "1", "2"], ["0", "1"]]


def test_frames_are_numbered_row_major_in_one_place():
    fig, draw = line_figure([])
    frames = gdlab.explore(fig, draw, alt="a line", a=[0, 1, 2], b=[0.0, 1.0]).frames
    assert [frames.index(p) for p in frames.positions()] == list(range(6))
    assert frames.index((2, 0)) == 4


def test_twin_needs_no_network_and_no_kernel():
    fig, draw = line_figure([])
    html = gdlab.explore(fig, draw, alt="a line", a=[0, 1]).twin_html()
    urls = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert urls and all(u.startswith("data:image/png;base64,") for u in urls)
    assert "http" not in html.replace('"http', "")  # no remote resource of any kind
    for kernel_thing in ("require(", "Jupyter.", "IPython", "google.colab"):
        assert kernel_thing not in html


def test_player_is_a_js_file_shipped_with_gdlab():
    from importlib import resources

    source = resources.files("gdlab").joinpath("player.js").read_text(encoding="utf-8")
    assert source == player_js()
    fig, draw = line_figure([])
    assert (
        f"<script>{source}</script>"
        in gdlab.explore(fig, draw, alt="a line", a=[0, 1]).twin_html()
    )


def test_controls_wait_for_the_player_and_say_so():
    # Where a notebook front end drops the output's scripts (JupyterLab, an
    # untrusted notebook), the twin shows a note, not a slider that moves and
    # does nothing: controls are disabled until the player enables them.
    fig, draw = line_figure([])
    html = gdlab.explore(
        fig, lambda a, kind: draw(a), alt="a line", a=[0, 1], kind=["x", "y"]
    ).twin_html()
    assert re.search(r'<input type="range"[^>]* disabled>', html)
    assert re.search(r'<select data-k="1" disabled>', html)
    assert 'class="gdlab-note"' in html and "Run this cell" in html


def test_twin_controls_are_labelled_and_start_where_asked():
    fig, draw = line_figure([])
    html = gdlab.explore(
        fig,
        draw,
        alt="a line",
        a={"values": [0.5, 1.5, 2.5], "fmt": "{:.1f}", "start": 2.5},
    ).twin_html()
    assert re.search(
        r'<label class="gdlab-control"><span class="gdlab-name">a</span><input type="range" data-k="0" '
        r'min="0" max="2" step="1" value="2"',
        html,
    )
    assert html.count("<output>") == 1, "one readout per control"
    assert "<output>2.5</output>" in html
    assert 'alt="a line"' in html


def test_pictures_have_their_size_and_twice_the_pixels():
    fig, draw = line_figure([])
    ex = gdlab.explore(fig, draw, alt="a line", a=[0, 1])
    html = ex.twin_html()
    w, h = (
        int(x)
        for x in re.search(
            r'class="gdlab-background"[^>]* width="(\d+)" height="(\d+)"', html
        ).groups()
    )
    assert (w, h) == (round(3 * 72), round(2 * 72))
    png = Image.open(BytesIO(ex.frames[(0,)]))
    assert png.size == (w * PIXEL_RATIO, h * PIXEL_RATIO)


def test_choice_controls_become_select_and_toggle_buttons():
    fig, draw = line_figure([])
    ex = gdlab.explore(fig, lambda a: draw(len(a)), alt="a line", a=["one", "three"])
    assert '<select data-k="0" disabled>' in ex.twin_html()
    import ipywidgets

    assert isinstance(ex.widget().children[0], ipywidgets.ToggleButtons)


def test_each_position_is_drawn_once():
    calls = []
    fig, draw = line_figure(calls)
    ex = gdlab.explore(fig, draw, alt="a line", a=[0, 1, 2])
    ex.twin_html()
    n = len(calls)
    ex.twin_html()
    ex.frames[(1,)]
    assert len(calls) == n, "a second visit must be a lookup, not a redraw"
    ex.frames.clear()
    ex.frames[(1,)]
    assert len(calls) == n + 1, "after clear() a visit draws the frame again"


def test_live_slider_only_reaches_given_values_and_redraws_the_picture():
    import ipywidgets

    from gdlab.twin import picture_html

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
    assert after == picture_html(ex.frames[(2, 1)], ex.alt, ex.frames.background)


def test_blitting_frames_are_transparent_layers_over_one_background():
    fig, draw = line_figure([])
    ex = gdlab.explore(fig, draw, alt="a line", a=[0, 1])
    ex.twin_html()
    assert ex.frames.background is not None
    layer = np.asarray(Image.open(BytesIO(ex.frames[(0,)])).convert("RGBA"))
    assert layer.shape[2] == 4 and (layer[..., 3] == 0).mean() > 0.5


def test_mimebundle_carries_live_view_and_twin():
    fig, draw = line_figure([])
    bundle = gdlab.explore(fig, draw, alt="a line", a=[0, 1])._repr_mimebundle_()
    view = bundle["application/vnd.jupyter.widget-view+json"]
    # The same reference ipywidgets itself writes (8 in _repr_mimebundle_, 7 in
    # _ipython_display_), pointing at a live widget: a VBox of the controls and picture.
    from ipywidgets import VBox
    from ipywidgets.widgets import widget

    instances = (
        widget._instances
    )  # ipywidgets 8 (pinned); 7 kept them in Widget.widgets
    assert (view["version_major"], view["version_minor"]) == (2, 0)
    assert isinstance(instances[view["model_id"]], VBox)
    assert 'class="gdlab-twin"' in bundle["text/html"]
    assert "a line" in bundle["text/plain"]


def test_model_ids_are_deterministic_and_new_for_each_view():
    fig, draw = line_figure([])
    ex = gdlab.explore(fig, draw, alt="a line", a=[0, 1])
    first, second = ex.widget().model_id, ex.widget().model_id
    assert first != second and len(first) == 32 and int(first, 16) >= 0


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
    with pytest.raises(ValueError, match=r"unknown key 'strat'.*values, fmt, start"):
        Control.make("a", {"values": [0, 1], "strat": 1})
    with pytest.raises(ValueError, match="needs 'values'"):
        Control.make("a", {"fmt": "{}"})
    with pytest.raises(ValueError, match="sequence of values"):
        Control.make("a", 3)


def test_start_is_a_value_snapped_to_the_nearest_reachable_one():
    c = Control.make("a", {"values": [0.0, 1.0, 2.0], "start": 1.2})
    assert c.start == 1.0 and c.start_index == 1
    assert Control.make("a", [5, 6, 7]).start == 6
    with pytest.raises(ValueError, match="not one of its values"):
        Control.make("k", {"values": ["x", "y"], "start": "z"})


def test_a_value_whose_frame_shows_nothing_is_refused():
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    (line,) = ax.plot([0, 1], [0, 1], label="loss")
    (dot,) = ax.plot([0.5], [0.5], "o", label="w")

    def draw(lr):
        line.set_ydata([0, np.inf if lr > 1 else lr])
        line.set_xdata([0, 1] if lr <= 2 else [np.nan, np.nan])
        dot.set_data([0.5], [lr])
        return line, dot

    ok = gdlab.explore(fig, draw, alt="x", lr=[0.1, 0.5, 0.9])
    ok.twin_html()  # every frame shows its line and its dot
    with pytest.raises(ValueError, match=r"lr=3.*'loss'.*no finite point"):
        gdlab.explore(fig, draw, alt="x", lr=[0.5, 3]).twin_html()
    # A point that leaves the axes is how a divergent run exits a figure that
    # labels it: allowed.
    gdlab.explore(fig, draw, alt="x", lr=[0.5, 1.5]).twin_html()


def test_gdlab_holds_no_registry_and_no_website_code():
    import gdlab.explorable as explorable

    assert not hasattr(explorable, "EXPLORABLES")
    assert not hasattr(gdlab.Explorable, "time_redraws")
    from importlib import resources

    names = {p.name for p in resources.files("gdlab").iterdir()}
    assert "sphinx_fixes.py" not in names and "templates" not in names


def test_setup_seeds_torch():
    import torch

    gdlab.setup(seed=3)
    a = torch.rand(3)
    gdlab.setup(seed=3)
    assert torch.equal(a, torch.rand(3))
