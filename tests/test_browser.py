"""The website as readers see it: Debian's Chromium, the network cut off.

The freshly built site (fixture ``built_site``) is served on 127.0.0.1; every
request to anywhere else is aborted and recorded. Every page of ``_toc.yml``
is covered in both editions (English at the root, Korean under ``ko/``), so
a new chapter is tested as soon as it is listed there.
"""

import json
import os
import re

import browser
import pytest
from book import EDITIONS
from conftest import REPORT, ROOT, load_yaml, toc_files

# Each page in every edition: "chapters/03_training_loop", "ko/chapters/03_training_loop".
PAGES = [
    f"{folder}/{e}" if folder else e
    for folder in EDITIONS.values()
    for e in toc_files()
]
CHAPTERS = [e for e in PAGES if (ROOT / f"{e}.ipynb").exists()]
ENGLISH_PAGES = toc_files()
# The first chapter in each edition, for the tests of the page's frame.
FIRST_CHAPTERS = [e for e in CHAPTERS if e.endswith(CHAPTERS[0])]
LEARNING_RATE_CHAPTER = "chapters/03_training_loop"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def context(chromium):
    """A fresh browser profile for each test (nothing stored from another page)."""
    ctx = chromium.new_context(viewport={"width": 1280, "height": 900})
    yield ctx
    ctx.close()


def visit(context, site_url, entry, query=""):
    page, log = browser.open_page(context, site_url)
    response = page.goto(f"{site_url}{entry}.html{query}", wait_until="load")
    assert response is not None and response.ok, (
        f"{entry}: HTTP {response and response.status}"
    )
    page.wait_for_load_state("networkidle")
    if log.blocked:
        REPORT.setdefault("Requests blocked by the browser tests (off 127.0.0.1)", [])
        lines = REPORT["Requests blocked by the browser tests (off 127.0.0.1)"]
        for url in log.blocked:
            line = f"{entry}: {url}"
            if line not in lines:
                lines.append(line)
    return page, log


def load_all_images(page):
    """Load the figures a reader would reach by scrolling (they are lazy)."""
    page.evaluate(
        "() => document.querySelectorAll('img[loading=lazy]').forEach(i => { i.loading = 'eager'; })"
    )
    page.wait_for_load_state("networkidle")
    page.wait_for_function(
        "() => Array.from(document.images).every(i => i.complete)", timeout=30_000
    )


