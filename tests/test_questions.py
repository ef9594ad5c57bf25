"""The check-your-understanding questions (gdlab/quiz.py, gdlab/questions/).

Fast tests read the question files and the HTML the renderer writes. The
browser tests put real quiz outputs into a small standalone page styled
with the website's own theme CSS, serve it on 127.0.0.1 with the network
cut (tests/browser.py), and answer the questions in Debian's Chromium: by
mouse, by keyboard only, in light and dark mode, at 320 px. One more runs a
notebook of quiz cells in a real JupyterLab (Run All) and answers there.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import browser
import pytest
import yaml
from conftest import ROOT, chapter_notebooks
from test_jupyterlab import (  # noqa: F401 (lab is a fixture)
    lab,
    run_all,
    wait_for_kernel,
    wait_until_done,
)

import gdlab
from gdlab.quiz import (
    SITE_CSS,
    SITE_JS,
    _question,
    chapters,
    load_chapter,
    plain,
    site_assets,
    without_inline_assets,
)

QUESTIONS = ROOT / "gdlab" / "questions"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def raw_files() -> dict[str, dict]:
    return {
        p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))
        for p in sorted(QUESTIONS.glob("*.yml"))
    }


# A stand-in for the value each numeric question's chapter computes (the
# fast tests only need a number; the chapters pass their own).
SOME_VALUE = 0.123456789


def render(chapter: str, qid: str, value: float | None = SOME_VALUE) -> str:
    q = load_chapter(chapter)[qid]
    return gdlab.quiz(chapter, qid, value=value if q.numeric else None)._repr_html_()


# -- the question files -------------------------------------------------------------
def test_one_question_file_per_chapter():
    stems = sorted(p.stem for p in chapter_notebooks())
    assert sorted(raw_files()) == stems, (
        "one gdlab/questions/<chapter>.yml per chapter notebook, same name"
    )
    assert chapters() == [s[:2] for s in stems]


@pytest.mark.parametrize("stem", sorted(raw_files()))
def test_question_file(stem):
    data = raw_files()[stem]
    assert str(data["chapter"]) == stem[:2], f"{stem}: says chapter {data['chapter']!r}"
    questions = data["questions"]
    assert 4 <= len(questions) <= 8, (
        f"{stem}: {len(questions)} questions (4 to 8 per chapter)"
    )
    ids = [q["id"] for q in questions]
    assert len(ids) == len(set(ids)), f"{stem}: question ids used twice"
    for raw in questions:
        where = f"{stem}, {raw['id']}"
        assert raw["prompt"].strip(), where
        if "answer" in raw:
            # Numeric: the value is computed by the chapter, never typed here.
            assert "value" not in raw["answer"], f"{where}: a typed answer value"
            assert {"absolute", "relative"} & set(raw["answer"]["tolerance"]), (
                f"{where}: no tolerance"
            )
            for key in ("right", "high", "low"):
                assert raw[key].strip(), f"{where}: no '{key}' feedback"
            assert "{value}" in raw["right"], (
                f"{where}: the right feedback should show the computed value"
            )
            continue
        options = raw["options"]
        assert 2 <= len(options) <= 5, where
        right = [o for o in options if o.get("right")]
        assert len(right) == 1, f"{where}: {len(right)} right options"
        texts = [o["text"].strip().lower() for o in options]
        assert len(set(texts)) == len(texts), f"{where}: two options read the same"
        for o in options:
            assert o["explanation"].strip(), (
                f"{where}: an option without an explanation"
            )
        answer = right[0]["text"].strip().lower().rstrip(".")
        for o in options:
            if not o.get("right"):
                assert answer not in o["explanation"].lower(), (
                    f"{where}: a wrong option's explanation gives the right answer away"
                )
    # The package's loader accepts the file as it is.
    assert list(load_chapter(stem[:2])) == ids


@pytest.mark.parametrize(
    "raw, message",
    [
        (
            {
                "id": "x",
                "prompt": "p",
                "options": [
                    {"text": "a", "explanation": "e"},
                    {"text": "b", "explanation": "e"},
                ],
            },
            "exactly one option must be right",
        ),
        (
            {
                "id": "x",
                "prompt": "p",
                "options": [
                    {"text": "a", "explanation": "e", "right": True},
                    {"text": "b", "explanation": "e", "right": True},
                ],
            },
            "exactly one option must be right",
        ),
        (
            {
                "id": "x",
                "prompt": "p",
                "options": [
                    {"text": "a", "explanation": "e", "right": True},
                    {"text": "b"},
                ],
            },
            "explanation",
        ),
        (
            {
                "id": "x",
                "prompt": "p",
                "answer": {"value": 3.0, "tolerance": {"absolute": 1}},
                "right": "r {value}",
                "high": "h",
                "low": "l",
            },
            "computed by the chapter",
        ),
        (
            {
                "id": "x",
                "prompt": "p",
                "answer": {"format": ".3g"},
                "right": "r",
                "high": "h",
                "low": "l",
            },
            "tolerance",
        ),
        ({"id": "Bad Id", "prompt": "p", "options": []}, "bad question id"),
    ],
)
def test_loader_refuses_broken_questions(raw, message):
    with pytest.raises(ValueError, match=message):
        _question("99", raw)


# -- the renderer ---------------------------------------------------------------
def test_numeric_questions_need_the_chapters_value():
    for chapter in chapters():
        for q in load_chapter(chapter).values():
            if q.numeric:
                with pytest.raises(ValueError, match="value"):
                    gdlab.quiz(chapter, q.id)
            else:
                with pytest.raises(ValueError, match="value"):
                    gdlab.quiz(chapter, q.id, value=1.0)


def test_html_ids_come_from_the_question_ids():
    html = render("03", "steep-factor")
    assert 'id="gdlab-q-03-steep-factor"' in html
    assert 'id="gdlab-q-03-steep-factor-answer"' in html
    html = render("07", "shape-trap")
    for i in range(4):
        assert f'id="gdlab-q-07-shape-trap-o{i}"' in html
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))


def test_rounding_noise_in_the_value_does_not_change_the_output():
    a = render("03", "steep-factor", value=-0.17668400000000001)
    b = render("03", "steep-factor", value=-0.17668399999999995)
    assert a == b


RENDER_ALL = """
import hashlib, gdlab
from gdlab.quiz import chapters, load_chapter
h = hashlib.sha256()
for c in chapters():
    for q in load_chapter(c).values():
        h.update(gdlab.quiz(c, q.id, value=0.123456789 if q.numeric else None)._repr_mimebundle_()["text/html"].encode())
    h.update(gdlab.quiz(c, *[q.id for q in load_chapter(c).values() if not q.numeric])._repr_html_().encode())
