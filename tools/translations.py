"""The Korean edition's catalogues and notebooks, kept in step with the English.

    python tools/translations.py update       # English changed: refresh the catalogues
    python tools/translations.py check [PO..] # every string translated, and faithfully
    python tools/translations.py notebooks    # write ko/chapters/*.ipynb
    python tools/translations.py terms        # the glossary's terms into locales/README.md

``update`` extracts every translatable string of the book (Sphinx's gettext
builder for the pages, ``gdlab_texts`` for the texts that live in cell
outputs and in gdlab's question files) and merges them into
``locales/ko/LC_MESSAGES``: a new string arrives untranslated, a changed one
keeps its old translation marked fuzzy, for a translator to review.

``check`` fails on any untranslated or fuzzy string and on a translation
that lost something the English has: a glossary link (it must point at the
glossary's Korean term), a cross-reference, a formula, inline code or a
number. ``tests/test_translations.py`` runs the same checks.

``notebooks`` writes the Korean notebooks: the English notebooks with their
markdown cells translated from the catalogues, code and outputs untouched.
"""

from __future__ import annotations

import argparse
import importlib
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

from babel.messages.pofile import read_po, write_po
from book import LOCALES, ROOT

sys.path.insert(0, str(ROOT / "_ext"))
from book_site.i18n import glossary_pairs  # noqa: E402

LANGUAGE = "ko"
GLOSSARY = ROOT / "chapters" / "glossary.md"
CATALOGUES = LOCALES / LANGUAGE / "LC_MESSAGES"
# The texts of cell outputs and of gdlab's question files, shipped with gdlab.
GDLAB_CATALOGUE = ROOT / "gdlab" / "locales" / LANGUAGE / "LC_MESSAGES" / "gdlab.po"
HANGUL = re.compile(r"[\uac00-\ud7a3]")


# -- Reading and writing catalogues ------------------------------------------------
def read_catalogue(path: Path):
    with open(path, "rb") as f:
        return read_po(f, locale=LANGUAGE)


def write_catalogue(path: Path, catalogue) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        write_po(f, catalogue, width=0, omit_header=False)


def catalogues() -> list[Path]:
    return [*sorted(CATALOGUES.rglob("*.po")), GDLAB_CATALOGUE]


def _name(path: Path) -> Path:
    for base in (CATALOGUES, GDLAB_CATALOGUE.parent):
        if path.is_relative_to(base):
            return path.relative_to(base)
    return path


def translations(path: Path) -> dict[str, str]:
    """msgid -> msgstr of the translated, not fuzzy strings of one catalogue."""
    return {
        m.id: m.string
        for m in read_catalogue(path)
        if m.id and m.string and not m.fuzzy
    }


# -- What a faithful translation keeps --------------------------------------------
ROLE = re.compile(r"\{([\w:-]+)\}`([^`]*)`")
MATH = re.compile(r"(?<![\\$])\$(?!\$)((?:\\.|[^$\\])+?)\$")
CODE = re.compile(r"(?<![}`])`([^`]+)`")
PLACEHOLDER = re.compile(r"(?<![}`$\\])\{[a-z]+\}(?!`)")
# MyST-NB's "Show code cell {type}": {type} is an English word, best left out.
OPTIONAL_PLACEHOLDERS = {"{type}"}
LINK = re.compile(r"\]\(([^)\s]+)\)")
# A number, with thousands grouped by commas or thin spaces or not; Korean
# particles may follow it directly (1764를, 1장).
NUMBER = re.compile(
    r"(?<![A-Za-z0-9_.])(?:\d{1,3}(?:[,\u2009\u202f ]\d{3})+|\d+)(?:\.\d+)?(?![A-Za-z0-9_])"
)


def role_target(content: str) -> str:
    m = re.match(r"(?s)^.*<([^<>]+)>\s*$", content)
    return (m.group(1) if m else content).strip()


def korean_terms() -> dict[str, str]:
    """English glossary term (lower case) -> the Korean term the edition uses."""
    return {english.lower(): korean for english, korean, _ in glossary_pairs(GLOSSARY)}


def _entry_terms() -> set[str]:
    return {english for english, _, _ in glossary_pairs(GLOSSARY)}


def _without(text: str, *patterns) -> str:
    for pattern in patterns:
        text = pattern.sub(" ", text)
    return text


def numbers(text: str) -> Counter:
    text = _without(text, ROLE, MATH, CODE, LINK)
    found = Counter()
    for m in NUMBER.finditer(text):
        token = re.sub(r"[,\u2009\u202f ]", "", m.group(0))
        if token:
            found[token] += 1
    return found


