"""The book builds with warnings as errors and every chapter page shows its outputs."""

import json
import re
from pathlib import Path

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
    shown = [
        c
        for c in nb["cells"]
        if "remove-cell" not in c.get("metadata", {}).get("tags", [])
    ]
    figures = sum(
        1
        for c in shown
        for o in c.get("outputs", [])
        if "image/png" in o.get("data", {})
    )
    twins = sum(
        1
        for c in shown
        for o in c.get("outputs", [])
        if "text/html" in o.get("data", {})
        and 'class="gdlab-twin"' in "".join(o["data"]["text/html"])
    )
    # Static figures are files of their own; twins' frames are files too
    # (_images/inline/, written by _ext/book_site from the stored data URIs).
    assert len(re.findall(r'<img [^>]*src="\.\./_images/(?!inline/)', html)) == figures
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
                        escaped = (
                            line.replace("&", "&amp;")
                            .replace("<", "&lt;")
                            .replace(">", "&gt;")
                        )
                        assert escaped in html, (
                            f"{nb_path.name}: output line missing: {line}"
                        )


@pytest.mark.parametrize("nb_path", chapter_notebooks(), ids=lambda p: p.name)
def test_launch_buttons_point_at_the_chapter(built_site, nb_path, config):
    html = page(built_site, f"chapters/{nb_path.stem}")
    owner_repo = (
        config["repository"]["url"].removeprefix("https://github.com/").rstrip("/")
    )
    branch = config["repository"]["branch"]
    colab = f"https://colab.research.google.com/github/{owner_repo}/blob/{branch}/chapters/{nb_path.name}"
    assert colab in html
    binder = f"https://mybinder.org/v2/gh/{owner_repo}/{branch}?urlpath=lab/tree/chapters/{nb_path.name}"
    assert binder in html


def test_pages_load_nothing_for_widgets_from_the_network(built_site):
    for entry in toc_files():
        html = page(built_site, entry)
        assert "html-manager" not in html and "require.min.js" not in html, entry


def test_icons_come_from_subset_fonts_not_fontawesome_js(built_site):
    # _ext/book_site/icons.py cuts the theme's Font Awesome fonts down to the
    # glyphs the site shows; the 1.5 MB fontawesome.js is never loaded.
    fonts = built_site / "_static" / "vendor" / "fontawesome" / "webfonts"
    for name in ("fa-solid-900.woff2", "fa-brands-400.woff2", "fa-regular-400.woff2"):
        assert (fonts / name).stat().st_size < 10_000, f"{name} is not subset"
    for entry in toc_files():
        html = page(built_site, entry)
        assert "fontawesome.js" not in html, entry
        assert "scripts/bootstrap.js" in html, (
            entry
        )  # the rest of the theme's scripts are still there


def test_one_search_button_named_by_its_label(built_site):
    # One search box per page (the article header's button); the theme's
    # hidden header and the sidebar's search field are not drawn.
    for entry in toc_files():
        html = page(built_site, entry)
        buttons = re.findall(r"<button [^>]*search-button__button[^>]*>", html)
        assert len(buttons) == 1, (entry, buttons)
        assert 'aria-label="Search"' in buttons[0], (entry, buttons[0])
        header = re.search(r'<header id="pst-header"[^>]*>(.*?)</header>', html, re.S)
        assert not header or not header.group(1).strip(), (
            f"{entry}: the theme's hidden header (and its toggles) is back"
        )
        assert 'aria-label="Toggle hidden content"' not in html, entry


def test_sidebar_toggles_are_the_first_on_the_page(built_site):
    # pydata-sphinx-theme binds document.querySelector(".primary-toggle"): the
    # first one must be the visible button of the article header.
    for entry in toc_files():
        html = page(built_site, entry)
        first = re.search(r'<button class="([^"]*\bprimary-toggle\b[^"]*)"', html)
        assert first and "btn" in first.group(1).split(), (
            entry,
            first and first.group(0),
        )


MAX_HTML = 300 * 1024


def test_pages_are_light_and_inline_no_image(built_site):
    # Issue 13: frames and figures are files, fetched after the first paint.
    for entry in toc_files():
        html = page(built_site, entry)
        assert "data:image" not in html, f"{entry}: an image is inlined as a data URI"
        size = len(html.encode("utf-8"))
        assert size <= MAX_HTML, (
            f"{entry}: {size / 1024:.0f} KB of HTML (at most {MAX_HTML // 1024} KB)"
        )


def loaded_urls(html):
    """What a page fetches by itself: scripts, images, frames, stylesheets, icons."""
    urls = re.findall(
        r'<(?:script|img|iframe|source|audio|video)\b[^>]*\bsrc="([^"]+)"', html
    )
    for tag in re.findall(r"<link\b[^>]*>", html):
        if re.search(r'rel="(?:stylesheet|icon|preload|modulepreload|manifest)"', tag):
            urls += re.findall(r'href="([^"]+)"', tag)
    return urls


def test_pages_load_nothing_from_outside_the_site(built_site):
    for entry in toc_files():
        html = page(built_site, entry)
        outside = [u for u in loaded_urls(html) if re.match(r"(https?:)?//", u)]
        assert not outside, f"{entry} loads from outside the site: {outside}"
        assert not [
            u
            for u in loaded_urls(html)
            if "mathjax" in u.lower() or "thebe" in u.lower()
        ], entry
        assert "window.MathJax" not in html and "THEBE_JS_URL" not in html, entry


