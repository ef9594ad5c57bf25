"""The book's Sphinx extension: what the website build does beyond the theme.

Loaded by ``_config.yml`` (``sphinx: local_extensions``); it is build-time
code only and never ships to readers' kernels (that is ``gdlab``). Each part
fixes the theme's output where it is produced, without copying a theme
template:

* ``layout``: theme options that give one working set of sidebar toggles and
  one search box, page descriptions, the root page, and the pages' scripts
  deferred (search's index only on the search page, no thebe or CDN).
* ``math``: formulas rendered by KaTeX when the book is built, as MathML (a
  formula KaTeX cannot parse is a build warning, so ``make book`` fails).
* ``twins``: images inlined as data URIs (the kernel-free twins of
  ``gdlab.explore``) written out as files, sized, and the twins' player
  served once per page.
* ``quizzes``: the styles and script of ``gdlab.quiz`` outputs taken out of
  each question and served once per page.
* ``code``: highlighted code without the spans that draw nothing.
* ``icons``: the theme's icon fonts cut down to the glyphs the site uses.
* ``i18n``: the Korean edition: language switch, ``hreflang``, Korean
  search, the glossary's index by the other language.
* ``hangul``: a Korean font cut to the characters used, for systems without one.
"""

from __future__ import annotations

from . import code, hangul, i18n, icons, layout, math, quizzes, twins


def setup(app):
    layout.setup(app)
    math.setup(app)
    twins.setup(app)
    quizzes.setup(app)
    code.setup(app)
    icons.setup(app)
    i18n.setup(app)
    hangul.setup(app)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
