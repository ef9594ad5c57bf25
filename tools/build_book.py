"""Build the website: the English edition at the root, the Korean one in ko/.

    python tools/build_book.py [--out _build] [--only en|ko|gettext]

Both editions are the same sources (``_config.yml``, ``_toc.yml``) built by
Jupyter Book's Sphinx call; the Korean one adds ``language = "ko"``, so its
text comes from ``locales/ko/LC_MESSAGES``. Each build keeps its own parsed
pages (``.doctrees-<lang>``): Sphinx refuses a doctree cache written by
another builder or language. Warnings are errors, as in ``make book``.
``--only gettext`` writes the catalogue templates (``<out>/gettext/*.pot``)
that ``tools/translations.py`` merges into the catalogues.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from book import EDITIONS, ROOT, config

OPTIONS = ("html_baseurl", "ogp_site_url")


def _overrides(language: str) -> dict:
    sphinx = config()["sphinx"]["config"]
    over = {
        "external_toc_path": str(ROOT / "_toc.yml"),
        "latex_individualpages": False,
        "nitpicky": True,
    }
    if language != "en":
        folder = EDITIONS[language] + "/"
        over["language"] = language
        for key in OPTIONS:
            over[key] = sphinx[key].rstrip("/") + "/" + folder
        over["notfound_urls_prefix"] = sphinx["notfound_urls_prefix"] + folder
    return over


def build(out: Path, target: str) -> int:
    from jupyter_book.sphinx import build_sphinx

    builder = "gettext" if target == "gettext" else "html"
    language = "en" if target == "gettext" else target
    if target == "gettext":
        outdir = out / "gettext"
    else:
        outdir = out / "html" / EDITIONS[language]
    overrides = _overrides(language)
    if builder == "gettext":
        overrides["nitpicky"] = False
    result = build_sphinx(
        ROOT,
        outdir,
        noconfig=True,
        path_config=str(ROOT / "_config.yml"),
        confoverrides=overrides,
        doctreedir=out / f".doctrees-{target}",
        builder=builder,
        warningiserror=builder == "html",
        keep_going=True,
    )
    return 0 if result == 0 else 1


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "_build")
    parser.add_argument("--only", choices=["en", "ko", "gettext"])
    args = parser.parse_args(argv)
    out = args.out.resolve()
    targets = [args.only] if args.only else ["en", "ko"]
    if targets == ["en", "ko"]:
        # Sphinx keeps an existing copy of a changed static file: start afresh
        # (the parsed pages are kept, so it stays quick).
        shutil.rmtree(out / "html", ignore_errors=True)
    for target in targets:
        print(f"== building {target} ==", flush=True)
        if build(out, target):
            print(
                f"The {target} build failed: see the warnings above.", file=sys.stderr
            )
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
