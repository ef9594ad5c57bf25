"""The Korean edition stays in step with the English, and says the same things.

The catalogues (``locales/ko``, ``gdlab/locales/ko``) must hold every string
of today's English, translated, none fuzzy, each keeping the English's
formulas, code, numbers, links and glossary links (the glossary links point
at the glossary's Korean terms). The Korean notebooks must be what
``tools/translations.py notebooks`` makes of today's English notebooks, with
code cells and outputs identical to the English ones.
"""

import json
import os
import subprocess
import sys
import tempfile

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "_ext"))
import korean_notebooks  # noqa: E402
import translations  # noqa: E402
from book import chapter_notebooks, toc_files, translated_notebook  # noqa: E402
from book_site.i18n import glossary_pairs, strip_particle  # noqa: E402

GLOSSARY = ROOT / "chapters" / "glossary.md"
TERMS = translations.korean_terms()


# -- the catalogues ----------------------------------------------------------------
@pytest.mark.parametrize(
    "po", translations.catalogues(), ids=lambda p: str(translations._name(p))
)
def test_every_string_is_translated_faithfully_and_none_is_fuzzy(po):
    found = translations.check_catalogue(po, TERMS)
    assert not found, f"{len(found)} problems:\n" + "\n".join(found[:25])


def test_every_page_has_its_catalogue():
    for page in toc_files():
        po = translations.CATALOGUES / f"{page}.po"
        assert po.exists(), f"{page} has no Korean catalogue: run make translations"


def test_the_gdlab_catalogue_holds_todays_texts():
    """Questions, quiz words and figure descriptions: none missing, none left over."""
    want = set(translations.gdlab_texts())
    have = {
        m.id for m in translations.read_catalogue(translations.GDLAB_CATALOGUE) if m.id
    }
    assert not want - have, (
        f"not in gdlab.po (run make translations): {sorted(want - have)[:5]}"
    )
    assert not have - want, (
        f"gdlab.po keeps texts no longer used: {sorted(have - want)[:5]}"
    )