def test_scripts_are_deferred_and_search_index_only_on_the_search_page(built_site):
    for entry in toc_files():
        html = page(built_site, entry)
        head = html.split("</head>")[0]
        for tag in re.findall(r"<script\b[^>]*\bsrc=[^>]*>", head):
            assert re.search(r"\b(defer|async)\b", tag), (
                f"{entry}: a render-blocking script: {tag}"
            )
        assert "searchindex.js" not in html, f"{entry}: loads the search index"
    assert "searchindex.js" in (built_site / "search.html").read_text(encoding="utf-8")


RAW_TEX = (
    r"\(",
    r"\[",
    "$$",
    r"\frac",
    r"\partial",
    r"\sum",
    r"\lambda",
    r"\hat",
    r"\mathbf",
)


def test_math_is_rendered_when_the_book_is_built(built_site):
    # KaTeX at build time: MathML in the page, no TeX left for a script to find.
    pages_with_math = 0
    for entry in toc_files():
        body = page(built_site, entry).split("<article", 1)[-1]
        pages_with_math += "<math" in body
        text = re.sub(r"<(pre|code|script|annotation)\b.*?</\1>", "", body, flags=re.S)
        for raw in RAW_TEX:
            assert raw not in text, f"{entry}: raw TeX {raw!r} on the page"
    assert pages_with_math >= 3


def test_every_page_has_a_description_and_a_favicon(built_site):
    for entry in toc_files():
        html = page(built_site, entry)
        m = re.search(r'<meta name="description" content="([^"]+)"', html)
        assert m and len(m.group(1)) >= 40, f"{entry}: no page description"
        assert re.search(r'<link rel="icon" href="[^"]*favicon\.svg"', html), (
            f"{entry}: no favicon"
        )


def test_root_page_is_the_first_page_not_a_redirect(built_site):
    index = (built_site / "index.html").read_text(encoding="utf-8")
    assert 'http-equiv="Refresh"' not in index
    assert "<h1" in index and 'id="main-content"' in index


def test_solution_cells_offer_show_solution(built_site, notebooks):
    for path, nb in notebooks.items():
        tagged = [
            c
            for c in nb["cells"]
            if "solution" in c.get("metadata", {}).get("tags", [])
        ]
        if tagged:
            html = page(built_site, f"chapters/{path.stem}")
            assert html.count("Show solution") >= len(tagged), path.name


def test_binder_installs_the_books_pins_with_a_cpu_torch():
    # The Binder launch button builds binder/: the notebooks' packages at the
    # same versions as requirements.txt, torch from the CPU wheel index.
    def pins(path):
        lines = [
            ln.split("#")[0].strip()
            for ln in path.read_text(encoding="utf-8").splitlines()
        ]
        return dict(ln.split("==") for ln in lines if "==" in ln)

    book = {k.lower(): v for k, v in pins(ROOT / "requirements.txt").items()}
    binder_file = ROOT / "binder" / "requirements.txt"
    binder = {k.lower(): v for k, v in pins(binder_file).items()}
    assert {
        "torch",
        "numpy",
        "matplotlib",
        "ipywidgets",
        "scikit-learn",
    } <= binder.keys()
    for name, version in binder.items():
        assert book.get(name) == version, (
            f"binder pins {name}=={version}, requirements.txt {book.get(name)}"
        )
    lines = binder_file.read_text(encoding="utf-8").splitlines()
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in lines
    assert "." in lines  # gdlab itself
    assert (ROOT / "binder" / "runtime.txt").read_text(
        encoding="utf-8"
    ).strip() == "python-3.11"


@pytest.mark.slow  # a real book build
def test_a_formula_katex_cannot_parse_fails_the_build(tmp_path):
    # _ext/book_site/math.py: a formula that does not parse is a warning with
    # its place, and `make book` (-W) fails on it.
    import subprocess
    import sys
    import tempfile

    (tmp_path / "_config.yml").write_text(
        "title: t\nexecute:\n  execute_notebooks: 'off'\n"
        "parse:\n  myst_enable_extensions: [dollarmath]\n"
        f"sphinx:\n  local_extensions:\n    book_site: {ROOT / '_ext'}\n",
        encoding="utf-8",
    )
    (tmp_path / "_toc.yml").write_text(
        "format: jb-book\nroot: index\n", encoding="utf-8"
    )
    (tmp_path / "index.md").write_text(
        "# T\n\nGood $a^2$, bad $\\frac{1}{$ here.\n", encoding="utf-8"
    )
    (tmp_path / "node_modules").symlink_to(ROOT / "node_modules")
    jb = Path(sys.executable).parent / "jupyter-book"
    # Output to a file, not a pipe: a helper process the build leaves behind
    # would hold a pipe open and hang the test.
    with tempfile.TemporaryFile(mode="w+") as log:
        r = subprocess.run(
            [str(jb), "build", str(tmp_path), "-n", "-W", "--keep-going"],
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        log.seek(0)
        out = log.read()
    assert r.returncode != 0, out[-3000:]
    assert "KaTeX cannot render" in out and "index.md" in out, out[-3000:]
