"""gdlab's texts in the reader's language.

The English texts are the source; their translations live in one gettext
catalogue per language, ``gdlab/locales/<lang>/LC_MESSAGES/gdlab.po``
(shipped with the package, so Colab has it too). It holds what a notebook's
outputs show and the book's prose cannot: the questions and the quiz's
words, the twins' note, the figures' descriptions.

Which language a kernel speaks: ``GDLAB_LANG`` if set, else Korean when
the notebook lives in the book's ``ko/`` folder (JupyterLab names the
notebook in ``JPY_SESSION_NAME``; a kernel starts in the notebook's
folder), else English. The stored outputs of the Korean notebooks are the
English ones, byte for byte; the website's Korean edition translates them
when it is built.
"""

from __future__ import annotations

import ast
import os
from functools import cache
from importlib import resources
from pathlib import Path

LANGUAGES = ("en", "ko")
DOMAIN = "gdlab"


def kernel_language() -> str:
    lang = os.environ.get("GDLAB_LANG", "").split("_")[0]
    if lang in LANGUAGES:
        return lang
    for place in (os.environ.get("JPY_SESSION_NAME", ""), os.getcwd()):
        parts = Path(place).parts
        if "chapters" in parts and "ko" in parts[: parts.index("chapters")][-1:]:
            return "ko"
    return "en"


def _unquote(text: str) -> str:
    return ast.literal_eval(text.strip())


def parse_po(text: str) -> dict[str, str]:
    """msgid -> msgstr of a .po file's translated, not fuzzy entries."""
    found: dict[str, str] = {}
    msgid = msgstr = None
    fuzzy, field = False, None
    for line in [*text.splitlines(), ""]:
        line = line.strip()
        if not line:
            if msgid and msgstr and not fuzzy:
                found[msgid] = msgstr
            msgid = msgstr = None
            fuzzy, field = False, None
        elif line.startswith("#,"):
            fuzzy = fuzzy or "fuzzy" in line
        elif line.startswith("#"):
            continue
        elif line.startswith("msgid "):
            msgid, field = _unquote(line[6:]), "id"
        elif line.startswith("msgstr "):
            msgstr, field = _unquote(line[7:]), "str"
        elif line.startswith('"') and field == "id":
            msgid += _unquote(line)
        elif line.startswith('"') and field == "str":
            msgstr += _unquote(line)
    return found


def catalogue_path(lang: str) -> Path:
    return (
        Path(str(resources.files("gdlab")))
        / "locales"
        / lang
        / "LC_MESSAGES"
        / f"{DOMAIN}.po"
    )


@cache
def catalogue(lang: str) -> dict[str, str]:
    path = catalogue_path(lang)
    if lang == "en" or not path.exists():
        return {}
    return parse_po(path.read_text(encoding="utf-8"))


def _same(text: str) -> str:
    return text


def translator(lang: str | None = None):
    """A function from an English text to ``lang``'s (the English if untranslated)."""
    lang = lang or kernel_language()
    if lang == "en":
        return _same
    texts = catalogue(lang)
    if not texts:
        return _same
    return lambda text: texts.get(text, text)
