"""What the book is made of, read in one place: its files and its address.

Tests (through tests/conftest.py), the benchmark and the tools import this
module instead of parsing `_toc.yml` or `_config.yml` themselves.
"""

from functools import cache
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def load_yaml(name: str) -> dict:
    return yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))


@cache
def config() -> dict:
    return load_yaml("_config.yml")


def toc_files() -> list[str]:
    """Every file the table of contents names, in reading order."""
    toc = load_yaml("_toc.yml")
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [entry["file"] for entry in part["chapters"]]
    return files


def chapter_notebooks() -> list[Path]:
    return sorted((ROOT / "chapters").glob("*.ipynb"))


def repository() -> tuple[str, str]:
    """(owner/name, branch) of the book's GitHub repository."""
    repo = config()["repository"]
    return repo["url"].removeprefix("https://github.com/").rstrip("/"), repo["branch"]


# -- The editions ---------------------------------------------------------------
# The English source is the book; each other edition is built from it and the
# gettext catalogues in locales/<language>/LC_MESSAGES (tools/translations.py).
EDITIONS = {"en": "", "ko": "ko"}  # language: folder of the site and the repository
LOCALES = ROOT / "locales"


def translated_notebook(path: Path, language: str) -> Path:
    """Where the generated notebook of a chapter lives in an edition: ko/chapters/..."""
    return ROOT / EDITIONS[language] / path.resolve().relative_to(ROOT)
