"""The website as readers see it: Debian's Chromium, the network cut off.

The freshly built site (fixture ``built_site``) is served on 127.0.0.1; every
request to anywhere else is aborted and recorded. Every page of ``_toc.yml``
is covered, so a new chapter is tested as soon as it is listed there.
"""

import json
import os
import re

import pytest

import browser
from conftest import REPORT, ROOT, load_yaml, toc_files

PAGES = toc_files()
CHAPTERS = [e for e in PAGES if (ROOT / f"{e}.ipynb").exists()]
LEARNING_RATE_CHAPTER = "chapters/03_training_loop"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def context(chromium):
    """A fresh browser profile for each test (nothing stored from another page)."""
    ctx = chromium.new_context(viewport={"width": 1280, "height": 900})
    yield ctx
    ctx.close()


def visit(context, site_url, entry, query=""):
    page, log = browser.open_page(context, site_url)
    response = page.goto(f"{site_url}{entry}.html{query}", wait_until="load")
    assert response is not None and response.ok, f"{entry}: HTTP {response and response.status}"
    page.wait_for_load_state("networkidle")
    if log.blocked:
        REPORT.setdefault("Requests blocked by the browser tests (off 127.0.0.1)", [])
        lines = REPORT["Requests blocked by the browser tests (off 127.0.0.1)"]
        for url in log.blocked:
            line = f"{entry}: {url}"
            if line not in lines:
                lines.append(line)
    return page, log


# -- every page loads cleanly ------------------------------------------------------
@pytest.mark.parametrize("entry", PAGES)
def test_page_loads_without_console_errors(context, site_url, entry):
    page, log = visit(context, site_url, entry)
    assert page.locator("main h1").count() >= 1, f"{entry}: no title"
    assert not log.own_errors(), f"{entry}: errors from the book's own scripts:\n" + "\n".join(log.own_errors())


# -- every stored output is on the page ------------------------------------------------
def expected_outputs(cell):
    """What MyST-NB shows for one stored cell, counted by kind."""
    kinds = {"stream": 0, "image": 0, "twin": 0, "html": 0, "text": 0, "error": 0}
    for o in cell.get("outputs", []):
        data = o.get("data", {})
        html = "".join(data.get("text/html", ""))
        if o["output_type"] == "stream":
            kinds["stream"] += 1
        elif o["output_type"] == "error":
            kinds["error"] += 1
        elif 'class="gdlab-twin"' in html:
            kinds["twin"] += 1
        elif "image/png" in data or "image/svg+xml" in data:
            kinds["image"] += 1
        elif "text/html" in data:
            kinds["html"] += 1
        elif "text/plain" in data:
            kinds["text"] += 1
    return kinds


SHOWN_OUTPUTS_JS = """
() => Array.from(document.querySelectorAll('article div.cell')).map(cell => {
  const out = cell.querySelector('.cell_output');
  if (!out) return {stream: 0, image: 0, twin: 0, html: 0, text: 0, error: 0, texts: [], images: []};
  const inTwin = el => !!el.closest('.gdlab-twin');
  const imgs = Array.from(out.querySelectorAll('img')).filter(i => !inTwin(i));
  return {
    stream: out.querySelectorAll('.output.stream, .output.stderr').length,
    image: imgs.length,
    twin: out.querySelectorAll('.gdlab-twin').length,
    html: Array.from(out.querySelectorAll('.output.text_html')).filter(e => !e.querySelector('.gdlab-twin')).length,
    text: out.querySelectorAll('.output.text_plain').length,
    error: out.querySelectorAll('.output.traceback').length,
    texts: Array.from(out.querySelectorAll('.output.stream, .output.stderr')).map(e => (e.querySelector('pre') || e).textContent),
    images: imgs.concat(Array.from(out.querySelectorAll('.gdlab-twin img[alt]:not([alt=""])'))).map(
      i => ({alt: i.getAttribute('alt') || '', loaded: i.complete && i.naturalWidth > 0, src: i.src.slice(0, 80)})),
  };
})
"""


