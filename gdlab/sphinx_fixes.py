"""A Sphinx extension for the book's website (listed in ``_config.yml``).

sphinx-thebe adds its inline configuration script (``const THEBE_JS_URL =
...``) while the HTML builder already exists, so Sphinx puts it on every page
twice; the second copy throws "Identifier 'THEBE_JS_URL' has already been
declared" in the reader's console. Sphinx drops repeated script files by name
but not repeated inline scripts (one copy is named None, the other ""); this
drops those too.
"""


def _drop_repeated_scripts(app, pagename, templatename, context, doctree):
    seen, kept = set(), []
    for js in context.get("script_files", []):
        key = (getattr(js, "filename", js) or "", repr(sorted(getattr(js, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            kept.append(js)
    context["script_files"] = kept


def setup(app):
    app.connect("html-page-context", _drop_repeated_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
