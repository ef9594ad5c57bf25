"""Shared fixtures: the book's layout, its notebooks and a fresh build."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
from book import ROOT, chapter_notebooks, load_yaml, toc_files  # noqa: E402, F401
from book import config as book_config  # noqa: E402

# -- nbval on other CPUs (tests/cpu_levels.py) ------------------------------
_CPU_LEVEL_RUNS = {}


def pytest_collection_finish(session):
    """Start the other-CPU nbval runs now, so they overlap the rest of the suite."""
    if any(item.get_closest_marker("cpu_levels") for item in session.items):
        import cpu_levels

        for run in cpu_levels.planned_runs():
            _CPU_LEVEL_RUNS[run.name] = cpu_levels.start(run)


# What makes a test slow: a fixture it needs, or being a notebook cell.
SLOW_FIXTURES = {"built_site", "site_url", "chromium", "cpu_level_runs"}


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.notebooks)
            item.add_marker(pytest.mark.slow)
        elif SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
    # Waiting for the other-CPU runs comes last: by then they have had the
    # whole suite's time to finish.
    items.sort(key=lambda item: item.get_closest_marker("cpu_levels") is not None)


@pytest.fixture(scope="session")
def cpu_level_runs():
    yield _CPU_LEVEL_RUNS
    for run in _CPU_LEVEL_RUNS.values():
        if run.proc.poll() is None:
            run.proc.kill()


@pytest.fixture(scope="session")
def config():
    return book_config()


@pytest.fixture(scope="session")
def notebooks():
    return {p: json.loads(p.read_text(encoding="utf-8")) for p in chapter_notebooks()}


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """Build both editions as `make book` does (warnings are errors) into a temp dir."""
    out = tmp_path_factory.mktemp("book")
    # Output to a file, not a pipe: a helper process the build leaves behind
    # (KaTeX's render server, say) would hold a pipe open and hang the run.
    with tempfile.TemporaryFile(mode="w+") as log:
        result = subprocess.run(
            [sys.executable, str(ROOT / "tools" / "build_book.py"), "--out", str(out)],
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": "0"},
        )
        log.seek(0)
        output = log.read()
    assert result.returncode == 0, f"book build failed:\n{output[-6000:]}"
    return out / "html"


# -- Real browser (tests/test_browser.py, tests/test_jupyterlab.py) -------------
# Shared by the tests that drive Debian's Chromium; see tests/browser.py.

# Lines the browser tests want in the terminal summary (shown without -s).
REPORT = {}


def pytest_terminal_summary(terminalreporter):
    for title, lines in REPORT.items():
        terminalreporter.write_sep("-", title)
        for line in lines:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    import browser

    browser.require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=str(browser.CHROMIUM), args=browser.LAUNCH_ARGS
        )
        yield b
        b.close()


@pytest.fixture(scope="session")
def site_url(built_site):
    """The freshly built site, served on 127.0.0.1 from a thread."""
    import browser

    with browser.StaticServer(built_site) as server:
        yield server.url