@pytest.mark.parametrize("entry", CHAPTERS)
def test_every_stored_output_is_on_the_page(built_site, context, site_url, entry):
    # The copy the site was built from (the same as the repository's, unless
    # someone saved the notebook since the build).
    source = built_site / "_sources" / f"{entry}.ipynb"
    nb = json.loads((source if source.exists() else ROOT / f"{entry}.ipynb").read_text(encoding="utf-8"))
    cells = [
        c for c in nb["cells"]
        if c["cell_type"] == "code" and "remove-cell" not in c.get("metadata", {}).get("tags", [])
    ]
    page, _ = visit(context, site_url, entry)
    shown = page.evaluate(SHOWN_OUTPUTS_JS)
    assert len(shown) == len(cells), f"{entry}: {len(cells)} code cells in the notebook, {len(shown)} on the page"
    for n, (cell, on_page) in enumerate(zip(cells, shown), start=1):
        tags = cell.get("metadata", {}).get("tags", [])
        want = expected_outputs(cell)
        if "remove-output" in tags:
            want = dict.fromkeys(want, 0)
        got = {k: on_page[k] for k in want}
        assert got == want, f"{entry}, code cell {n}: outputs on the page {got}, in the notebook {want}"
        for image in on_page["images"]:
            assert image["alt"].strip(), f"{entry}, code cell {n}: a figure without alt text ({image['src']})"
            assert image["loaded"], f"{entry}, code cell {n}: a figure did not load ({image['src']})"
        # Every printed line is on the page, as printed, in its own output.
        streams = ["".join(o["text"]) for o in cell.get("outputs", []) if o["output_type"] == "stream"]
        if "remove-output" not in tags:
            for stored, shown_text in zip(streams, on_page["texts"]):
                for line in stored.splitlines():
                    assert line.strip() in shown_text, f"{entry}, code cell {n}: printed line missing: {line!r}"


# -- every kernel-free twin responds ---------------------------------------------------------
TWIN_STATE_JS = """
twin => {
  const data = JSON.parse(twin.querySelector('.gdlab-data').textContent);
  const img = twin.querySelector('img.gdlab-frame');
  const inputs = Array.from(twin.querySelectorAll('[data-k]'));
  let index = 0;
  const position = inputs.map(el => +el.value);
  inputs.forEach(el => { index = index * data.shape[+el.dataset.k] + (+el.value); });
  return {
    src: img.getAttribute('src'),
    expected: data.frames[index],
    position: position,
    outputs: Array.from(twin.querySelectorAll('output')).map(o => o.textContent),
    valuetexts: inputs.map(el => el.getAttribute('aria-valuetext')),
    loaded: img.complete && img.naturalWidth > 0,
    n_frames: data.frames.length,
    distinct: new Set(data.frames).size,
  };
}
"""


def scrub_range(page, twin, control, k):
    """Drive one slider with the keyboard, as a reader would; check every step."""
    state = lambda: twin.evaluate(TWIN_STATE_JS)  # noqa: E731
    n = int(control.get_attribute("max")) + 1
    control.focus()
    page.keyboard.press("Home")
    first = state()
    assert first["position"][k] == 0, "Home did not reach the first value"
    seen, previous = {first["src"]}, first
    for step in range(1, n):
        page.keyboard.press("ArrowRight")
        now = state()
        assert now["position"][k] == step, f"ArrowRight did not move the slider to step {step}"
        assert now["src"] == now["expected"], f"step {step}: the picture is not the frame for this position"
        assert now["outputs"][k] != previous["outputs"][k], f"step {step}: the shown value did not change"
        assert now["valuetexts"][k] == now["outputs"][k], f"step {step}: aria-valuetext out of date"
        seen.add(now["src"])
        previous = now
    page.keyboard.press("Home")
    page.keyboard.press("End")
    last = state()
    assert last["position"][k] == n - 1, "End did not reach the last value"
    return first, last, seen


def scrub_select(twin, control, k):
    state = lambda: twin.evaluate(TWIN_STATE_JS)  # noqa: E731
    values = control.locator("option").evaluate_all("os => os.map(o => o.value)")
    seen, states = set(), []
    for v in values:
        control.select_option(v)
        now = state()
        assert now["position"][k] == int(v)
        assert now["src"] == now["expected"], f"option {v}: the picture is not the frame for this choice"
        seen.add(now["src"])
        states.append(now)
    for a, b in zip(states, states[1:]):
        assert a["outputs"][k] != b["outputs"][k], "the shown choice did not change"
    return states[0], states[-1], seen


