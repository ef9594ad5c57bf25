"""The book builds with warnings as errors and every chapter page shows its outputs."""

import json
import re

import pytest

from conftest import ROOT, chapter_notebooks, toc_files


def page(built_site, entry):
    path = built_site / (entry + ".html")
    assert path.exists(), f"no page for {entry}"
    return path.read_text(encoding="utf-8")


def test_every_toc_entry_has_a_page(built_site):
    for entry in toc_files():
        page(built_site, entry)


@pytest.mark.parametrize("nb_path", chapter_notebooks(), ids=lambda p: p.name)
def test_chapter_page_shows_its_outputs(built_site, nb_path):
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    html = page(built_site, f"chapters/{nb_path.stem}")
    shown = [c for c in nb["cells"] if "remove-cell" not in c.get("metadata", {}).get("tags", [])]
    figures = sum(1 for c in shown for o in c.get("outputs", []) if "image/png" in o.get("data", {}))
    twins = sum(1 for c in shown for o in c.get("outputs", []) if "text/html" in o.get("data", {})
                and 'class="gdlab-twin"' in "".join(o["data"]["text/html"]))
    # Static figures are written out as files; twins carry their frames inline.
    assert len(re.findall(r'<img [^>]*src="\.\./_images/', html)) == figures
    assert html.count('class="gdlab-twin"') == twins
    # No live widget view (it would be a dead slider without a kernel).
    assert "application/vnd.jupyter.widget-view+json" not in html
    assert "widget-state" not in html
    # Every printed line of a shown cell is on the page.
    for cell in shown:
        for o in cell.get("outputs", []):
            if o["output_type"] == "stream":
                for line in "".join(o["text"]).splitlines():
                    if line.strip():
                        escaped = line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                        assert escaped in html, f"{nb_path.name}: output line missing: {line}"


@pytest.mark.parametrize("nb_path", chapter_notebooks(), ids=lambda p: p.name)
def test_launch_buttons_point_at_the_chapter(built_site, nb_path, config):
    html = page(built_site, f"chapters/{nb_path.stem}")
    owner_repo = config["repository"]["url"].removeprefix("https://github.com/").rstrip("/")
    branch = config["repository"]["branch"]
    colab = f"https://colab.research.google.com/github/{owner_repo}/blob/{branch}/chapters/{nb_path.name}"
    assert colab in html
    binder = f"https://mybinder.org/v2/gh/{owner_repo}/{branch}?urlpath=lab/tree/chapters/{nb_path.name}"
    assert binder in html


def test_pages_load_nothing_for_widgets_from_the_network(built_site):
    for entry in toc_files():
        html = page(built_site, entry)
        assert "html-manager" not in html and "require.min.js" not in html, entry


def test_pages_draw_icons_with_fonts_not_fontawesome_js(built_site):
    # gdlab/templates/static/webpack-macros.html leaves out the theme's 1.5 MB
    # fontawesome.js; the icons then come from the web fonts in its stylesheet.
    css = (built_site / "_static" / "styles" / "pydata-sphinx-theme.css").read_text(encoding="utf-8")
    assert "fa-solid-900.woff2" in css
    for entry in toc_files():
        html = page(built_site, entry)
        assert "fontawesome.js" not in html, entry
        assert "scripts/bootstrap.js" in html, entry  # the rest of the theme's scripts are still there


def test_buttons_are_named_by_their_visible_text(built_site):
    # gdlab/sphinx_fixes.py: the search button and the hidden cells' toggles
    # carried aria-labels that leave out their visible text (axe, serious:
    # label-content-name-mismatch). Without the label the text names them.
    for entry in toc_files():
        html = page(built_site, entry)
        assert 'search-button-field' in html, entry
        for button in re.findall(r'<button class="btn search-button-field[^>]*>', html):
            assert "aria-label" not in button, (entry, button)
        assert 'aria-label="Toggle hidden content"' not in html, entry
    assert "<summary>" in page(built_site, "chapters/01_temperature_problem")


def test_binder_installs_the_books_pins_with_a_cpu_torch():
    # The Binder launch button builds binder/: the notebooks' packages at the
    # same versions as requirements.txt, torch from the CPU wheel index.
    def pins(path):
        lines = [ln.split("#")[0].strip() for ln in path.read_text(encoding="utf-8").splitlines()]
        return dict(ln.split("==") for ln in lines if "==" in ln)

    book = {k.lower(): v for k, v in pins(ROOT / "requirements.txt").items()}
    binder_file = ROOT / "binder" / "requirements.txt"
    binder = {k.lower(): v for k, v in pins(binder_file).items()}
    assert {"torch", "numpy", "matplotlib", "ipywidgets", "scikit-learn"} <= binder.keys()
    for name, version in binder.items():
        assert book.get(name) == version, f"binder pins {name}=={version}, requirements.txt {book.get(name)}"
    lines = binder_file.read_text(encoding="utf-8").splitlines()
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in lines
    assert "." in lines  # gdlab itself
    assert (ROOT / "binder" / "runtime.txt").read_text(encoding="utf-8").strip() == "python-3.11"