# -- every page loads cleanly ------------------------------------------------------
@pytest.mark.parametrize("entry", PAGES)
def test_page_loads_without_console_errors(context, site_url, entry):
    page, log = visit(context, site_url, entry)
    assert page.locator("main h1").count() >= 1, f"{entry}: no title"
    assert not log.own_errors(), (
        f"{entry}: errors from the book's own scripts:\n" + "\n".join(log.own_errors())
    )


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
    nb = json.loads(
        (source if source.exists() else ROOT / f"{entry}.ipynb").read_text(
            encoding="utf-8"
        )
    )
    cells = [
        c
        for c in nb["cells"]
        if c["cell_type"] == "code"
        and "remove-cell" not in c.get("metadata", {}).get("tags", [])
    ]
    page, _ = visit(context, site_url, entry)
    load_all_images(page)
    shown = page.evaluate(SHOWN_OUTPUTS_JS)
    assert len(shown) == len(cells), (
        f"{entry}: {len(cells)} code cells in the notebook, {len(shown)} on the page"
    )
    for n, (cell, on_page) in enumerate(zip(cells, shown), start=1):
        tags = cell.get("metadata", {}).get("tags", [])
        want = expected_outputs(cell)
        if "remove-output" in tags:
            want = dict.fromkeys(want, 0)
        got = {k: on_page[k] for k in want}
        assert got == want, (
            f"{entry}, code cell {n}: outputs on the page {got}, in the notebook {want}"
        )
        for image in on_page["images"]:
            assert image["alt"].strip(), (
                f"{entry}, code cell {n}: a figure without alt text ({image['src']})"
            )
            assert image["loaded"], (
                f"{entry}, code cell {n}: a figure did not load ({image['src']})"
            )
        # Every printed line is on the page, as printed, in its own output.
        streams = [
            "".join(o["text"])
            for o in cell.get("outputs", [])
            if o["output_type"] == "stream"
        ]
        if "remove-output" not in tags:
            for stored, shown_text in zip(streams, on_page["texts"]):
                for line in stored.splitlines():
                    assert line.strip() in shown_text, (
                        f"{entry}, code cell {n}: printed line missing: {line!r}"
                    )


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
        assert now["position"][k] == step, (
            f"ArrowRight did not move the slider to step {step}"
        )
        assert now["src"] == now["expected"], (
            f"step {step}: the picture is not the frame for this position"
        )
        assert now["outputs"][k] != previous["outputs"][k], (
            f"step {step}: the shown value did not change"
        )
        assert now["valuetexts"][k] == now["outputs"][k], (
            f"step {step}: aria-valuetext out of date"
        )
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
        assert now["src"] == now["expected"], (
            f"option {v}: the picture is not the frame for this choice"
        )
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
        twin.evaluate(
            "t => { for (let d = t.closest('details'); d; d = d.parentElement.closest('details')) d.open = true; }"
        )
        twin.scroll_into_view_if_needed()
        start = twin.evaluate(TWIN_STATE_JS)
        assert start["loaded"], f"{entry}, twin {t + 1}: the picture did not load"
        assert start["src"] == start["expected"], (
            f"{entry}, twin {t + 1}: starts on the wrong frame"
        )
        assert start["n_frames"] > 1, f"{entry}, twin {t + 1}: one frame only"
        controls = twin.locator("[data-k]")
        assert controls.count() >= 1, f"{entry}, twin {t + 1}: no controls"
        for c in range(controls.count()):
            control = controls.nth(c)
            k = int(control.get_attribute("data-k"))
            assert control.is_visible() and control.is_enabled(), (
                f"{entry}, twin {t + 1}: control {k} not usable"
            )
            if control.evaluate("el => el.tagName") == "SELECT":
                first, last, seen = scrub_select(twin, control, k)
            else:
                first, last, seen = scrub_range(page, twin, control, k)
            where = f"{entry}, twin {t + 1}, control {k}"
            assert first["src"] != last["src"], (
                f"{where}: the first and last frames are the same"
            )
            assert first["outputs"][k] != last["outputs"][k], (
                f"{where}: the shown value did not change"
            )
            assert len(seen) > 1, f"{where}: scrubbing never changed the picture"
    assert not log.own_errors(), "\n".join(log.own_errors())


# -- two editions -------------------------------------------------------------------
def other_edition(entry):
    return entry.removeprefix("ko/") if entry.startswith("ko/") else f"ko/{entry}"


@pytest.mark.parametrize("entry", PAGES)
def test_each_page_links_to_the_same_page_in_the_other_language(
    context, site_url, entry
):
    lang = "ko" if entry.startswith("ko/") else "en"
    page, _ = visit(context, site_url, entry)
    assert page.evaluate("document.documentElement.lang") == lang
    alternates = page.locator("link[rel=alternate][hreflang]").evaluate_all(
        "ls => Object.fromEntries(ls.map(l => [l.hreflang, l.href]))"
    )
    assert set(alternates) == {"en", "ko", "x-default"}, alternates
    assert alternates["ko"].endswith(f"/ko/{entry.removeprefix('ko/')}.html"), (
        alternates
    )
    switch = page.locator(".book-language a[hreflang]")
    assert switch.count() == 1, "one link to the other edition"
    assert switch.is_visible(), "the language switch is not shown"
    switch.click()
    page.wait_for_load_state("load")
    assert page.url == f"{site_url}{other_edition(entry)}.html", page.url
    back = page.locator(".book-language a[hreflang]")
    assert back.get_attribute("hreflang") == lang
    back.click()
    page.wait_for_load_state("load")
    assert page.url == f"{site_url}{entry}.html", page.url


