"""Where each glossary term is first used in a chapter's prose.

A chapter links a term to its glossary entry ({term}`...`) the first time it
uses it. "Use" means the prose: code, math, headings, links and other roles
are skipped. A term also counts in its plural (gradient, gradients).
"""

import re
from pathlib import Path

# Pieces of markdown that are not prose, in the order they are tried. Only
# re.M: a heading ends at its line's end (with re.S, `^#.*$` once swallowed
# everything after a heading, a third of the book's prose, unchecked).
NOT_PROSE = re.compile(
    r"```[\s\S]*?```"  # fenced code and directives
    r"|\$\$[\s\S]*?\$\$"  # display math
    r"|\$[^$\n]+\$"  # inline math
    r"|\{[a-z:-]+\}`[^`]*`"  # roles: {term}, {doc}, ...
    r"|`[^`\n]*`"  # code spans
    r"|\[[^\]]*\]\([^)]*\)"  # links
    r"|<[^>\n]+>"  # HTML
    r"|^#[^\n]*$",  # headings: a link there would be a link in the page's outline
    re.M,
)


def glossary_entries(path: Path) -> list[tuple[str, str]]:
    """(term, first line of its definition) of a MyST glossary: an unindented
    line followed by an indented definition."""
    return re.findall(
        r"^([A-Za-z(][^\n]*)\n  (\S[^\n]*)", path.read_text(encoding="utf-8"), re.M
    )


def glossary_terms(path: Path) -> list[str]:
    return [term for term, _ in glossary_entries(path)]


def _pattern(term: str):
    return re.compile(r"(?<![\w-])" + re.escape(term) + r"(?:s|es)?(?![\w-])", re.I)


def _pieces(text: str):
    """(start, end, is_prose) pieces of a markdown text, in order."""
    pos = 0
    for m in NOT_PROSE.finditer(text):
        if m.start() > pos:
            yield pos, m.start(), True
        yield m.start(), m.end(), False
        pos = m.end()
    if pos < len(text):
        yield pos, len(text), True


def _links_to(role: str, term: str) -> bool:
    if not role.startswith("{term}`"):
        return False
    inner = role[len("{term}`") : -1]
    target = re.search(r"<([^>]*)>\s*$", inner)
    target = (target.group(1) if target else inner).strip()
    return bool(re.fullmatch(re.escape(term) + r"(?:s|es)?", target, re.I))


def first_uses(cells: list[tuple[int, str]], terms: list[str]) -> dict:
    """term -> (cell index, start, end, linked) of its first use in ``cells``.

    ``cells`` are (index, markdown text) in reading order. Longer terms are
    looked up first, so "gradient descent" is not taken for "gradient".
    """
    found = {}
    for index, text in cells:
        for term in sorted(terms, key=len, reverse=True):
            if term in found:
                continue
            pattern = _pattern(term)
            for start, end, prose in _pieces(text):
                if prose:
                    m = pattern.search(text, start, end)
                    if m:
                        found[term] = (index, m.start(), m.end(), False)
                        break
                elif _links_to(text[start:end], term):
                    found[term] = (index, start, end, True)
                    break
    return found
