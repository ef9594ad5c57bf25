"""The book's benchmark (`make bench`): prints a table, asserts nothing.

1. Each chapter in _toc.yml executed from a fresh kernel (nbclient, on copies;
   the repository's notebooks are never written), the total, and the floor
   measured in the same run: a fresh kernel importing torch, numpy,
   matplotlib and ipywidgets, once per chapter. Target: total / floor <= 1.6.
2. Every interactive control's redraw time over all its values, in the kernel
   that ran the chapter, measured from outside gdlab through its public API:
   the benchmark wraps ``gdlab.explore`` in that kernel before the chapter
   runs, so it sees each figure the chapter makes; then a fresh draw of each
   frame (``frames.render``) and the live widget path (setting the ipywidgets
   control's value until the view holds the new picture).
   Targets: median < 100 ms, maximum < 150 ms.
3. Lighthouse over every page of the built site, served with gzip
   (benchmarks/lighthouse.py; without Chromium or Lighthouse, the size of each
   page with what it loads, read from the HTML and CSS), and the whole site.
4. The time of `make book` from a clean _build (on a copy of the project) and
   of a rebuild with nothing changed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import lighthouse
import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
KERNEL = "python3"
TIMEOUT = 900
FLOOR_SOURCE = "import torch, numpy, matplotlib, ipywidgets"
MB = 1024 * 1024

# What a chapter needs beyond the floor before its own lesson runs, each timed
# in one fresh kernel after the floor's imports; "uses" tells which chapters
# pay it (a pattern in their code).
EXTRA_COSTS = [
    (
        "pyplot, inline backend, gdlab",
        "import matplotlib.pyplot, gdlab\n%matplotlib inline",
        r"import gdlab",
    ),
    # The first figure shown loads fonts and PNG machinery that later ones reuse.
    (
        "first figure shown inline",
        "from IPython.display import display\n"
        "_fig, _ax = matplotlib.pyplot.subplots()\n_ax.plot([0, 1]); _ax.set_title('t')\n"
        "display(_fig); matplotlib.pyplot.close(_fig)",
        r"plt\.(subplots|figure)",
    ),
    (
        "first torch.optim optimizer (imports torch._dynamo)",
        "torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)",
        r"torch\.optim\.",
    ),
    ("import sklearn.datasets", "import sklearn.datasets", r"(from|import) sklearn"),
]
TIMED_CELL = """
import time as _time
_t0 = _time.perf_counter()
{source}
print("GDLAB-COST", _time.perf_counter() - _t0)
"""

# Runs first in the chapter's kernel: remembers every figure gdlab.explore
# makes there (the benchmark's list, not gdlab's).
RECORD_SOURCE = """
import gdlab as _gdlab
_BENCH_FIGURES = []
_bench_explore = _gdlab.explore
def _recording_explore(*args, **kwargs):
    figure = _bench_explore(*args, **kwargs)
    _BENCH_FIGURES.append(figure)
    return figure
_gdlab.explore = _recording_explore
"""

# Runs in the chapter's kernel once its cells are done.
MEASURE_SOURCE = r"""
import json as _json, time as _time
_rows = []
for _n, _ex in enumerate(_BENCH_FIGURES, start=1):
    _frames = _ex.frames
    _frames[_frames.start]  # prepared as in the chapter
    _view = _ex.widget()
    _inputs = list(_view.children[:-1])
    for _k, _c in enumerate(_ex.controls):
        _fresh = []
        for _i in range(len(_c.values)):  # only this control moves
            _position = tuple(_i if _j == _k else _s for _j, _s in enumerate(_frames.start))
            _t0 = _time.perf_counter()
            _frames.render(_position)
            _fresh.append(_time.perf_counter() - _t0)
        _live, _cold = [], []
        for _pass, _out in (("cold", _cold), ("live", _live)):
            if _pass == "cold":
                _frames.clear()  # first visit: the frame is drawn on the move
            for _j in range(len(_c.values)):  # every value, each a change
                _i = (_c.start_index + 1 + _j) % len(_c.values)
                _t0 = _time.perf_counter()
                _inputs[_k].value = _i
                _out.append(_time.perf_counter() - _t0)
        _rows.append({"figure": _n, "control": _c.name, "n": len(_c.values),
                      "fresh": _fresh, "cold": _cold, "live": _live})