KOREAN_PAGE_JS = """() => {
  const text = document.querySelector('article').innerText;
  const hangul = (text.match(/[\uac00-\ud7a3]/g) || []).length;
  const latin = (text.match(/[A-Za-z]/g) || []).length;
  return {hangul, latin, title: document.querySelector('article h1').innerText,
          quiz: Array.from(document.querySelectorAll('.gdlab-q-kicker')).map(k => k.innerText)};
}"""


@pytest.mark.parametrize("entry", [e for e in PAGES if e.startswith("ko/")])
def test_the_korean_edition_is_written_in_korean(context, site_url, entry):
    page, _ = visit(context, site_url, entry)
    found = page.evaluate(KOREAN_PAGE_JS)
    assert re.search("[\uac00-\ud7a3]", found["title"]), found["title"]
    # Code and its output stay English; the prose around them is Korean.
    assert found["hangul"] > 200, found
    assert all(re.search("[\uac00-\ud7a3]", k) for k in found["quiz"]), found["quiz"]


@pytest.mark.parametrize("words", ["학습률", "학습률을", "학습률이"])
def test_korean_search_finds_the_learning_rate_chapter(context, site_url, words):
    links = search_results(context, site_url, words, edition="ko/")
    assert any(LEARNING_RATE_CHAPTER + ".html" in link for link in links), links


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
    assert colab == [
        f"https://colab.research.google.com/github/{owner_repo}/blob/{branch}/{path}"
    ], colab
    assert binder == [
        f"https://mybinder.org/v2/gh/{owner_repo}/{branch}?urlpath=lab/tree/{path}"
    ], binder
    # A reader can reach them: the launch menu opens and shows both.
    # (Bootstrap's tooltips move the title attribute away: find them by address.)
    page.locator(".dropdown-launch-buttons button").first.click()
    assert page.locator(f'a[href="{colab[0]}"]').is_visible(), (
        "the Colab link is not shown"
    )
    assert page.locator(f'a[href="{binder[0]}"]').is_visible(), (
        "the Binder link is not shown"
    )


# -- search ----------------------------------------------------------------------------------
def search_results(context, site_url, words, edition=""):
    page, log = visit(
        context, site_url, f"{edition}search", "?q=" + "+".join(words.split())
    )
    page.wait_for_function(
        "() => { const s = document.querySelector('#search-results .search-summary, #search-results p');"
        " return s && !/searching|preparing/i.test(s.textContent); }",
        timeout=30_000,
    )
    links = page.locator("#search-results ul.search li a").evaluate_all(
        "as => as.map(a => a.getAttribute('href'))"
    )
    assert not log.own_errors(), "\n".join(log.own_errors())
    return links


def test_search_works_offline(context, site_url):
    """The search page itself (index, scripts) works with the network cut off."""
    title = load_yaml("_config.yml")["title"]
    first = CHAPTERS[0]
    nb = json.loads((ROOT / f"{first}.ipynb").read_text(encoding="utf-8"))
    heading = next(
        line[2:].strip()
        for c in nb["cells"]
        if c["cell_type"] == "markdown"
        for line in "".join(c["source"]).splitlines()
        if line.startswith("# ")
    )
    words = " ".join(re.findall(r"[A-Za-z]{4,}", heading)[:2]) or title
    assert any(first in link for link in search_results(context, site_url, words)), (
        words,
        first,
    )


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


def reader_context(chromium, width, mode="light", touch=None):
    """A browser profile as a reader has it: a width, a colour mode, touch on phones."""
    touch = width < 1000 if touch is None else touch
    ctx = chromium.new_context(
        viewport={"width": width, "height": 800},
        device_scale_factor=2,
        is_mobile=touch,
        has_touch=touch,
        color_scheme=mode,
    )
    ctx.add_init_script(
        f"localStorage.setItem('mode', '{mode}'); localStorage.setItem('theme', '{mode}');"
    )
    return ctx


