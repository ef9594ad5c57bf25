"""A Sphinx extension for the book's website (listed in ``_config.yml``).

sphinx-thebe adds its inline configuration script (``const THEBE_JS_URL =
...``) while the HTML builder already exists, so Sphinx puts it on every page
twice; the second copy throws "Identifier 'THEBE_JS_URL' has already been
declared" in the reader's console. Sphinx drops repeated script files by name
but not repeated inline scripts (one copy is named None, the other ""); this
drops those too.

It also puts ``gdlab/templates`` first on the template path, where
``static/webpack-macros.html`` leaves fontawesome.js off every page (see
that file): the book's pages stay under their 2.5 MB budget, and
``search-button-field.html`` gives the search button a name that
holds its visible text (axe's label-content-name-mismatch). MyST-NB gives
each hidden cell's ``<summary>`` the label "Toggle hidden content", which
hides its visible "Show code cell content" from screen readers in the same
way; the label is dropped so the visible text names it.
"""

from pathlib import Path

TEMPLATES = Path(__file__).parent / "templates"


def _add_templates(app, config):
    config.templates_path = [str(TEMPLATES), *config.templates_path]


def _name_summaries_by_their_text(app, pagename, templatename, context, doctree):
    if "body" in context:
        context["body"] = context["body"].replace('<summary aria-label="Toggle hidden content">', "<summary>")


def _drop_repeated_scripts(app, pagename, templatename, context, doctree):
    seen, kept = set(), []
    for js in context.get("script_files", []):
        key = (getattr(js, "filename", js) or "", repr(sorted(getattr(js, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            kept.append(js)
    context["script_files"] = kept


def setup(app):
    app.connect("config-inited", _add_templates)
    app.connect("html-page-context", _drop_repeated_scripts)
    app.connect("html-page-context", _name_summaries_by_their_text)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