@pytest.mark.slow  # a Sphinx gettext build
def test_the_page_catalogues_hold_todays_english(tmp_path):
    """Every string the English pages have today is in the Korean catalogues."""
    with tempfile.TemporaryFile(mode="w+") as log:
        r = subprocess.run(
            [
                sys.executable,
                str(ROOT / "tools" / "build_book.py"),
                "--out",
                str(tmp_path),
                "--only",
                "gettext",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONHASHSEED": "0"},
        )
        log.seek(0)
        assert r.returncode == 0, log.read()[-3000:]
    for pot in sorted((tmp_path / "gettext").rglob("*.pot")):
        page = pot.relative_to(tmp_path / "gettext").with_suffix(".po")
        want = {m.id for m in translations.read_catalogue(pot) if m.id}
        have = {
            m.id
            for m in translations.read_catalogue(translations.CATALOGUES / page)
            if m.id
        }
        missing = want - have
        assert not missing, (
            f"{page}: {len(missing)} English strings are not in the catalogue "
            f"(run make translations), e.g. {sorted(missing)[0][:80]!r}"
        )


# -- the checks bite ----------------------------------------------------------------
GOOD = (
    "One step of {term}`gradient descent` with $\\eta = 10^{-4}$ takes `lr` from 1764 to 29.11.",
    "{term}`경사 하강법`의 한 스텝은 $\\eta = 10^{-4}$일 때 `lr`을 1764에서 29.11로 만듭니다.",
)


def test_a_faithful_translation_passes():
    assert translations.problems(*GOOD, TERMS) == []


@pytest.mark.parametrize(
    "wrong, complaint",
    [
        (
            GOOD[1].replace("{term}`경사 하강법`", "{term}`gradient descent`"),
            "glossary links",
        ),
        (GOOD[1].replace("{term}`경사 하강법`", "경사 하강법"), "glossary links"),
        (GOOD[1].replace("10^{-4}", "10^{-3}"), "formulas"),
        (GOOD[1].replace("`lr`", "lr"), "inline code"),
        (GOOD[1].replace("29.11", "29.1"), "numbers"),
        (
            "One step of {term}`경사 하강법` with $\\eta = 10^{-4}$ takes `lr` from 1764 to 29.11.",
            "Korean",
        ),
    ],
)
def test_an_unfaithful_translation_is_caught(wrong, complaint):
    found = translations.problems(GOOD[0], wrong, TERMS)
    assert any(complaint in p for p in found), found


def test_a_lost_placeholder_is_caught():
    found = translations.problems("r ≈ {value}: negative.", "r ≈ 음수입니다.", TERMS)
    assert any("placeholders" in p for p in found), found


# -- the glossary serves both languages ----------------------------------------------
def test_each_glossary_entry_has_one_korean_term_of_its_own():
    pairs = glossary_pairs(GLOSSARY)
    korean = [k for _, k, _ in pairs]
    assert len(pairs) > 60
    assert len(set(korean)) == len(korean), "two entries share a Korean term"


REQUIRED = [
    "loss landscape",
    "curvature",
    "least squares",
    "critical learning rate",
    "eigenvector",
    "cost",
    "hypothesis",
    "intercept",
    "hidden layer",
    "hyperparameter",
    "partial derivative",
    "optimization",
    "epoch",
]


def test_the_glossary_has_the_terms_korean_readers_need():
    english = {e for e, _, _ in glossary_pairs(GLOSSARY)}
    assert not set(REQUIRED) - english
    epoch = next((k, o) for e, k, o in glossary_pairs(GLOSSARY) if e == "epoch")
    assert {"에포크", "에폭"} <= {epoch[0], *epoch[1]}, "both spellings of epoch"
    text = GLOSSARY.read_text(encoding="utf-8")
    assert "규제" in text, (
        "정규화 (normalization) is told apart from 규제 (regularization)"
    )


def test_every_glossary_entry_is_used_by_a_page():
    import re

    used = set()
    for page in toc_files():
        if page == "chapters/glossary":
            continue
        path = ROOT / f"{page}.ipynb"
        if path.exists():
            nb = json.loads(path.read_text(encoding="utf-8"))
            text = "".join(
                "".join(c["source"])
                for c in nb["cells"]
                if c["cell_type"] == "markdown"
            )
        else:
            text = (ROOT / f"{page}.md").read_text(encoding="utf-8")
        for content in re.findall(r"\{term\}`([^`]*)`", text):
            used.add(translations.role_target(content).lower())
    unused = [e for e, _, _ in glossary_pairs(GLOSSARY) if e.lower() not in used]
    assert not unused, f"glossary entries no page links to: {unused}"


def test_the_translators_table_of_terms_is_the_glossarys():
    guide = translations.GUIDE.read_text(encoding="utf-8")
    assert guide == translations.guide_with_table(guide), (
        "locales/README.md's terms differ from the glossary: "
        "python tools/translations.py terms"
    )


def test_korean_search_strips_particles():
    for word in [
        "학습률을",
        "학습률이",
        "학습률은",
        "학습률에서",
        "학습률입니다",
        "학습률",
    ]:
        assert strip_particle(word) == "학습률", word
    assert strip_particle("차이") == "차이"  # a word of two syllables keeps them


# -- the Korean notebooks ---------------------------------------------------------
@pytest.fixture(scope="module")
def expected_notebooks():
    return korean_notebooks.expected()


@pytest.mark.parametrize("english", chapter_notebooks(), ids=lambda p: p.stem)
def test_the_korean_notebook_is_up_to_date(english, expected_notebooks):
    korean = translated_notebook(english, "ko")
    assert korean.exists(), f"{korean} is missing: run make translations"
    assert korean.read_text(encoding="utf-8") == expected_notebooks[korean], (
        f"{korean.relative_to(ROOT)} is out of date: run make translations"
    )


@pytest.mark.parametrize("english", chapter_notebooks(), ids=lambda p: p.stem)
def test_the_korean_notebook_has_the_english_code_and_outputs(english):
    en = json.loads(english.read_text(encoding="utf-8"))
    ko = json.loads(translated_notebook(english, "ko").read_text(encoding="utf-8"))
    assert len(en["cells"]) == len(ko["cells"])
    for i, (a, b) in enumerate(zip(en["cells"], ko["cells"])):
        assert a["cell_type"] == b["cell_type"], f"cell {i}"
        if a["cell_type"] == "code":
            for key in ("source", "outputs", "execution_count", "id"):
                assert json.dumps(a.get(key)) == json.dumps(b.get(key)), (
                    f"code cell {i}: {key} differs"
                )
            # A figure's caption and description are prose: translated.
            assert a["metadata"].get("tags") == b["metadata"].get("tags"), f"cell {i}"
        elif i > 0:
            assert a["source"] != b["source"], f"markdown cell {i} is not translated"


@pytest.mark.parametrize("english", chapter_notebooks(), ids=lambda p: p.stem)
def test_the_korean_notebook_opens_itself_in_colab(english):
    ko = json.loads(translated_notebook(english, "ko").read_text(encoding="utf-8"))
    badge = "".join(ko["cells"][0]["source"])
    assert f"/ko/chapters/{english.name})" in badge, badge


def test_a_missing_translation_stops_the_notebooks():
    with pytest.raises(korean_notebooks.Untranslated):
        korean_notebooks.translate_markdown(
            "# Title\n\nA paragraph.", {"Title": "제목"}, "test"
        )
    out = korean_notebooks.translate_markdown(
        "# Title\n\n- one\n  item\n", {"Title": "제목", "one item": "항목 하나"}, "test"
    )
    assert out == "# 제목\n\n- 항목 하나\n"


# -- gdlab speaks the notebook's language ------------------------------------------
def test_gdlab_knows_a_korean_notebook_by_its_folder(monkeypatch, tmp_path):
    from gdlab.i18n import kernel_language

    monkeypatch.delenv("GDLAB_LANG", raising=False)
    monkeypatch.chdir(tmp_path)
    for session, lang in [
        ("ko/chapters/03_training_loop.ipynb", "ko"),
        ("/home/me/book/ko/chapters/03_training_loop.ipynb", "ko"),
        ("chapters/03_training_loop.ipynb", "en"),
        ("ko/notes.ipynb", "en"),
    ]:
        monkeypatch.setenv("JPY_SESSION_NAME", session)
        assert kernel_language() == lang, session
    monkeypatch.setenv("GDLAB_LANG", "ko")
    assert kernel_language() == "ko"


def test_a_korean_quiz_speaks_korean_and_an_english_one_english():
    import re

    from gdlab.i18n import translator
    from gdlab.quiz import load_chapter, quiz_html

    bank = load_chapter("03")
    numeric = next(q for q in bank.values() if q.numeric)
    choice = next(q for q in bank.values() if not q.numeric)
    values = {numeric.id: -0.177}
    korean = quiz_html("03", [choice, numeric], values, translator("ko"))
    english = quiz_html("03", [choice, numeric], values)
    hangul = re.compile("[\uac00-\ud7a3]")
    assert "data-words" in korean and "data-words" not in english
    assert hangul.search(korean) and not hangul.search(english)
    assert numeric.prompt not in korean and choice.options[0].text not in korean
    # The number the chapter computed is the same in both.
    assert korean.count("\u22120.177") == english.count("\u22120.177") == 1