@pytest.mark.parametrize("mode", ["light", "dark"])
@pytest.mark.parametrize("width", [320, 375])
@pytest.mark.parametrize("entry", PAGES)
def test_no_sideways_scrolling_on_a_phone(chromium, site_url, entry, width, mode):
    ctx = reader_context(chromium, width, mode)
    try:
        page, _ = visit(ctx, site_url, entry)
        r = page.evaluate(OVERFLOW_JS)
        assert r["scrollWidth"] <= r["clientWidth"] and r["scrollX"] == 0, (
            f"{entry} scrolls sideways at {width} px ({r['scrollWidth']} > {r['clientWidth']}); "
            f"wide elements outside code blocks: {r['offenders']}"
        )
        # Each twin fits the screen: its controls and picture, not just the page.
        for box in page.locator(
            ".gdlab-twin .gdlab-controls, .gdlab-twin .gdlab-control, .gdlab-twin img"
        ).evaluate_all("els => els.map(e => e.getBoundingClientRect().right)"):
            assert box <= r["clientWidth"] + 1, (
                f"{entry}: an interactive figure is wider than the screen"
            )
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
    lines = REPORT.setdefault(
        "axe-core: serious accessibility violations (counted, not failed)", []
    )
    n_nodes = sum(len(v["nodes"]) for v in serious)
    lines.append(
        f"{entry}: {len(serious)} rule(s), {n_nodes} element(s)"
        + "".join(
            f"\n    {v['id']} ({len(v['nodes'])}): {v['help']}: {', '.join(v['nodes'][:4])}"
            for v in serious
        )
    )
    critical = [v for v in violations if v["impact"] == "critical"]
    assert not critical, f"{entry}: critical accessibility violations:\n" + "\n".join(
        f"{v['id']}: {v['help']}: {v['nodes'][:5]}" for v in critical
    )


# -- the reader's walk: both colour modes, phone to desktop, network cut ----------------------
WIDTHS = [320, 375, 768, 1280]
MODES = ["light", "dark"]
CHAPTER_3 = "chapters/03_training_loop"


def dialog_open(page, which):
    return page.evaluate(
        f"() => !!document.querySelector('#pst-{which}-sidebar-modal')?.open"
    )


def sidebar_shown(page, which):
    """The sidebar is on screen: in its place, or in its dialog."""
    return page.evaluate(
        f"""() => {{
      const d = document.querySelector('#pst-{which}-sidebar-modal');
      const s = d && d.open ? d : document.querySelector('#pst-{which}-sidebar');
      const r = s.getBoundingClientRect(), st = getComputedStyle(s);
      return r.width > 50 && r.right > 10 && r.left < innerWidth - 10 && st.visibility !== 'hidden'
             && st.display !== 'none' && parseFloat(st.opacity) > 0.5;
    }}"""
    )


def press(page, locator, touch):
    """A tap on a phone, a click with a mouse."""
    locator.tap() if touch else locator.click()
    page.wait_for_timeout(350)  # the theme's transitions


@pytest.mark.parametrize("first", FIRST_CHAPTERS)
@pytest.mark.parametrize("width", [320, 375, 768, 1280, 1920])
def test_chapter_list_opens_and_closes_with_a_tap_or_click(
    chromium, site_url, first, width
):
    touch = width < 1000
    ctx = reader_context(chromium, width, touch=touch)
    try:
        page, log = visit(ctx, site_url, first)
        toggle = page.locator(".primary-toggle").first
        assert toggle.is_visible(), (
            f"{width} px: no visible button for the chapter list"
        )
        before = sidebar_shown(page, "primary")
        press(page, toggle, touch)
        assert sidebar_shown(page, "primary") != before, (
            f"{width} px: the chapter-list button did nothing"
        )
        if dialog_open(page, "primary"):
            page.keyboard.press("Escape")
            page.wait_for_timeout(350)
            assert not dialog_open(page, "primary"), (
                f"{width} px: Escape did not close the chapter list"
            )
        else:
            press(page, toggle, touch)
        assert sidebar_shown(page, "primary") == before, (
            f"{width} px: the chapter list did not close again"
        )
        assert not log.own_errors(), "\n".join(log.own_errors())
    finally:
        ctx.close()