def problems(msgid: str, msgstr: str, terms: dict[str, str]) -> list[str]:
    """What the translation of one string lost or broke (empty: it is faithful)."""
    out = []
    roles_en = [(r, role_target(c)) for r, c in ROLE.findall(msgid)]
    roles_ko = [(r, role_target(c)) for r, c in ROLE.findall(msgstr)]
    want_terms = Counter(
        terms.get(t.lower(), f"<no glossary entry {t!r}>")
        for r, t in roles_en
        if r == "term"
    )
    got_terms = Counter(t for r, t in roles_ko if r == "term")
    if want_terms != got_terms:
        out.append(
            f"glossary links: want {sorted(want_terms.elements())}, "
            f"got {sorted(got_terms.elements())} ({{term}}`한국어 용어` or {{term}}`글 <한국어 용어>`)"
        )
    other_en = Counter((r, t) for r, t in roles_en if r != "term")
    other_ko = Counter((r, t) for r, t in roles_ko if r != "term")
    if other_en != other_ko:
        out.append(
            f"cross-references differ: want {sorted(other_en)}, got {sorted(other_ko)}"
        )
    no_roles_en, no_roles_ko = _without(msgid, ROLE), _without(msgstr, ROLE)
    math_en = Counter(MATH.findall(no_roles_en))
    math_ko = Counter(MATH.findall(no_roles_ko))
    if math_en != math_ko:
        out.append(
            f"formulas differ: missing {sorted((math_en - math_ko).elements())}, extra {sorted((math_ko - math_en).elements())}"
        )
    code_en = Counter(CODE.findall(_without(no_roles_en, MATH)))
    code_ko = Counter(CODE.findall(_without(no_roles_ko, MATH)))
    if code_en != code_ko:
        out.append(
            f"inline code differs: missing {sorted((code_en - code_ko).elements())}, extra {sorted((code_ko - code_en).elements())}"
        )
    links_en, links_ko = Counter(LINK.findall(msgid)), Counter(LINK.findall(msgstr))
    if links_en != links_ko:
        out.append(f"links differ: want {sorted(links_en)}, got {sorted(links_ko)}")
    holes_en = set(PLACEHOLDER.findall(_without(msgid, ROLE))) - OPTIONAL_PLACEHOLDERS
    holes_ko = set(PLACEHOLDER.findall(_without(msgstr, ROLE)))
    if holes_en - holes_ko:
        out.append(f"placeholders missing: {sorted(holes_en - holes_ko)}")
    missing = numbers(msgid) - numbers(msgstr)
    if missing:
        out.append(f"numbers missing: {sorted(missing.elements())}")
    words = re.findall(r"[A-Za-z]{3,}", _without(msgid, ROLE, MATH, CODE, LINK))
    if len(words) >= 3 and not HANGUL.search(_without(msgstr, ROLE, MATH, CODE)):
        out.append("no Korean in the translation")
    return out


def check_catalogue(path: Path, terms: dict[str, str] | None = None) -> list[str]:
    terms = korean_terms() if terms is None else terms
    rel = _name(path)
    # The Korean glossary's entries are named by the Korean terms that
    # {term} links point at (and that its index lists).
    entry_names = terms if path.name == GLOSSARY.with_suffix(".po").name else {}
    found = []
    for m in read_catalogue(path):
        if not m.id:
            continue
        head = f"{rel}: {m.id[:70]!r}"
        want = entry_names.get(m.id.lower())
        if want is not None and m.string != want and m.id in _entry_terms():
            found.append(
                f"{head}: a glossary entry is named by its Korean term {want!r}"
            )
            continue
        if not m.string:
            found.append(f"{head}: untranslated")
        elif m.fuzzy:
            found.append(
                f"{head}: fuzzy (the English changed: review, then drop the flag)"
            )
        else:
            found += [f"{head}: {p}" for p in problems(m.id, m.string, terms)]
    return found


# -- The texts that live in outputs and in gdlab -----------------------------------
ALT = re.compile(r'\balt="([^"]+)"')


