"""Two editions from one source: what the build does for the Korean one.

The Korean edition is the same sources built with ``language = "ko"``; its
text comes from the gettext catalogues in ``locales/ko/LC_MESSAGES`` (see
``locales/README.md`` and ``tools/translations.py``). This module:

* keeps display maths out of the catalogues (a formula is the same in every
  language, and Sphinx would never use its translation anyway);
* draws the glossary's index by the other language (``{glossary-index}``):
  Korean to English in the English edition, English to Korean in the Korean
  one, both read from ``chapters/glossary.md``, and in the Korean edition
  sorts the glossary itself by its Korean terms;
* links each page to the same page in the other edition (a language switch
  above the article's title, and ``<link rel="alternate" hreflang>``);
* adds a Korean search language whose stemmer strips the particles Korean
  attaches to words, so that a search for 학습률 finds 학습률을 and 학습률이;
* in the Korean edition, translates the texts that live in cell outputs
  (figure descriptions, the twins' note) and the site's own words (title,
  part captions, footer, folded-cell labels) from the page catalogues and
  gdlab's (``gdlab/locales``); ``quizzes`` redraws the questions.
"""

from __future__ import annotations

import html
import re
import unicodedata
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx import addnodes
from sphinx.search import SearchLanguage
from sphinx.transforms import SphinxTransform

from . import postprocess

LANGUAGES = {"en": "English", "ko": "한국어"}
# Where each edition lives, relative to the site's root.
EDITION_DIR = {"en": "", "ko": "ko/"}


def language(app) -> str:
    return (app.config.language or "en").split("_")[0]


# -- The edition's own words ---------------------------------------------------------
def translate(app, text: str) -> str:
    """``text`` in the edition's language, from gdlab's catalogue (gdlab/i18n.py)."""
    from gdlab.i18n import catalogue

    lang = language(app)
    return text if lang == "en" else catalogue(lang).get(text, text)


def page_gettext(app, docname: str):
    """The translation function of one page's catalogue (locales/<lang>/.../<page>.po)."""
    from sphinx.locale import init as init_locale
    from sphinx.util.i18n import docname_to_domain

    dirs = [str(Path(app.srcdir) / d) for d in app.config.locale_dirs]
    domain = docname_to_domain(docname, app.config.gettext_compact)
    catalogue, _ = init_locale(dirs, app.config.language, domain)
    return catalogue.gettext


def _edition_title(app):
    """The book's title (sidebar, window) is the root page's title, translated."""
    if language(app) != "en":
        gettext = page_gettext(app, app.config.root_doc)
        app.config.html_title = gettext(app.config.html_title)


def _translate_toc_captions(app, doctree):
    """The table of contents' part captions ("Chapters"): sphinx-external-toc
    adds its toctrees after Sphinx has translated the page, so they are
    translated here, from the root page's catalogue where `make translations`
    puts them."""
    if language(app) == "en":
        return
    gettext = page_gettext(app, app.env.docname)
    for toctree in doctree.findall(addnodes.toctree):
        if toctree.get("caption"):
            toctree["caption"] = gettext(toctree["caption"])


def footer_msgid(footer: str, repository: str) -> str:
    return (
        footer.strip().replace(repository, "{repository}")
        if repository
        else footer.strip()
    )


# MyST-NB's labels of folded cells (its nb_code_prompt_* options).
CODE_PROMPTS = {
    "nb_code_prompt_show": "Show code cell {type}",
    "nb_code_prompt_hide": "Hide code cell {type}",
}


# -- Maths stays out of the catalogues ------------------------------------------
def _formulas_untranslatable(app, doctree):
    for node in doctree.findall(nodes.math_block):
        node["translatable"] = False


# -- The glossary and its index by the other language ---------------------------
HEAD = re.compile(r"^\s*([^.]+?)\s*(?:\(([^)]*)\))?\s*\.\s")


def glossary_pairs(path: Path) -> list[tuple[str, str, list[str]]]:
    """(English term, Korean term, other Korean names) of each entry.

    Each definition in ``glossary.md`` starts with the Korean term the Korean
    edition uses, then other names in parentheses: ``기울기 (그래디언트).``
    """
    text = path.read_text(encoding="utf-8")
    body = text.split("```{glossary}", 1)[1].split("```", 1)[0]
    pairs = []
    for block in re.split(r"\n\s*\n", body.strip("\n")):
        lines = block.splitlines()
        if not lines or lines[0].startswith(" "):
            continue
        m = HEAD.match(" ".join(line.strip() for line in lines[1:]) + " ")
        if not m:
            raise ValueError(
                f"glossary entry {lines[0]!r} does not start with its Korean term"
            )
        others = [o.strip() for o in (m.group(2) or "").split(",") if o.strip()]
        pairs.append((lines[0].strip(), m.group(1).strip(), others))
    return pairs