@pytest.mark.parametrize("first", FIRST_CHAPTERS)
@pytest.mark.parametrize("width", [320, 375, 768, 1280, 1920])
def test_page_contents_open_and_close_with_a_tap_or_click(
    chromium, site_url, first, width
):
    touch = width < 1000
    ctx = reader_context(chromium, width, touch=touch)
    try:
        page, _ = visit(ctx, site_url, first)
        toggle = page.locator(".secondary-toggle").first
        if not toggle.is_visible():
            assert sidebar_shown(page, "secondary"), (
                f"{width} px: neither the contents nor a button for them"
            )
            return
        press(page, toggle, touch)
        assert dialog_open(page, "secondary") and sidebar_shown(page, "secondary"), (
            f"{width} px: the 'on this page' button did nothing"
        )
        assert page.locator("#pst-secondary-sidebar-modal a").first.is_visible()
        page.keyboard.press("Escape")
        page.wait_for_timeout(350)
        assert not dialog_open(page, "secondary")
    finally:
        ctx.close()


@pytest.mark.parametrize("first", FIRST_CHAPTERS)
@pytest.mark.parametrize("mode", MODES)
def test_a_phone_reader_taps_to_the_chapter_list_and_reaches_chapter_3(
    chromium, site_url, mode, first
):
    if CHAPTER_3 not in PAGES:
        browser.skip_or_fail(f"{CHAPTER_3} is not in _toc.yml")
    ctx = reader_context(chromium, 375, mode)
    try:
        page, log = visit(ctx, site_url, first.replace(CHAPTERS[0], PAGES[0]))
        press(page, page.locator(".primary-toggle").first, True)
        link = page.locator(
            f'#pst-primary-sidebar-modal a[href$="{CHAPTER_3}.html"]'
        ).first
        assert link.is_visible(), "the chapter list does not show chapter 3"
        with page.expect_navigation():
            link.tap()
        assert page.url.endswith(f"{CHAPTER_3}.html"), page.url
        assert page.locator("article h1").first.is_visible()
    finally:
        ctx.close()


@pytest.mark.parametrize("first", FIRST_CHAPTERS)
def test_sidebar_buttons_work_from_the_keyboard(chromium, site_url, first):
    ctx = reader_context(chromium, 375, touch=False)
    try:
        page, _ = visit(ctx, site_url, first)
        for _ in range(20):
            page.keyboard.press("Tab")
            if page.evaluate(
                "() => document.activeElement.classList.contains('primary-toggle')"
            ):
                break
        else:
            pytest.fail("Tab never reaches the chapter-list button")
        assert page.evaluate(
            "() => document.activeElement.getAttribute('aria-label') || document.activeElement.title"
        )
        page.keyboard.press("Enter")
        page.wait_for_timeout(350)
        assert dialog_open(page, "primary"), (
            "Enter on the chapter-list button did not open it"
        )
        assert page.evaluate(
            "() => !!document.activeElement.closest('#pst-primary-sidebar-modal')"
        ), "focus did not move into the chapter list"
        page.keyboard.press("Escape")
        page.wait_for_timeout(350)
        assert not dialog_open(page, "primary")
    finally:
        ctx.close()


