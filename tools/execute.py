"""Run chapter notebooks on a fresh kernel and store their outputs (`make execute`).

    python tools/execute.py chapters/*.ipynb

The stored notebook is a pure function of its source and the packages: no
timestamps, no widget state, and printed text joined into one stream per cell
(how stdout is chunked depends on timing). Run twice, it writes the same
bytes; tests/test_reproducible.py holds it to that.
"""

import os
import sys
from pathlib import Path

# This environment's kernel, not a user-wide one of the same name.
os.environ.setdefault("JUPYTER_PREFER_ENV_PATH", "1")
os.environ.setdefault("PYTHONHASHSEED", "0")

import nbformat  # noqa: E402
from clean_notebooks import clean  # noqa: E402
from nbclient import NotebookClient  # noqa: E402

TIMEOUT = 120  # seconds per cell


def join_streams(cell):
    """Merge consecutive stdout (or stderr) chunks into one output."""
    merged = []
    for out in cell.get("outputs", []):
        prev = merged[-1] if merged else None
        if (
            out.output_type == "stream"
            and prev is not None
            and prev.output_type == "stream"
            and prev.name == out.name
        ):
            prev.text += out.text
        else:
            merged.append(out)
    cell.outputs = merged


def execute(path: Path, out: Path | None = None) -> None:
    """Execute ``path`` in its own folder and write the result to ``out`` (default: in place)."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=TIMEOUT,
        store_widget_state=False,
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    for cell in nb.cells:
        if cell.cell_type == "code":
            join_streams(cell)
    clean(nb)
    nbformat.write(nb, out or path)


def main(paths: list[str]) -> int:
    if not paths:
        print(__doc__)
        return 2
    for p in paths:
        print(f"executing {p}", flush=True)
        execute(Path(p))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