print(h.hexdigest())
"""


def test_rendering_is_byte_identical_between_runs():
    """Two fresh interpreters (different hash seeds) write the same bytes."""
    digests = set()
    for seed in ("1", "2"):
        out = subprocess.run(
            [sys.executable, "-c", RENDER_ALL],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            cwd=ROOT,
        )
        digests.add(out.stdout.strip())
    assert len(digests) == 1


def test_output_is_small_and_self_contained():
    html = render("08", "logits-to-loss")
    assert len(html.encode()) < 12_000, (
        "a quiz output should stay small (pages stay under 300 KB)"
    )
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html), (
        "the quiz loads nothing from outside"
    )
    assert "http" not in html
    # One output: the styles and the script travel inside it.
    assert html.count("<style>") == 1 and html.count("<script>") == 1


# -- in Chromium ------------------------------------------------------------------
# The page: real quiz outputs, inside the same wrappers MyST-NB gives an
# output on the website, styled with the website theme's own CSS (which is
# what puts HTML outputs on a light card in dark mode).
SITE_PACKAGES = Path(sys.prefix) / "lib"
# The website's styles in the order the page loads them: the two themes',
# then the book's own.
STYLE_SHEETS = [
    *sorted(
        SITE_PACKAGES.glob(
            "python3*/site-packages/pydata_sphinx_theme/theme/pydata_sphinx_theme/static/styles/pydata-sphinx-theme.css"
        )
    ),
    *sorted(
        SITE_PACKAGES.glob(
            "python3*/site-packages/sphinx_book_theme/theme/sphinx_book_theme/static/styles/sphinx-book-theme.css"
        )
    ),
    ROOT / "assets" / "book.css",
]
CHOICE = ("03", "diverging-loss")
NUMBER = ("03", "steep-factor")
NUMBER_VALUE = 1 - 2e-4 * 5883.42


def quiz_page(site: bool = False) -> str:
    """The test page. ``site``: as a website serving the quiz assets once
    (gdlab.quiz.without_inline_assets, the assets as deferred files)."""
    outputs = [
        gdlab.quiz(*CHOICE)._repr_html_(),
        gdlab.quiz(*NUMBER, value=NUMBER_VALUE)._repr_html_(),
        gdlab.quiz("08", "logits-to-loss", "test-spent")._repr_html_(),
    ]
    assert len(STYLE_SHEETS) == 3 and all(p.exists() for p in STYLE_SHEETS), (
        STYLE_SHEETS
    )
    theme = "".join(p.read_text(encoding="utf-8") for p in STYLE_SHEETS)
    cells = "".join(
        f'<div class="cell"><div class="cell_output"><div class="output text_html">{o}</div></div></div>'
        for o in outputs
    )
    head = ""
    if site:
        cells = without_inline_assets(cells)
        head = f'<link rel="stylesheet" href="{SITE_CSS}"><script defer src="{SITE_JS}"></script>'
    return (
        '<!DOCTYPE html><html lang="en" data-theme="light"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Questions</title><style>{theme}</style>{head}</head>"
        '<body><main class="bd-content"><article class="bd-article"><h1>Questions</h1>'
        f"<p>Some prose before the questions.</p>{cells}</article></main></body></html>"
    )


@pytest.fixture(scope="module")
def page_url(tmp_path_factory):
    folder = tmp_path_factory.mktemp("quiz")
    (folder / "quiz.html").write_text(quiz_page(), encoding="utf-8")
    (folder / "quiz-site.html").write_text(quiz_page(site=True), encoding="utf-8")
    for name, text in site_assets().items():
        (folder / name).write_text(text, encoding="utf-8")
    with browser.StaticServer(folder) as server:
        yield server.url + "quiz.html"


def open_quiz(chromium, page_url, theme="light", width=1024):
    context = chromium.new_context(
        viewport={"width": width, "height": 900}, color_scheme=theme
    )
    page, log = browser.open_page(context, page_url)
    page.goto(page_url, wait_until="load")
    page.evaluate(f"document.documentElement.dataset.theme = '{theme}'")
    return context, page, log


def form(page, chapter, qid):
    return page.locator(f"#gdlab-q-{chapter}-{qid}")


def feedback(page, chapter, qid, expect):
    """The feedback line once it says `expect` (it is filled a moment after Check)."""
    fb = form(page, chapter, qid).locator(".gdlab-q-feedback")
    fb.filter(has_text=expect).wait_for(timeout=3000)
    return fb.text_content(), fb.get_attribute("data-state")


def explanation(chapter, qid, i):
    """An option's explanation as the page shows it (code marks gone, spaces single)."""
    return " ".join(plain(load_chapter(chapter)[qid].options[i].explanation).split())


