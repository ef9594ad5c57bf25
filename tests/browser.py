"""Shared plumbing for the tests that drive a real browser.

Debian's Chromium (``/usr/bin/chromium``) is driven by Playwright for Python;
the tests never download a browser of their own. Every request that does not
go to 127.0.0.1 is aborted and recorded, so a page that needs the network to
work fails its test instead of quietly fetching something.

Without Chromium the tests skip and say how to install it; with
``GDLAB_REQUIRE_BROWSER=1`` (set by ``.ci/run``) they fail instead.
"""

from __future__ import annotations

import functools
import http.server
import os
import socket
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1"}


def required() -> bool:
    """True when a missing browser (or tool) must fail, not skip (CI)."""
    return os.environ.get("GDLAB_REQUIRE_BROWSER", "") == "1"


def skip_or_fail(reason: str) -> None:
    if required():
        pytest.fail(
            f"{reason} (GDLAB_REQUIRE_BROWSER=1 turns this skip into a failure)",
            pytrace=False,
        )
    pytest.skip(reason)


def require_chromium() -> None:
    if not (CHROMIUM.exists() and os.access(CHROMIUM, os.X_OK)):
        skip_or_fail(
            f"no Chromium at {CHROMIUM}: install it with `apt-get install chromium`"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        skip_or_fail(
            "Playwright for Python is missing: run `make test` (it installs requirements.txt)"
        )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest's output for the tests
        pass


class StaticServer:
    """Serve a folder on 127.0.0.1 from a thread (like `make serve`)."""

    def __init__(self, directory: Path):
        handler = functools.partial(_QuietHandler, directory=str(directory))
        self.httpd = http.server.ThreadingHTTPServer(
            ("127.0.0.1", free_port()), handler
        )
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)


def is_local(url: str) -> bool:
    if url.startswith(("data:", "blob:", "about:")):
        return True
    return urlparse(url).hostname in LOCAL_HOSTS


@dataclass
class PageLog:
    """What a page did: console errors, uncaught exceptions, blocked requests."""

    origin: str
    console_errors: list = field(
        default_factory=list
    )  # (text, url of the script or resource)
    page_errors: list = field(default_factory=list)
    blocked: list = field(default_factory=list)

    def own_errors(self) -> list[str]:
        """Errors from the book's own scripts (those served from the site).

        A console error whose source is a blocked external URL (Chromium's
        "Failed to load resource: net::ERR_FAILED") is the cut-off network's
        doing, not the book's: those are listed in ``blocked`` instead.
        Uncaught exceptions always count: only the site's scripts run.
        """
        own = [f"uncaught: {e}" for e in self.page_errors]
        for text, url in self.console_errors:
            if url and url in self.blocked:
                continue
            if url and not url.startswith(self.origin):
                continue  # an external script could not run anyway: it is blocked
            own.append(f"console.error from {url or 'inline script'}: {text}")
        return own


def open_page(context, origin: str):
    """A new page whose off-loopback requests are aborted and recorded."""
    page = context.new_page()
    log = PageLog(origin)

    def route(r):
        url = r.request.url
        if is_local(url):
            r.continue_()
        else:
            log.blocked.append(url)
            r.abort()

    page.route("**/*", route)
    page.on(
        "console",
        lambda m: (
            m.type == "error"
            and log.console_errors.append((m.text, m.location.get("url", "")))
        ),
    )
    page.on("pageerror", lambda e: log.page_errors.append(str(e)))
    page.gdlab_log = log
    return page, log
