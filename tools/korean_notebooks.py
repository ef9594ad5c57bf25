"""The Korean notebooks: the English chapters with their prose translated.

``python tools/translations.py notebooks`` writes ``ko/chapters/NN_*.ipynb``
from ``chapters/NN_*.ipynb`` and the catalogues. A markdown cell is cut into
the blocks Sphinx makes messages of (paragraphs, headings, list items, a
directive's title and body), and each block is replaced by its translation,
looked up by the same text Sphinx uses as its msgid. Code cells and their
outputs are copied as they are, byte for byte. The Colab badge points at the
Korean notebook. A block without a translation stops the run: a Korean
notebook is never half English.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from book import ROOT, chapter_notebooks, repository, translated_notebook
from markdown_it import MarkdownIt
from mdit_py_plugins.amsmath import amsmath_plugin
from mdit_py_plugins.colon_fence import colon_fence_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin

LANGUAGE = "ko"
OPTION = re.compile(r"^:[\w-]+:")


class Untranslated(Exception):
    pass


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark")
    for plugin in (
        amsmath_plugin,
        dollarmath_plugin,
        colon_fence_plugin,
        deflist_plugin,
    ):
        md.use(plugin)
    md.enable("table")
    return md


MD = _parser()


def msgid_of(text: str) -> str:
    """The text as Sphinx's gettext builder writes it (lines joined by spaces)."""
    return text.replace("\n", " ").strip()


def translate_markdown(source: str, tr: dict[str, str], where: str = "") -> str:
    lines = source.split("\n")
    out: list[str] = []
    done = 0  # lines[:done] are in `out`
    tokens = MD.parse(source)
    i = 0

    def look_up(text: str) -> str:
        key = msgid_of(text)
        if key not in tr:
            raise Untranslated(f"{where}: no translation of {key[:80]!r}")
        return tr[key]

    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "colon_fence" and tok.map:
            start, end = tok.map
            out += lines[done:start]
            head = lines[start]
            m = re.match(r"^(\s*:{3,}\s*\{[\w-]+\}\s*)(.*)$", head)
            if m and m.group(2).strip():
                head = m.group(1) + look_up(m.group(2))
            body = lines[start + 1 : end]
            closing = []
            if body and re.match(r"^\s*:{3,}\s*$", body[-1]):
                closing = [body.pop()]
            options = []
            while body and OPTION.match(body[0].strip()):
                options.append(body.pop(0))
            out += [head, *options]
            out += (
                translate_markdown("\n".join(body), tr, where).split("\n")
                if body
                else []
            )
            out += closing
            done = end
            i += 1
            continue
        if tok.type == "inline" and tok.map and tok.content.strip():
            start, end = tok.map
            out += lines[done:start]
            first = lines[start]
            content_first = tok.content.split("\n", 1)[0]
            at = first.find(content_first)
            prefix = first[:at] if at >= 0 else ""
            out.append(prefix + look_up(tok.content))
            done = end
        i += 1
    out += lines[done:]
    return "\n".join(out)


def _source_lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _badge(source: str, english: Path, korean: Path, tr_gdlab) -> str:
    repo, branch = repository()
    old = f"/blob/{branch}/{english.resolve().relative_to(ROOT).as_posix()}"
    new = f"/blob/{branch}/{korean.relative_to(ROOT).as_posix()}"
    if old not in source:
        raise Untranslated(
            f"{english.name}: the Colab badge does not name the notebook ({old})"
        )
    source = source.replace(old, new)
    return re.sub(r"!\[([^\]]*)\]", lambda m: f"![{tr_gdlab(m.group(1))}]", source)


def korean_notebook(english: Path, pages: dict[str, str], tr_gdlab) -> dict:
    nb = json.loads(english.read_text(encoding="utf-8"))
    korean = translated_notebook(english, LANGUAGE)
    for index, cell in enumerate(nb["cells"]):
        where = f"{english.name}, cell {index}"
        if cell["cell_type"] != "markdown":
            continue
        source = "".join(cell["source"])
        if index == 0 and "colab.research.google.com" in source:
            source = _badge(source, english, korean, tr_gdlab)
        else:
            source = translate_markdown(source, pages, where)
        cell["source"] = _source_lines(source)
    for cell in nb["cells"]:
        mystnb = cell.get("metadata", {}).get("mystnb", {})
        caption = mystnb.get("figure", {}).get("caption")
        if caption:
            mystnb["figure"]["caption"] = pages.get(msgid_of(caption)) or _missing(
                english, caption
            )
        alt = mystnb.get("image", {}).get("alt")
        if alt:
            mystnb["image"]["alt"] = tr_gdlab(alt)
    return nb


def _missing(english: Path, text: str):
    raise Untranslated(f"{english.name}: no translation of the caption {text[:80]!r}")


def dumps(nb: dict) -> str:
    """The notebook as tools/retarget.py writes the chapters, so that it keeps them."""
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def expected() -> dict[Path, str]:
    """Korean notebook path -> its text, from today's English notebooks and catalogues."""
    from translations import CATALOGUES, translations

    sys.path.insert(0, str(ROOT))
    from gdlab.i18n import translator

    tr_gdlab = translator(LANGUAGE)
    result = {}
    for english in chapter_notebooks():
        po = CATALOGUES / "chapters" / f"{english.stem}.po"
        pages = translations(po) if po.exists() else {}
        result[translated_notebook(english, LANGUAGE)] = dumps(
            korean_notebook(english, pages, tr_gdlab)
        )
    return result


def write_all() -> int:
    try:
        notebooks = expected()
    except Untranslated as e:
        print(f"not written: {e}", file=sys.stderr)
        return 1
    for path, text in notebooks.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    return 0