def sort_key(text: str) -> str:
    # NFD splits Hangul syllables into jamo, which sort in 가나다 order.
    return unicodedata.normalize("NFD", text.lower())


class glossary_index(nodes.General, nodes.Element):
    pass


class GlossaryIndexDirective(Directive):
    """``{glossary-index}``: the glossary's terms listed by the other language."""

    has_content = False

    def run(self):
        return [glossary_index()]


def _term_ref(env, docname, target: str, text: str):
    ref = addnodes.pending_xref(
        "",
        refdomain="std",
        reftype="term",
        reftarget=target,
        refexplicit=True,
        refwarn=True,
        refdoc=docname,
    )
    ref += nodes.inline(text, text)
    return ref


class GlossaryIndex(SphinxTransform):
    """Fill ``{glossary-index}`` after the translations are in, before refs resolve."""

    default_priority = 500

    def apply(self):
        found = list(self.document.findall(glossary_index))
        if not found:
            return
        source = Path(self.env.srcdir) / (self.env.docname + ".md")
        pairs = glossary_pairs(source)
        korean = language(self.app) == "ko"
        # (the name looked up, the entry it leads to): every Korean name of
        # an entry in the English edition, each English term in the Korean.
        rows = []
        for english, main, others in pairs:
            if korean:
                rows.append((english, main))
            else:
                rows += [(name, english) for name in [main, *others]]
        rows.sort(key=lambda r: sort_key(r[0]))
        heads = ("English", "한국어") if korean else ("한국어", "English")
        table = nodes.table(classes=["glossary-index"])
        group = nodes.tgroup(cols=2)
        table += group
        group += nodes.colspec(colwidth=1)
        group += nodes.colspec(colwidth=1)
        head = nodes.thead()
        row = nodes.row()
        for text in heads:
            row += nodes.entry("", nodes.paragraph(text, text))
        head += row
        group += head
        body = nodes.tbody()
        for name, entry in rows:
            row = nodes.row()
            row += nodes.entry("", nodes.paragraph(name, name))
            link = nodes.paragraph()
            link += _term_ref(self.env, self.env.docname, entry, entry)
            row += nodes.entry("", link)
            body += row
        group += body
        for node in found:
            node.replace_self(table.deepcopy())


class KoreanGlossaryOrder(SphinxTransform):
    """In the Korean edition the glossary reads in 가나다 order of its terms."""

    default_priority = 501

    def apply(self):
        if language(self.app) != "ko":
            return
        for glossary in self.document.findall(addnodes.glossary):
            for dl in glossary.findall(nodes.definition_list):
                items = list(dl.children)
                items.sort(key=lambda item: sort_key(item[0].astext()))
                dl.children = []
                for item in items:
                    dl += item


# -- The other edition's page ----------------------------------------------------
def _depth(pagename: str) -> str:
    return "../" * pagename.count("/")


def other_editions(app, pagename: str) -> list[tuple[str, str, str]]:
    """(language, relative href, absolute URL) of this page in every edition."""
    here = language(app)
    base = (app.config.html_baseurl or "").rstrip("/")
    # From this page up to the site's root (the English edition's root).
    up = _depth(pagename) + ("../" if EDITION_DIR[here] else "")
    out = []
    for lang, folder in EDITION_DIR.items():
        site_base = base
        if EDITION_DIR[here] and base.endswith("/" + EDITION_DIR[here].rstrip("/")):
            site_base = base[: -len(EDITION_DIR[here])]
        href = f"{up}{folder}{pagename}.html"
        out.append((lang, href, f"{site_base.rstrip('/')}/{folder}{pagename}.html"))
    return out


SWITCH_LABEL = {"en": "This page in other languages", "ko": "이 쪽의 다른 언어판"}


def _alternates(app, pagename, templatename, context, doctree):
    if doctree is None:
        return
    links = other_editions(app, pagename)
    tags = "".join(
        f'\n<link rel="alternate" hreflang="{lang}" href="{url}" />'
        for lang, _, url in links
    )
    en_url = next(url for lang, _, url in links if lang == "en")
    tags += f'\n<link rel="alternate" hreflang="x-default" href="{en_url}" />'
    context["metatags"] = context.get("metatags", "") + tags


def switch_html(app, pagename: str) -> str:
    """A link to this page in each other edition, named in its own language."""
    here = language(app)
    links = [
        f'<a href="{href}" hreflang="{lang}" lang="{lang}">{LANGUAGES[lang]}</a>'
        for lang, href, _ in other_editions(app, pagename)
        if lang != here
    ]
    return (
        f'<nav class="book-language" aria-label="{SWITCH_LABEL[here]}">'
        + " · ".join(links)
        + "</nav>"
    )


