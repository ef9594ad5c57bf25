"""Strip what a notebook front end adds but the book must not store.

    python tools/clean_notebooks.py chapters/*.ipynb

Removes widget state (it would make the website draw controls with no kernel
behind them), execution timestamps, and view state such as `scrolled` and
`collapsed` that JupyterLab writes when a reader looks at a cell. Outputs and
the book's own cell metadata (tags, alt texts, hidden sources) stay. Exits 1
when it changed a file, as pre-commit expects of a fixer.
"""

import sys
from pathlib import Path

import nbformat

STRAY_CELL_KEYS = ("execution", "ExecuteTime", "collapsed", "scrolled")
STRAY_NOTEBOOK_KEYS = ("widgets",)


def clean(nb) -> bool:
    """Strip stray metadata from ``nb`` in place; True if anything went."""
    changed = False
    for key in STRAY_NOTEBOOK_KEYS:
        changed |= nb.metadata.pop(key, None) is not None
    for cell in nb.cells:
        for key in STRAY_CELL_KEYS:
            changed |= cell.metadata.pop(key, None) is not None
    return changed


def main(paths: list[str]) -> int:
    changed = []
    for p in map(Path, paths):
        nb = nbformat.read(p, as_version=4)
        if clean(nb):
            nbformat.write(nb, p)
            changed.append(p)
    for p in changed:
        print(f"cleaned {p}")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