print("GDLAB-BENCH" + _json.dumps(_rows))
"""


def toc_chapters() -> list[Path]:
    """The notebooks among the pages of _toc.yml, in reading order."""
    files = lighthouse.toc_files()
    return [ROOT / f"{f}.ipynb" for f in files if (ROOT / f"{f}.ipynb").exists()]


def run_notebook(nb, workdir: Path, measure: bool = False):
    """Execute ``nb`` in a fresh kernel; return (seconds, measurement rows)."""
    env_before = os.environ.get("JUPYTER_PREFER_ENV_PATH")
    os.environ["JUPYTER_PREFER_ENV_PATH"] = "1"
    client = NotebookClient(
        nb,
        timeout=TIMEOUT,
        kernel_name=KERNEL,
        store_widget_state=False,
        resources={"metadata": {"path": str(workdir)}},
    )
    rows = None
    client.reset_execution_trackers()
    t0 = time.perf_counter()
    if measure:
        nb.cells.insert(0, nbformat.v4.new_code_cell(RECORD_SOURCE))
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            client.execute_cell(
                cell, index, execution_count=client.code_cells_executed + 1
            )
        seconds = time.perf_counter() - t0
        if measure:
            cell = nbformat.v4.new_code_cell(MEASURE_SOURCE)
            nb.cells.append(cell)
            client.execute_cell(cell, len(nb.cells) - 1)
            text = "".join(
                o.get("text", "")
                for o in cell.outputs
                if o.get("output_type") == "stream"
            )
            match = re.search(r"GDLAB-BENCH(.*)", text)
            rows = json.loads(match.group(1)) if match else []
    if env_before is None:
        os.environ.pop("JUPYTER_PREFER_ENV_PATH", None)
    return seconds, rows


def bench_execution(chapters, work: Path):
    shutil.copytree(
        ROOT / "chapters",
        work / "chapters",
        ignore=shutil.ignore_patterns(".ipynb_checkpoints"),
    )
    results, controls = [], []
    floor_nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(FLOOR_SOURCE)])
    for path in chapters:
        print(f"  executing {path.name} ...", flush=True)
        nb = nbformat.read(work / "chapters" / path.name, as_version=4)
        seconds, rows = run_notebook(nb, work / "chapters", measure=True)
        floor, _ = run_notebook(
            nbformat.from_dict(json.loads(json.dumps(floor_nb))), work / "chapters"
        )
        results.append((path.stem, seconds, floor))
        controls += [(path.stem, r) for r in rows]
    return results, controls


def code_of(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "code")


def bench_extra_costs(chapters, work: Path):
    """Seconds of each EXTRA_COSTS item in a fresh kernel, and who pays it."""
    cells = [nbformat.v4.new_code_cell(FLOOR_SOURCE)]
    cells += [
        nbformat.v4.new_code_cell(TIMED_CELL.format(source=src))
        for _, src, _ in EXTRA_COSTS
    ]
    nb = nbformat.v4.new_notebook(cells=cells)
    run_notebook(nb, work / "chapters")
    rows = []
    for (label, _, pattern), cell in zip(EXTRA_COSTS, nb.cells[1:]):
        text = "".join(
            o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream"
        )
        match = re.search(r"GDLAB-COST ([0-9.e-]+)", text)
        users = [p.stem for p in chapters if re.search(pattern, code_of(p))]
        rows.append((label, float(match.group(1)) if match else float("nan"), users))
    return rows


def make_book_times(work: Path):
    """`make book` on a copy of the project from a clean _build, then again.

    The copy shares .venv (`-o` keeps make from re-running the install step,
    which would point the editable gdlab at the copy).
    """
    copy = work / "project"
    ignore = shutil.ignore_patterns(
        ".venv", "_build", ".git", "node_modules", ".ipynb_checkpoints", "__pycache__"
    )
    shutil.copytree(
        ROOT, copy, ignore=ignore
    )  # copy2 keeps mtimes: the install stamp stays valid
    (copy / ".venv").symlink_to(ROOT / ".venv")
    if (ROOT / "node_modules").exists():
        (copy / "node_modules").symlink_to(ROOT / "node_modules")
    times = []
    for _ in range(2):
        t0 = time.perf_counter()
        r = subprocess.run(
            ["make", "-o", ".venv/.installed", "book"],
            cwd=copy,
            capture_output=True,
            text=True,
        )
        times.append(time.perf_counter() - t0)
        if r.returncode:
            print(r.stdout[-3000:], r.stderr[-3000:])
            times[-1] = float("nan")
    return times, copy / "_build" / "html"


def page_sizes_static(site: Path, pages: list[str]):
    """Without a browser: the HTML, the files it names, and CSS url()s."""
    sizes = {}
    for entry in pages:
        seen, todo = set(), [site / f"{entry}.html"]
        while todo:
            f = todo.pop()
            if f in seen or not f.is_file():
                continue
            seen.add(f)
            if f.suffix in (".html", ".css"):
                text = f.read_text(encoding="utf-8", errors="replace")
                pattern = (
                    r'(?:src|href)="([^"#?]+)'
                    if f.suffix == ".html"
                    else r'url\(["\']?([^"\')#?]+)'
                )
                for ref in re.findall(pattern, text):
                    if "://" in ref or ref.startswith(("data:", "mailto:")):
                        continue
                    if f.suffix == ".html" and ref.endswith(".html"):
                        continue  # a link, not something the page loads
                    todo.append((f.parent / ref).resolve())
        sizes[entry] = sum(f.stat().st_size for f in seen)
    return sizes, "estimated from the HTML and CSS (no Chromium)"


def mark(ok: bool) -> str:
    return "ok" if ok else "OVER"


def main():
    chapters = toc_chapters()
    pages = lighthouse.toc_files()
    with tempfile.TemporaryDirectory(prefix="gdlab-bench-") as tmp:
        work = Path(tmp)
        print("Benchmark: executing chapters on fresh kernels (copies) ...", flush=True)
        results, controls = bench_execution(chapters, work)
        extra = bench_extra_costs(chapters, work)
        print(
            "Benchmark: `make book` from a clean _build, then with nothing changed ...",
            flush=True,
        )
        (clean, rebuild), site = make_book_times(work)
        print("Benchmark: Lighthouse over every page ...", flush=True)
        sizes, how = page_sizes_static(site, pages)
        try:
            audits = lighthouse.table(lighthouse.run(site, pages))
        except Exception as exc:  # no Chromium or Lighthouse: sizes only
            audits = [f"Lighthouse could not run ({exc.__class__.__name__}: {exc})"]
        site_total = sum(f.stat().st_size for f in site.rglob("*") if f.is_file())

    out = []
    w = max([len(n) for n, _, _ in results] + [20])
    out.append("")
    out.append("=" * 78)
    out.append("How PyTorch Learns: benchmark")
    out.append("=" * 78)
    out.append(
        "Execution from a fresh kernel (floor: a fresh kernel importing torch, numpy,"
    )
    out.append("matplotlib, ipywidgets; measured once per chapter in this run)")
    out.append(f"  {'chapter':<{w}} {'time s':>9} {'floor s':>9}")
    for name, seconds, floor in results:
        out.append(f"  {name:<{w}} {seconds:>9.2f} {floor:>9.2f}")
    total = sum(s for _, s, _ in results)
    floor = sum(f for _, _, f in results)
    ratio = total / floor if floor else float("nan")
    out.append(f"  {'total':<{w}} {total:>9.2f} {floor:>9.2f}")
    out.append(
        f"  ratio total / floor: {ratio:.2f}   (target <= 1.6: {mark(ratio <= 1.6)})"
    )
    out.append(
        "  Beyond the floor, library costs the chapters pay before their own work"
    )
    out.append("  (one fresh kernel, after the floor's imports):")
    paid = 0.0
    for label, seconds, users in extra:
        paid += seconds * len(users)
        out.append(f"    {label:<52} {seconds:5.2f} s x {len(users)} chapters")
    out.append(
        f"    together {paid:.2f} s; the chapters' own work is the remaining "
        f"{total - floor - paid:.2f} s"
    )
    out.append("")
    out.append("Interactive controls: redraw time over all values, ms (median / max)")
    out.append("  fresh = the frame drawn afresh (frames.render, one control moving);")
    out.append(
        "  live  = setting the ipywidgets control until its view holds the new picture"
    )
    out.append(
        "          (frames precomputed, as after the chapter ran); cold = the same with"
    )
    out.append("          the frame cache cleared. Targets: median < 100, max < 150.")
    out.append(
        f"  {'chapter':<{w}} {'fig':>3} {'control':<8} {'n':>3} {'fresh med/max':>15} {'live med/max':>14} {'cold med/max':>14}  target"
    )
    for name, r in controls:

        def mm(xs):
            return (
                (statistics.median(xs) * 1000, max(xs) * 1000)
                if xs
                else (float("nan"), float("nan"))
            )

        f, lv, cd = mm(r["fresh"]), mm(r["live"]), mm(r["cold"])
        ok = max(f[0], cd[0]) < 100 and max(f[1], cd[1]) < 150
        out.append(
            f"  {name:<{w}} {r['figure']:>3} {r['control'][:8]:<8} {r['n']:>3} {f[0]:>7.1f}/{f[1]:<7.1f}"
            f" {lv[0]:>6.1f}/{lv[1]:<7.1f} {cd[0]:>6.1f}/{cd[1]:<7.1f}  {mark(ok)}"
        )
    if not controls:
        out.append("  (no interactive figures)")
    out.append("")
    out += audits
    out.append("")
    out.append(f"Page sizes with everything each loads from the build folder ({how})")
    pw = max(len(p) for p in pages)
    for entry in pages:
        out.append(
            f"  {entry:<{pw}} {sizes[entry] / MB:>7.2f} MB  (target <= 2.5 MB: {mark(sizes[entry] <= 2.5 * MB)})"
        )
    out.append(f"  {'whole site':<{pw}} {site_total / MB:>7.2f} MB")
    out.append("")
    out.append("`make book` (on a copy of the project)")
    out.append(f"  from a clean _build:     {clean:7.1f} s")
    out.append(f"  rebuild, nothing changed: {rebuild:6.1f} s")
    out.append("=" * 78)
    print("\n".join(out))


if __name__ == "__main__":
    main()