def right_index(chapter, qid):
    return next(i for i, o in enumerate(load_chapter(chapter)[qid].options) if o.right)


def test_choice_wrong_then_right(chromium, page_url):
    context, page, log = open_quiz(chromium, page_url)
    try:
        f = form(page, *CHOICE)
        assert f.locator("button").is_enabled(), (
            "the Check button stays disabled: the script did not run"
        )
        assert not page.locator(".gdlab-q-note").first.is_visible(), (
            "the run-this-cell note is still shown"
        )
        good = right_index(*CHOICE)
        bad = (good + 1) % 4
        f.locator(f"label[for=gdlab-q-03-diverging-loss-o{bad}]").click()
        f.locator("button").click()
        text, state = feedback(page, *CHOICE, "Not yet")
        assert state == "wrong"
        text = " ".join(text.split())
        assert explanation(*CHOICE, bad) in text and "Try again" in text
        assert explanation(*CHOICE, good) not in text
        # Try again: the right option.
        f.locator(f"label[for=gdlab-q-03-diverging-loss-o{good}]").click()
        f.locator("button").click()
        text, state = feedback(page, *CHOICE, "Right.")
        assert state == "right" and explanation(*CHOICE, good) in " ".join(text.split())
        # Remembered in this browser, shown after a reload.
        page.reload(wait_until="load")
        done = form(page, *CHOICE).locator(".gdlab-q-done")
        assert done.is_visible() and "1 of 6" in done.text_content()
        assert not log.blocked and not log.own_errors(), (log.blocked, log.own_errors())
    finally:
        context.close()