@pytest.mark.parametrize("entry", CHAPTERS)
def test_every_twin_responds_to_the_reader(context, site_url, entry):
    page, log = visit(context, site_url, entry)
    twins = page.locator(".gdlab-twin")
    for t in range(twins.count()):
        twin = twins.nth(t)
        # A twin inside a hidden cell would need a click first: open any <details>.
        twin.evaluate("t => { for (let d = t.closest('details'); d; d = d.parentElement.closest('details')) d.open = true; }")
        twin.scroll_into_view_if_needed()
        start = twin.evaluate(TWIN_STATE_JS)
        assert start["loaded"], f"{entry}, twin {t + 1}: the picture did not load"
        assert start["src"] == start["expected"], f"{entry}, twin {t + 1}: starts on the wrong frame"
        assert start["n_frames"] > 1, f"{entry}, twin {t + 1}: one frame only"
        controls = twin.locator("[data-k]")
        assert controls.count() >= 1, f"{entry}, twin {t + 1}: no controls"
        for c in range(controls.count()):
            control = controls.nth(c)
            k = int(control.get_attribute("data-k"))
            assert control.is_visible() and control.is_enabled(), f"{entry}, twin {t + 1}: control {k} not usable"
            if control.evaluate("el => el.tagName") == "SELECT":
                first, last, seen = scrub_select(twin, control, k)
            else:
                first, last, seen = scrub_range(page, twin, control, k)
            where = f"{entry}, twin {t + 1}, control {k}"
            assert first["src"] != last["src"], f"{where}: the first and last frames are the same"
            assert first["outputs"][k] != last["outputs"][k], f"{where}: the shown value did not change"
            assert len(seen) > 1, f"{where}: scrubbing never changed the picture"
    assert not log.own_errors(), "\n".join(log.own_errors())


# -- launch links ------------------------------------------------------------------------
@pytest.mark.parametrize("entry", CHAPTERS)
def test_launch_links_open_this_chapter(context, site_url, entry):
    repo = load_yaml("_config.yml")["repository"]
    owner_repo = repo["url"].removeprefix("https://github.com/").rstrip("/")
    branch = repo.get("branch", "main")
    path = f"{repo.get('path_to_book', '').strip('/') + '/' if repo.get('path_to_book') else ''}{entry}.ipynb"
    page, _ = visit(context, site_url, entry)
    hrefs = page.locator("a[href]").evaluate_all("as => as.map(a => a.href)")
    colab = [h for h in hrefs if "colab.research.google.com" in h]
    binder = [h for h in hrefs if "mybinder.org" in h]
    assert colab == [f"https://colab.research.google.com/github/{owner_repo}/blob/{branch}/{path}"], colab
    assert binder == [f"https://mybinder.org/v2/gh/{owner_repo}/{branch}?urlpath=lab/tree/{path}"], binder
    # A reader can reach them: the launch menu opens and shows both.
    # (Bootstrap's tooltips move the title attribute away: find them by address.)
    page.locator(".dropdown-launch-buttons button").first.click()
    assert page.locator(f'a[href="{colab[0]}"]').is_visible(), "the Colab link is not shown"
    assert page.locator(f'a[href="{binder[0]}"]').is_visible(), "the Binder link is not shown"