def gdlab_texts() -> dict[str, str]:
    """English text -> where it is used, for every text of gdlab.po."""
    import html
    import json

    from book import chapter_notebooks
    from book import config as book_config
    from book_site.i18n import CODE_PROMPTS, footer_msgid
    from book_site.layout import SOLUTION_PROMPTS

    quiz = importlib.import_module("gdlab.quiz")
    twin = importlib.import_module("gdlab.twin")

    found: dict[str, str] = {}

    def add(text: str, where: str) -> None:
        text = text.strip()
        if text and text not in found:
            found[text] = where

    for chapter in quiz.chapters():
        for q in quiz.load_chapter(chapter).values():
            where = f"question {chapter}/{q.id}"
            for text in (q.prompt, q.right, q.high, q.low):
                add(text, where)
            for o in q.options:
                add(o.text, where)
                add(o.explanation, where)
    for text in quiz.ui_texts():
        add(text, "the questions' own words (gdlab/quiz.py)")
    add(twin.NOTE, "the twins' note (gdlab/twin.py)")
    for text in [*SOLUTION_PROMPTS, *CODE_PROMPTS.values()]:
        add(text, "the website's folded cells (_ext/book_site/)")
    footer = book_config()["html"].get("extra_footer")
    if footer:
        repo = book_config()["repository"]["url"].rstrip("/")
        add(footer_msgid(footer, repo), "the website's footer (_config.yml)")
    for path in chapter_notebooks():
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            alt = cell.get("metadata", {}).get("mystnb", {}).get("image", {}).get("alt")
            if alt:
                add(alt, f"figure description, {path.stem}")
            for output in cell.get("outputs", []):
                page = "".join(output.get("data", {}).get("text/html", ""))
                for m in ALT.finditer(page):
                    add(html.unescape(m.group(1)), f"figure description, {path.stem}")
    return found


def update_gdlab_catalogue() -> None:
    from babel.messages.catalog import Catalog

    template = Catalog(locale=None, project="How PyTorch Learns", fuzzy=False)
    for text, where in gdlab_texts().items():
        template.add(text, auto_comments=[where])
    if GDLAB_CATALOGUE.exists():
        catalogue = read_catalogue(GDLAB_CATALOGUE)
    else:
        catalogue = Catalog(locale=LANGUAGE, project="How PyTorch Learns", fuzzy=False)
    catalogue.update(template, update_header_comment=False)
    catalogue.obsolete.clear()
    write_catalogue(GDLAB_CATALOGUE, catalogue)


# -- The translators' table of terms ---------------------------------------------------
GUIDE = LOCALES / "README.md"
TABLE_HEAD = "| English | 한국어 | other names |\n|---|---|---|\n"


def terms_table() -> str:
    rows = [
        f"| {english} | {korean} | {', '.join(others)} |"
        for english, korean, others in glossary_pairs(GLOSSARY)
    ]
    return TABLE_HEAD + "\n".join(rows) + "\n"


def guide_with_table(text: str) -> str:
    """locales/README.md with its table of terms made from the glossary."""
    head = text.split(TABLE_HEAD, 1)[0]
    return head + terms_table()


# -- update -----------------------------------------------------------------------
def update(out: Path = ROOT / "_build") -> int:
    python = sys.executable
    r = subprocess.run(
        [
            python,
            str(ROOT / "tools" / "build_book.py"),
            "--out",
            str(out),
            "--only",
            "gettext",
        ]
    )
    if r.returncode:
        return r.returncode
    update_gdlab_catalogue()
    GUIDE.write_text(
        guide_with_table(GUIDE.read_text(encoding="utf-8")), encoding="utf-8"
    )
    sphinx_intl = Path(python).parent / "sphinx-intl"
    return subprocess.run(
        [
            str(sphinx_intl),
            "update",
            "-p",
            str(out / "gettext"),
            "-l",
            LANGUAGE,
            "-d",
            str(LOCALES),
            "-w",
            "0",
        ]
    ).returncode


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("update")
    c = sub.add_parser("check")
    c.add_argument("po", nargs="*", type=Path)
    sub.add_parser("notebooks")
    sub.add_parser("terms")
    args = parser.parse_args(argv)
    if args.command == "terms":
        GUIDE.write_text(
            guide_with_table(GUIDE.read_text(encoding="utf-8")), encoding="utf-8"
        )
        return 0
    if args.command == "update":
        return update()
    if args.command == "check":
        terms = korean_terms()
        paths = [p.resolve() for p in args.po] or catalogues()
        found = [line for p in paths for line in check_catalogue(p, terms)]
        for line in found:
            print(line)
        total = sum(1 for p in paths for m in read_catalogue(p) if m.id)
        print(f"{len(found)} problems in {total} strings of {len(paths)} catalogues")
        return 1 if found else 0
    if args.command == "notebooks":
        from korean_notebooks import write_all

        return write_all()
    return 2


if __name__ == "__main__":
    sys.exit(main())