def test_number_too_high_too_low_and_right(chromium, page_url):
    context, page, log = open_quiz(chromium, page_url)
    try:
        f = form(page, *NUMBER)
        q = load_chapter(NUMBER[0])[NUMBER[1]]
        value = float(format(NUMBER_VALUE, q.format))
        err = q.allowed_error(value)
        box, check = f.locator("input[type=text]"), f.locator("button")
        assert "0.01" in f.text_content(), "the tolerance is stated"
        for typed, expect, state in [
            ("1e-4", "Too high", "wrong"),
            (str(value + 1.5 * err), "Too high", "wrong"),
            (str(value - 1.5 * err).replace("-", "\u2212"), "Too low", "wrong"),
            ("about a half", "Type a number", None),
            (str(value + 0.8 * err), "Right.", "right"),
        ]:
            box.fill(typed)
            check.click()
            text, got = feedback(page, *NUMBER, expect)
            assert got == state, (typed, text)
        shown = format(value, q.format).replace("-", "\u2212")  # a typographic minus
        assert shown in text, "the right feedback shows the chapter's value"
        assert not log.own_errors(), log.own_errors()
    finally:
        context.close()


def test_keyboard_only(chromium, page_url):
    context, page, _ = open_quiz(chromium, page_url)
    try:
        page.locator("h1").click()  # start from the top of the page, as a reader would
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.id")
        assert focused == "gdlab-q-03-diverging-loss-o0", (
            f"Tab reached {focused!r}, not the first option"
        )
        good = right_index(*CHOICE)
        for _ in range(good):
            page.keyboard.press("ArrowDown")
        assert page.evaluate("document.activeElement.checked"), (
            "arrow keys do not choose an option"
        )
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Check"
        page.keyboard.press("Enter")
        feedback(page, *CHOICE, "Right.")
        # The numeric question: Tab into its field, type, press Enter.
        page.keyboard.press("Tab")
        assert (
            page.evaluate("document.activeElement.id")
            == "gdlab-q-03-steep-factor-answer"
        )
        page.keyboard.type("-0.5")
        page.keyboard.press("Enter")
        feedback(page, *NUMBER, "Too low")
        # Space on the Check button works too.
        page.keyboard.press("Tab")
        page.keyboard.press(" ")
        feedback(page, *NUMBER, "Too low")
        # Every feedback line is announced.
        for el in page.locator(".gdlab-q-feedback").all():
            assert (
                el.get_attribute("aria-live") == "polite"
                and el.get_attribute("role") == "status"
            )
    finally:
        context.close()


AXE_RUN = """
async () => (await axe.run(document.querySelector('main'), {resultTypes: ['violations']})).violations
  .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))
"""


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_axe_finds_nothing_serious(chromium, page_url, theme):
    if not AXE.exists():
        browser.skip_or_fail("axe-core is not installed: run `npm ci` (make does it)")
    context, page, _ = open_quiz(chromium, page_url, theme)
    try:
        # Answer one question wrong and one right, so the feedback is checked too.
        f = form(page, *CHOICE)
        f.locator("input[type=radio]").nth((right_index(*CHOICE) + 1) % 4).check()
        f.locator("button").click()
        feedback(page, *CHOICE, "Not yet")
        g = form(page, *NUMBER)
        g.locator("input[type=text]").fill("-0.18")
        g.locator("button").click()
        feedback(page, *NUMBER, "Right.")
        page.add_script_tag(path=str(AXE))
        found = [
            v for v in page.evaluate(AXE_RUN) if v["impact"] in ("serious", "critical")
        ]
        assert not found, found
    finally:
        context.close()