TWIN_PICTURE_JS = """
twin => {
  const imgs = Array.from(twin.querySelectorAll('img'));
  return imgs.map(i => {
    const r = i.getBoundingClientRect(), s = getComputedStyle(i);
    return {x: r.x, y: r.y, w: r.width, h: r.height, padding: s.padding, background: s.backgroundColor,
            loaded: i.complete && i.naturalWidth > 0, natural: i.naturalWidth};
  });
}
"""


def ink(png_bytes):
    """Share of pixels that differ clearly from the picture's most common colour."""
    import io

    import numpy as np
    from PIL import Image

    a = (
        np.asarray(Image.open(io.BytesIO(png_bytes)).convert("RGB"))
        .reshape(-1, 3)
        .astype(int)
    )
    colours, counts = np.unique(a // 16, axis=0, return_counts=True)
    ground = colours[counts.argmax()] * 16
    return float((np.abs(a - ground).sum(axis=1) > 60).mean())


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("entry", CHAPTERS)
def test_twins_show_their_full_picture_in_both_modes(chromium, site_url, entry, mode):
    ctx = reader_context(chromium, 1280, mode)
    try:
        page, _ = visit(ctx, site_url, entry)
        twins = page.locator(".gdlab-twin")
        for t in range(twins.count()):
            twin = twins.nth(t)
            twin.scroll_into_view_if_needed()
            layers = twin.evaluate(TWIN_PICTURE_JS)
            assert all(layer["loaded"] for layer in layers), (
                f"{entry}, twin {t + 1}: a layer did not load"
            )
            for layer in layers:
                assert layer["padding"] in ("0px", ""), (
                    f"{entry}, twin {t + 1} ({mode}): padding {layer['padding']}"
                )
            if len(layers) == 2:
                bg, fr = layers
                assert (
                    round(bg["x"]),
                    round(bg["y"]),
                    round(bg["w"]),
                    round(bg["h"]),
                ) == (round(fr["x"]), round(fr["y"]), round(fr["w"]), round(fr["h"])), (
                    f"{entry}, twin {t + 1} ({mode}): the moving layer is not on its background"
                )
                assert fr["background"] in ("rgba(0, 0, 0, 0)", "transparent"), (
                    f"{entry}, twin {t + 1} ({mode}): the moving layer hides the background"
                )
            picture = twin.locator(".gdlab-picture, img.gdlab-frame").first
            share = ink(picture.screenshot())
            assert share > 0.03, (
                f"{entry}, twin {t + 1} ({mode}): the picture is nearly empty ({share:.1%} ink)"
            )
    finally:
        ctx.close()


# Every page of both editions, at every width and in each mode (two modes
# across four widths: the pages are many, the combinations need not be).
@pytest.mark.parametrize(
    "width, mode", [(320, "light"), (375, "dark"), (768, "light"), (1280, "dark")]
)
def test_no_request_leaves_the_site(chromium, site_url, width, mode):
    ctx = reader_context(chromium, width, mode)
    try:
        outside = []
        for entry in PAGES:
            page, log = visit(ctx, site_url, entry)
            outside += [f"{entry}: {u}" for u in log.blocked]
            page.close()
        assert not outside, "requests outside the site:\n" + "\n".join(outside[:20])
    finally:
        ctx.close()


RAW_TEX_JS = r"""
() => {
  const article = document.querySelector('article');
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  const found = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.parentElement.closest('pre, code, annotation, script, .highlight')) continue;
    const m = n.textContent.match(/\\(frac|sum|partial|lambda|hat|mathbf|begin|left|right|cdot)\b|\$\$|\\\(|\\\[/);
    if (m) found.push(m[0] + ' in "' + n.textContent.trim().slice(0, 60) + '"');
  }
  const toc = Array.from(document.querySelectorAll('nav')).map(n => n.textContent).join(' ');
  if (/\\(frac|sum|lambda|hat)\b|\$/.test(toc)) found.push('raw TeX in a table of contents');
  return found;
}
"""


@pytest.mark.parametrize("entry", PAGES)
def test_no_raw_tex_with_the_network_cut(context, site_url, entry):
    page, _ = visit(context, site_url, entry)
    found = page.evaluate(RAW_TEX_JS)
    assert not found, f"{entry}: {found[:5]}"


FIGURES_JS = """
() => Array.from(document.querySelectorAll('article img')).map(i => ({
  src: i.getAttribute('src'), alt: i.getAttribute('alt'), twinLayer: !!i.closest('.gdlab-twin'),
  frame: i.classList.contains('gdlab-frame') && !!i.closest('.gdlab-picture'),
  natural: i.naturalWidth, shown: i.getBoundingClientRect().width,
  width: i.getAttribute('width'), height: i.getAttribute('height'),
}))
"""
FILE_NAME_ALT = re.compile(
    r"(\.(png|jpe?g|svg|gif|webp)$)|^[0-9a-f]{16,}$|^(image|figure|img|output)$", re.I
)


@pytest.mark.parametrize("entry", CHAPTERS)
def test_figures_are_sharp_sized_and_described(chromium, site_url, entry):
    ctx = reader_context(chromium, 1280, touch=False)
    try:
        page, _ = visit(ctx, site_url, entry)
        load_all_images(page)
        for fig in page.evaluate(FIGURES_JS):
            where = f"{entry}: {fig['src']}"
            assert fig["width"] and fig["height"], (
                f"{where}: no width and height (the page would shift)"
            )
            if not fig["frame"]:  # a twin's moving layer is described by its background
                alt = (fig["alt"] or "").strip()
                assert alt and not FILE_NAME_ALT.search(alt), (
                    f"{where}: alt text {fig['alt']!r} does not describe it"
                )
            if fig["shown"]:
                assert fig["natural"] >= 2 * fig["shown"] - 1, (
                    f"{where}: {fig['natural']} px drawn for {fig['shown']:.0f} CSS px: blurry on a hi-dpi screen"
                )
    finally:
        ctx.close()


OUTPUTS_JS = """
() => Array.from(document.querySelectorAll('.cell_output pre')).map(pre => {
  const out = pre.closest('.output');
  const s = getComputedStyle(out || pre);
  return {wide: pre.scrollWidth > pre.clientWidth + 1, text: pre.textContent.slice(0, 60),
          stderr: !!(out && out.matches('.stderr, .traceback')), border: parseFloat(s.borderLeftWidth),
          borderColor: s.borderLeftColor};
})
"""


@pytest.mark.parametrize("entry", CHAPTERS)
def test_outputs_wrap_and_stderr_stands_out(chromium, site_url, entry):
    ctx = reader_context(chromium, 375)
    try:
        page, _ = visit(ctx, site_url, entry)
        outputs = page.evaluate(OUTPUTS_JS)
        wide = [o["text"] for o in outputs if o["wide"]]
        assert not wide, (
            f"{entry}: printed lines that scroll sideways at 375 px: {wide[:3]}"
        )
        for o in outputs:
            if o["stderr"]:
                assert o["border"] >= 3, (
                    f"{entry}: stderr looks like ordinary output: {o['text']!r}"
                )
    finally:
        ctx.close()


# -- gdlab's player in Chromium, on a page of its own ------------------------------------------
def twin_page(tmp_path, twins_html):
    (tmp_path / "index.html").write_text(
        "<!doctype html><html><head><meta charset='utf-8'><title>twin</title></head><body>"
        + "".join(twins_html)
        + "</body></html>",
        encoding="utf-8",
    )
    return tmp_path


def make_twin():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    import gdlab

    fig, ax = plt.subplots(figsize=(3, 2))
    ax.set_xlim(0, 1)
    ax.set_ylim(-3, 3)
    (line,) = ax.plot([0, 1], [0, 0])
    title = ax.set_title("")

    def draw(a, kind):
        line.set_ydata([0, a if kind == "up" else -a])
        title.set_text(f"a = {a}, {kind}")
        return line, title

    return gdlab.explore(fig, draw, alt="a line", a=[0, 1, 2, 3], kind=["up", "down"])


SCRUB_TIMES_JS = """
async () => {
  const twin = document.querySelector('.gdlab-twin');
  const slider = twin.querySelector('input[type=range]'), img = twin.querySelector('img.gdlab-frame');
  const times = [];
  for (let round = 0; round < 5; round++) {
    for (let i = 0; i <= +slider.max; i++) {
      const t0 = performance.now();
      slider.value = String(i);
      slider.dispatchEvent(new Event('input'));
      await img.decode();
      times.push(performance.now() - t0);
    }
  }
  return times;
}
"""


def test_todays_gdlab_twin_scrubs_in_chromium(chromium, tmp_path):
    ex = make_twin()
    site = twin_page(tmp_path, [ex.twin_html()])
    with browser.StaticServer(site) as server:
        ctx = chromium.new_context(viewport={"width": 800, "height": 600})
        page, log = browser.open_page(ctx, server.url)
        page.goto(server.url + "index.html", wait_until="load")
        twin = page.locator(".gdlab-twin")
        assert page.locator(".gdlab-note").is_hidden(), (
            "the player did not hide the 'run this cell' note"
        )
        slider, select = twin.locator("input[type=range]"), twin.locator("select")
        assert slider.is_enabled() and select.is_enabled(), (
            "the player did not enable the controls"
        )
        state = lambda: twin.evaluate(TWIN_STATE_JS)  # noqa: E731
        first, last, seen = scrub_range(page, twin, slider, 0)
        assert len(seen) == 4 and first["src"] != last["src"]
        _, _, seen_kind = scrub_select(twin, select, 1)
        assert len(seen_kind) == 2
        assert state()["outputs"] == ["3", "down"]
        # Once the frames are in, a move redraws within a frame of the screen.
        times = page.evaluate(SCRUB_TIMES_JS)
        times.sort()
        assert times[len(times) // 2] < 16, (
            f"redraw median {times[len(times) // 2]:.1f} ms"
        )
        assert not log.own_errors(), log.own_errors()
        ctx.close()


def test_a_broken_twin_does_not_stop_the_others(chromium, tmp_path):
    from gdlab.twin import player_js

    good = make_twin().twin_html()
    inline = f"<script>{player_js()}</script>"
    # Two twins with the page's one player (as the website serves it), the
    # first with data that cannot be read.
    broken = good.replace('class="gdlab-data">{', 'class="gdlab-data">{oops').replace(
        inline, ""
    )
    site = twin_page(
        tmp_path,
        [
            broken,
            good.replace(inline, ""),
            inline.replace("<script>", "<script defer>"),
        ],
    )
    with browser.StaticServer(site) as server:
        ctx = chromium.new_context(viewport={"width": 800, "height": 600})
        page, log = browser.open_page(ctx, server.url)
        page.goto(server.url + "index.html", wait_until="load")
        twins = page.locator(".gdlab-twin")
        assert twins.nth(1).locator("input[type=range]").is_enabled()
        first, last, seen = scrub_range(
            page, twins.nth(1), twins.nth(1).locator("input[type=range]"), 0
        )
        assert len(seen) == 4
        assert any("could not start" in text for text, _ in log.console_errors), (
            log.console_errors
        )
        # The broken one says nothing false: its controls stay disabled, its note shown.
        assert twins.nth(0).locator("input[type=range]").is_disabled()
        assert twins.nth(0).locator(".gdlab-note").is_visible()
        ctx.close()


def test_browser_is_required_in_ci():
    """CI sets GDLAB_REQUIRE_BROWSER=1; then these tests cannot skip (see tests/browser.py)."""
    if os.environ.get("GDLAB_REQUIRE_BROWSER") == "1":
        assert browser.CHROMIUM.exists(), (
            "GDLAB_REQUIRE_BROWSER=1 but no /usr/bin/chromium"
        )