def _language_switch(app, pagename, html):
    """The switch opens the article, above its title: the header bar has no
    room left on a 320 px phone."""
    marker = '<article class="bd-article">'
    if marker not in html or pagename in ("search", "genindex", "404"):
        return html
    return html.replace(marker, marker + switch_html(app, pagename), 1)


# -- Texts in cell outputs --------------------------------------------------------
ALT = re.compile(r'\balt="([^"]+)"')
TWIN_NOTE = re.compile(r'(<p class="gdlab-note"><small>)([^<]*)(</small></p>)')


def _translate_outputs(app, pagename, page):
    """Figure descriptions and the twins' note, which the notebooks store in English."""
    if language(app) == "en":
        return page

    def alt(m):
        text = translate(app, html.unescape(m.group(1)))
        return f'alt="{html.escape(text)}"'

    page = ALT.sub(alt, page)
    return TWIN_NOTE.sub(
        lambda m: (
            m.group(1)
            + html.escape(translate(app, html.unescape(m.group(2))))
            + m.group(3)
        ),
        page,
    )


# -- Korean search ---------------------------------------------------------------
# Particles (조사) and the copula's common endings, longest first: "학습률을",
# "학습률이", "학습률에서", "학습률입니다" all index as "학습률". A word keeps at
# least two syllables, so "차이" (difference) is not cut to "차".
PARTICLES = sorted(
    """이다 입니다 이며 이고 이나 이면 이라 이라는 이라고 에서는 에서도 에서 에게서 에게 에는 에도
    으로는 으로도 으로써 으로서 으로 로는 로도 로써 로서 로 은 는 이 가 을 를 의 에 와 과 도 만 과는 와는
    까지 부터 보다 처럼 마다 께서 한테 이란 란 이든 든 조차 밖에 뿐""".split(),
    key=len,
    reverse=True,
)
MIN_STEM = 2


def strip_particle(word: str) -> str:
    for p in PARTICLES:
        if word.endswith(p) and len(word) - len(p) >= MIN_STEM:
            stem = word[: -len(p)]
            if all("\uac00" <= ch <= "\ud7a3" for ch in stem[-1:]):
                return stem
    return word


class SearchKorean(SearchLanguage):
    lang = "ko"
    language_name = "Korean"
    js_stemmer_code = (
        "var PARTICLES = "
        + "["
        + ",".join(f'"{p}"' for p in PARTICLES)
        + "];\n"
        + f"var MIN_STEM = {MIN_STEM};\n"
        + """
function Stemmer() {
  this.stemWord = function (w) {
    var lower = w.toLowerCase();
    for (var i = 0; i < PARTICLES.length; i++) {
      var p = PARTICLES[i];
      if (lower.length - p.length >= MIN_STEM && lower.slice(-p.length) === p) {
        var last = lower.charAt(lower.length - p.length - 1);
        if (last >= "\\uac00" && last <= "\\ud7a3") return lower.slice(0, -p.length);
      }
    }
    if (/^[a-z]+$/.test(lower)) return lower.replace(/(ing|ed|es|s)$/, "");
    return lower;
  };
}
"""
    )

    def word_filter(self, word: str) -> bool:
        return len(word) > 1 or "\uac00" <= word <= "\ud7a3"

    def stem(self, word: str) -> str:
        lower = word.lower()
        stem = strip_particle(lower)
        if stem == lower and re.fullmatch(r"[a-z]+", lower):
            stem = re.sub(r"(ing|ed|es|s)$", "", lower)
        return stem


def _edition_config(app, config):
    folder = EDITION_DIR[language(app)]
    for option, text in CODE_PROMPTS.items():
        config[option] = translate(app, text)
    footer = config.html_theme_options.get("extra_footer")
    if footer and language(app) != "en":
        # Catalogued with the repository's address as {repository}, so that
        # `make retarget` does not make the translation stale.
        repo = config.html_theme_options.get("repository_url", "").rstrip("/")
        text = translate(app, footer_msgid(footer, repo))
        config.html_theme_options["extra_footer"] = text.replace("{repository}", repo)
    if folder:
        # Launch buttons open the edition's own notebooks (ko/chapters/...).
        config.html_theme_options["path_to_docs"] = folder.rstrip("/")


def setup(app):
    app.connect("config-inited", _edition_config)
    app.add_node(glossary_index)
    app.add_directive("glossary-index", GlossaryIndexDirective)
    app.add_transform(GlossaryIndex)
    app.add_transform(KoreanGlossaryOrder)
    app.connect("doctree-read", _formulas_untranslatable)
    app.connect("doctree-read", _translate_toc_captions)
    app.connect("builder-inited", _edition_title)
    app.connect("html-page-context", _alternates)
    app.add_search_language(SearchKorean)
    postprocess.register(_language_switch)
    postprocess.register(_translate_outputs)