OVERFLOW = """
() => {
  const W = document.documentElement.clientWidth, wide = [];
  for (const el of document.querySelectorAll('.gdlab-quiz, .gdlab-quiz *')) {
    const r = el.getBoundingClientRect();
    if (r.width && r.right > W + 0.5) wide.push(el.tagName + '.' + el.className + ' ' + Math.round(r.right));
  }
  return {W, scroll: document.documentElement.scrollWidth, wide};
}
"""


def test_nothing_wider_than_320_px(chromium, page_url):
    context, page, _ = open_quiz(chromium, page_url, width=320)
    try:
        g = form(page, *NUMBER)
        g.locator("input[type=text]").fill("12345678901234567890")
        g.locator("button").click()
        feedback(page, *NUMBER, "Too high")
        r = page.evaluate(OVERFLOW)
        assert r["W"] == 320 and r["scroll"] <= 320 and not r["wide"], r
    finally:
        context.close()


def answer_every_question(page) -> int:
    """Answer each question on the page wrong, then right, as a reader would.

    The answers come from each form's own data (what the page checks
    against), so this works on any page: the test page or a chapter.
    Returns how many questions were answered.
    """
    forms = page.locator("form.gdlab-q")
    for k in range(forms.count()):
        f = forms.nth(k)
        f.scroll_into_view_if_needed()
        where = f.get_attribute("id")
        data = json.loads(f.locator(".gdlab-q-data").text_content())
        assert f.locator("button").is_enabled(), (
            f"{where}: Check is disabled: the script did not run"
        )
        fb = f.locator(".gdlab-q-feedback")
        if data["kind"] == "choice":
            wrong = (data["answer"] + 1) % len(data["explanations"])
            f.locator("label.gdlab-q-option").nth(wrong).click()
            f.locator("button").click()
            fb.filter(has_text="Not yet").wait_for(timeout=3000)
            f.locator("label.gdlab-q-option").nth(data["answer"]).click()
        else:
            box = f.locator("input[type=text]")
            box.fill(repr(data["value"] + 2 * data["error"] + 1e-9))
            f.locator("button").click()
            # The question's own words for a number too high ("Too many", ...).
            fb.filter(has_text="Not yet").wait_for(timeout=3000)
            assert data["high"].split(".")[0] in fb.inner_text(), where
            box.fill(repr(data["value"]))
        f.locator("button").click()
        fb.filter(has_text="Right.").wait_for(timeout=3000)
        assert fb.get_attribute("data-state") == "right", where
    return forms.count()


@pytest.mark.parametrize("site", [False, True], ids=["inline", "assets-served-once"])
def test_every_question_on_a_page_answers(chromium, page_url, site):
    url = page_url.replace("quiz.html", "quiz-site.html") if site else page_url
    context, page, log = open_quiz(chromium, url, width=390)
    try:
        if site:
            html = page.content()
            assert (
                "<style>" not in html.split("</head>")[1] and "gdlab-q-note" not in html
            )
            assert page.locator(f'script[src="{SITE_JS}"]').count() == 1
        assert answer_every_question(page) == 4
        assert not log.blocked and not log.own_errors(), (log.blocked, log.own_errors())
    finally:
        context.close()


def test_works_where_storage_is_blocked(chromium, tmp_path):
    """In a sandboxed frame (as notebook front ends such as Colab show outputs)
    localStorage throws; the questions must still answer."""
    import html as html_lib

    quiz = gdlab.quiz(*CHOICE)._repr_html_()
    doc = f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>f</title></head><body>{quiz}</body></html>'
    (tmp_path / "frame.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Frame</title></head><body>'
        f'<iframe title="output" sandbox="allow-scripts" srcdoc="{html_lib.escape(doc)}" width="600" height="700"></iframe>'
        "</body></html>",
        encoding="utf-8",
    )
    context = chromium.new_context()
    try:
        with browser.StaticServer(tmp_path) as server:
            page, log = browser.open_page(context, server.url)
            page.goto(server.url + "frame.html", wait_until="load")
            frame = page.frame_locator("iframe")
            f = frame.locator(f"#gdlab-q-{CHOICE[0]}-{CHOICE[1]}")
            f.locator("input[type=radio]").nth(right_index(*CHOICE)).check()
            f.locator("button").click()
            f.locator(".gdlab-q-feedback").filter(has_text="Right.").wait_for(
                timeout=3000
            )
            assert not log.page_errors, log.page_errors
    finally:
        context.close()