# -- search ----------------------------------------------------------------------------------
def search_results(context, site_url, words):
    page, log = visit(context, site_url, "search", "?q=" + "+".join(words.split()))
    page.wait_for_function(
        "() => { const s = document.querySelector('#search-results .search-summary, #search-results p');"
        " return s && !/searching|preparing/i.test(s.textContent); }",
        timeout=30_000,
    )
    links = page.locator("#search-results ul.search li a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert not log.own_errors(), "\n".join(log.own_errors())
    return links


def test_search_works_offline(context, site_url):
    """The search page itself (index, scripts) works with the network cut off."""
    title = load_yaml("_config.yml")["title"]
    first = CHAPTERS[0]
    nb = json.loads((ROOT / f"{first}.ipynb").read_text(encoding="utf-8"))
    heading = next(
        line[2:].strip() for c in nb["cells"] if c["cell_type"] == "markdown"
        for line in "".join(c["source"]).splitlines() if line.startswith("# ")
    )
    words = " ".join(re.findall(r"[A-Za-z]{4,}", heading)[:2]) or title
    assert any(first in link for link in search_results(context, site_url, words)), (words, first)


def test_search_finds_the_learning_rate_chapter(context, site_url):
    if LEARNING_RATE_CHAPTER not in PAGES:
        browser.skip_or_fail(f"{LEARNING_RATE_CHAPTER} is not in _toc.yml yet")
    links = search_results(context, site_url, "learning rate")
    assert links, "no result for 'learning rate'"
    assert any(LEARNING_RATE_CHAPTER + ".html" in link for link in links), links


# -- phone-sized screen -------------------------------------------------------------------------
OVERFLOW_JS = """
() => {
  const root = document.scrollingElement, W = root.clientWidth;
  const offenders = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('pre, .highlight, .output, .cell_output')) continue;  // code blocks may scroll
    const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    if (!r.width || s.visibility === 'hidden' || s.display === 'none') continue;
    if (r.right > W + 1) offenders.push(`${el.tagName.toLowerCase()}.${String(el.className).split(' ').join('.')} (right edge ${Math.round(r.right)} px)`);
  }
  window.scrollTo(10000, window.scrollY);
  return {scrollWidth: root.scrollWidth, clientWidth: W, scrollX: window.scrollX, offenders: offenders.slice(0, 10)};
}
"""


@pytest.mark.parametrize("entry", PAGES)
def test_no_sideways_scrolling_on_a_phone(chromium, site_url, entry):
    ctx = chromium.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    try:
        page, _ = visit(ctx, site_url, entry)
        r = page.evaluate(OVERFLOW_JS)
        assert r["scrollWidth"] <= r["clientWidth"] and r["scrollX"] == 0, (
            f"{entry} scrolls sideways at {PHONE['width']} px ({r['scrollWidth']} > {r['clientWidth']}); "
            f"wide elements outside code blocks: {r['offenders']}"
        )
        # Each twin fits the screen: its controls and picture, not just the page.
        for box in page.locator(".gdlab-twin .gdlab-controls, .gdlab-twin img").evaluate_all(
            "els => els.map(e => e.getBoundingClientRect().right)"
        ):
            assert box <= r["clientWidth"] + 1, f"{entry}: an interactive figure is wider than the screen"
    finally:
        ctx.close()


# -- accessibility --------------------------------------------------------------------------
AXE_RUN_JS = """
async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                 nodes: v.nodes.map(n => n.target.join(' '))}));
}
"""


@pytest.mark.parametrize("entry", PAGES)
def test_accessibility_no_critical_violations(context, site_url, entry):
    if not AXE.exists():
        browser.skip_or_fail("axe-core is not installed: run `npm ci` (make does it)")
    page, _ = visit(context, site_url, entry)
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(AXE_RUN_JS)
    serious = [v for v in violations if v["impact"] == "serious"]
    lines = REPORT.setdefault("axe-core: serious accessibility violations (counted, not failed)", [])
    n_nodes = sum(len(v["nodes"]) for v in serious)
    lines.append(
        f"{entry}: {len(serious)} rule(s), {n_nodes} element(s)"
        + "".join(f"\n    {v['id']} ({len(v['nodes'])}): {v['help']}: {', '.join(v['nodes'][:4])}" for v in serious)
    )
    critical = [v for v in violations if v["impact"] == "critical"]
    assert not critical, f"{entry}: critical accessibility violations:\n" + "\n".join(
        f"{v['id']}: {v['help']}: {v['nodes'][:5]}" for v in critical
    )


def test_browser_is_required_in_ci():
    """CI sets GDLAB_REQUIRE_BROWSER=1; then these tests cannot skip (see tests/browser.py)."""
    if os.environ.get("GDLAB_REQUIRE_BROWSER") == "1":
        assert browser.CHROMIUM.exists(), "GDLAB_REQUIRE_BROWSER=1 but no /usr/bin/chromium"