@pytest.mark.parametrize("path", chapter_notebooks(), ids=lambda p: p.stem)
def test_every_chapter_page_has_working_questions(chromium, site_url, path):
    """On the built website, phone-sized, network cut: every question answers."""
    entry = f"chapters/{path.stem}"
    context = chromium.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    try:
        page, log = browser.open_page(context, site_url)
        page.goto(f"{site_url}{entry}.html", wait_until="load")
        n = answer_every_question(page)
        assert n == len(load_chapter(path.stem[:2])), (
            f"{entry}: {n} questions on the page, {len(load_chapter(path.stem[:2]))} in its file"
        )
        r = page.evaluate(OVERFLOW)
        assert not r["wide"], (
            f"{entry}: a question is wider than the screen: {r['wide'][:3]}"
        )
        assert not log.own_errors(), log.own_errors()
    finally:
        context.close()


CONTRAST = """
els => els.map(el => {
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = c => { const [r, g, b] = c.slice(0, 3).map(v => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  let bg = null;
  for (let e = el; e && !bg; e = e.parentElement) {
    const c = rgb(getComputedStyle(e).backgroundColor);
    if (c.length >= 3 && (c.length < 4 || c[3] > 0.5)) bg = c;
  }
  bg = bg || [255, 255, 255];
  const fg = rgb(getComputedStyle(el).color);
  const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  return {text: el.textContent.trim().slice(0, 30), ratio: (a + 0.05) / (b + 0.05),
          fg: getComputedStyle(el).color, bg: String(bg)};
})
"""


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_readable_in_both_modes(chromium, page_url, theme):
    context, page, _ = open_quiz(chromium, page_url, theme)
    try:
        f = form(page, *CHOICE)
        f.locator("input[type=radio]").first.check()
        f.locator("button").click()
        feedback(page, *CHOICE, "")
        page.wait_for_timeout(200)
        body_bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
        texts = page.locator(
            ".gdlab-quiz legend, .gdlab-quiz label, .gdlab-quiz button, .gdlab-q-feedback"
        )
        results = texts.evaluate_all(CONTRAST)
        low = [r for r in results if r["ratio"] < 4.5]
        assert not low, f"{theme}: text below 4.5:1 contrast: {low[:3]}"
        # The quiz follows the page, not a light card in dark mode.
        card = page.evaluate(
            "getComputedStyle(document.querySelector('.text_html')).backgroundColor"
        )
        assert card in ("rgba(0, 0, 0, 0)", body_bg), (
            f"{theme}: the output sits on a card of {card}"
        )
    finally:
        context.close()


# -- the chapters ask their questions ----------------------------------------------
def quiz_calls(nb: dict) -> list[tuple[str, list[str]]]:
    calls = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        for m in re.finditer(r"gdlab\.quiz\(([^)]*)\)", "".join(cell["source"])):
            args = re.findall(r'"([^"]+)"', m.group(1).split("value=")[0])
            calls.append((args[0], args[1:]))
    return calls


@pytest.mark.parametrize("path", chapter_notebooks(), ids=lambda p: p.stem)
def test_every_question_is_asked_in_its_chapter(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    asked = [
        qid
        for chapter, ids in quiz_calls(nb)
        if chapter == path.stem[:2]
        for qid in ids
    ]
    missing = [q for q in load_chapter(path.stem[:2]) if q not in asked]
    assert not missing, (
        f"{path.name}: questions in its file that no quiz cell asks: {missing}"
    )
    assert len(asked) == len(set(asked)), (
        f"{path.name}: a question asked twice (its ids would repeat)"
    )


def test_stored_quiz_outputs_are_current():
    """A quiz cell's stored output is what the question file renders today."""
    for path in chapter_notebooks():
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] != "code" or "gdlab.quiz(" not in "".join(
                cell["source"]
            ):
                continue
            html = "".join(
                "".join(o["data"]["text/html"])
                for o in cell.get("outputs", [])
                if "text/html" in o.get("data", {})
            )
            assert 'class="gdlab-quiz"' in html, (
                f"{path.name}: a quiz cell without its stored output"
            )
            for qid in re.findall(r'data-qid="([^"]+)"', html):
                q = load_chapter(path.stem[:2])[qid]
                if not q.numeric:
                    fresh = gdlab.quiz(path.stem[:2], qid)._repr_html_()
                    form_html = re.search(
                        r'<form class="gdlab-q".*?</form>', fresh, re.S
                    ).group(0)
                    assert form_html in html, (
                        f"{path.name}, {qid}: stored output is stale: run `make execute`"
                    )


# -- in JupyterLab, after Run All ------------------------------------------------


def test_questions_work_in_jupyterlab_after_run_all(chromium, lab):  # noqa: F811
    """A notebook of quiz cells, run in a real JupyterLab: the questions answer."""
    name = "quiz_check.ipynb"
    cells = [
        "import gdlab",
        f'gdlab.quiz("{CHOICE[0]}", "{CHOICE[1]}")',
        f'gdlab.quiz("{NUMBER[0]}", "{NUMBER[1]}", value={NUMBER_VALUE!r})',
    ]
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "metadata": {},
                "source": s,
                "outputs": [],
                "execution_count": None,
                "id": f"c{i}",
            }
            for i, s in enumerate(cells)
        ],
        "metadata": {
            "kernelspec": {
                "name": "python3",
                "display_name": "Python 3",
                "language": "python",
            }
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (lab["root"] / name).write_text(json.dumps(nb), encoding="utf-8")
    ctx = chromium.new_context(viewport={"width": 1200, "height": 1000})
    try:
        page, log = browser.open_page(ctx, lab["url"])
        page.goto(f"{lab['url']}/lab/tree/{name}?token={lab['token']}")
        page.locator(".jp-NotebookPanel .jp-Notebook").first.wait_for(timeout=120_000)
        wait_for_kernel(page, lab, name)
        run_all(page)
        wait_until_done(page, lab["root"] / name)
        panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
        f = panel.locator(f"#gdlab-q-{CHOICE[0]}-{CHOICE[1]}")
        f.locator("button").wait_for(timeout=30_000)
        assert f.locator("button").is_enabled(), (
            "the quiz's script did not run in JupyterLab"
        )
        good = right_index(*CHOICE)
        f.locator("input[type=radio]").nth((good + 1) % 4).check()
        f.locator("button").click()
        fb = f.locator(".gdlab-q-feedback")
        fb.filter(has_text="Not yet").wait_for(timeout=5000)
        f.locator("input[type=radio]").nth(good).check()
        f.locator("button").click()
        fb.filter(has_text="Right.").wait_for(timeout=5000)
        # By keyboard: the notebook's own shortcuts (Enter, the arrows) must
        # not take the keys a reader answers with.
        f.locator("input[type=radio]").nth(0).focus()
        page.keyboard.press("ArrowDown")
        assert f.locator("input[type=radio]").nth(1).is_checked(), (
            "ArrowDown did not move to the next option"
        )
        assert (
            page.evaluate("document.activeElement.id")
            == f"gdlab-q-{CHOICE[0]}-{CHOICE[1]}-o1"
        )
        page.keyboard.press("Enter")
        fb.filter(has_text="Not yet" if good != 1 else "Right.").wait_for(timeout=5000)
        g = panel.locator(f"#gdlab-q-{NUMBER[0]}-{NUMBER[1]}")
        g.locator("input[type=text]").fill("-0.18")
        g.locator("input[type=text]").press("Enter")
        g.locator(".gdlab-q-feedback").filter(has_text="Right.").wait_for(timeout=5000)
        assert not log.blocked, log.blocked
    finally:
        ctx.close()
