"""The notebooks in a real JupyterLab, driven in Debian's Chromium as a reader would.

JupyterLab runs on 127.0.0.1 with this environment's kernel on a copy of
``chapters/`` and ``ko/chapters/`` (the repository's notebooks are never
written). For chapter 1, the learning-rate chapter and its Korean edition:
Kernel > Restart Kernel and Run All Cells,
wait until the kernel is idle, check that no error output appeared, then move
every slider of every interactive figure with the mouse and the keyboard and
check that the picture changes. The real ipywidgets front end, no stubs.
"""

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import browser
import pytest
from book import ROOT, toc_files

NOTEBOOKS = [
    "chapters/01_temperature_problem",
    "chapters/03_training_loop",
    "ko/chapters/03_training_loop",
]
HANGUL = "[\uac00-\ud7a3]"
RUN_TIMEOUT_S = 600


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on a copy of both editions' notebooks, shut down afterwards."""
    browser.require_chromium()
    tmp = tmp_path_factory.mktemp("lab")
    root = tmp / "book"
    for folder in ("chapters", "ko/chapters"):
        shutil.copytree(
            ROOT / folder,
            root / folder,
            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "_build"),
        )
    settings = tmp / "settings"
    # No news or update checks: the notification would ask the network.
    (settings / "@jupyterlab" / "apputils-extension").mkdir(parents=True)
    (
        settings
        / "@jupyterlab"
        / "apputils-extension"
        / "notification.jupyterlab-settings"
    ).write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    port, token = browser.free_port(), secrets.token_hex(16)
    env = {
        **os.environ,
        "JUPYTER_PREFER_ENV_PATH": "1",  # this environment's kernel first
        "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"),
        "JUPYTER_CONFIG_DIR": str(tmp / "config"),
        "PYTHONHASHSEED": "0",
    }
    jupyter = Path(sys.executable).parent / "jupyter"
    log = open(tmp / "server.log", "w")
    proc = subprocess.Popen(
        [
            str(jupyter),
            "lab",
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={port}",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root}",
            f"--LabApp.user_settings_dir={settings}",
            f"--LabApp.workspaces_dir={tmp / 'workspaces'}",
            "--ServerApp.port_retries=0",
            "--LabApp.extension_manager=readonly",  # no PyPI queries from the server
            *(
                ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
            ),  # containers
        ],
        cwd=tmp,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(
                    f"{base}/api/status?token={token}", timeout=5
                ) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(
                    "JupyterLab did not start:\n"
                    + (tmp / "server.log").read_text()[-3000:]
                )
            time.sleep(0.5)
        yield {"url": base, "token": token, "root": root, "log": tmp / "server.log"}
    finally:
        try:  # a clean shutdown also stops the kernels
            req = urllib.request.Request(
                f"{base}/api/shutdown?token={token}", method="POST"
            )
            urllib.request.urlopen(req, timeout=10).close()
        except OSError:
            pass
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        log.close()


def wait_for_kernel(page, lab, name, timeout=120):
    """The server has a session for the notebook whose kernel is idle.

    The page's execution indicator reads "idle" before any kernel exists, so
    ask the server: a restart requested before the kernel starts would open
    the "Select Kernel" dialog instead of restarting.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with urllib.request.urlopen(
            f"{lab['url']}/api/sessions?token={lab['token']}", timeout=5
        ) as r:
            sessions = json.load(r)
        for s in sessions:
            kernel = s.get("kernel") or {}
            if (
                s.get("path", "").endswith(name)
                and kernel.get("execution_state") == "idle"
            ):
                return kernel
        # Not time.sleep: Playwright's sync API serves the page's routed
        # requests only while one of its own calls waits.
        page.wait_for_timeout(500)
    pytest.fail(
        f"{name}: no idle kernel after {timeout} s:\n" + lab["log"].read_text()[-3000:]
    )


def run_all(page):
    """Kernel > Restart Kernel and Run All Cells..., then confirm, as a person would."""
    for _attempt in range(3):
        page.locator(".lm-MenuBar-itemLabel").get_by_text("Kernel", exact=True).click()
        page.get_by_role("menuitem", name="Restart Kernel and Run All Cells…").click()
        dialog = page.locator(".jp-Dialog")
        try:
            dialog.wait_for(timeout=15_000)
        except Exception:
            page.keyboard.press("Escape")  # the menu did not take the click: try again
            continue
        text = dialog.inner_text()
        if "restart" not in text.lower():
            pytest.fail(
                f"unexpected dialog instead of the restart confirmation: {text!r}"
            )
        dialog.locator("button.jp-mod-accept").click()  # "Confirm Kernel Restart"
        dialog.wait_for(state="detached", timeout=15_000)
        return
    pytest.fail(
        "Kernel > Restart Kernel and Run All Cells... did not ask for confirmation"
    )


def wait_until_done(page, path):
    """Run All has finished: nothing queued, the kernel idle, every code cell numbered.

    Cells whose input is collapsed show no prompt, so the last check reads the
    notebook as JupyterLab saves it (File > Save, Ctrl+S) into the server's copy.
    """
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while True:
        page.wait_for_function(
            """() => {
              const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
              const prompts = Array.from(panel.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt'));
              const status = panel.querySelector('.jp-Notebook-ExecutionIndicator');
              return !prompts.some(p => p.textContent.includes('*'))
                && status && status.getAttribute('data-status') === 'idle';
            }""",
            timeout=RUN_TIMEOUT_S * 1000,
            polling=500,
        )
        before = path.stat().st_mtime_ns
        page.keyboard.press("Control+s")
        for _ in range(40):
            if path.stat().st_mtime_ns != before:
                break
            page.wait_for_timeout(250)
        page.wait_for_timeout(500)
        nb = json.loads(path.read_text(encoding="utf-8"))
        counts = [
            c.get("execution_count") for c in nb["cells"] if c["cell_type"] == "code"
        ]
        if all(counts) and counts == sorted(counts):
            return nb
        if time.monotonic() > deadline:
            pytest.fail(f"Run All did not finish: execution counts {counts}")
        page.wait_for_timeout(2000)


FIGURES_JS = """
() => Array.from(document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .widget-vbox'))
  .filter(box => box.querySelector(':scope > .widget-html img.gdlab-frame'))
  .map((box, i) => { box.dataset.gdlabFigure = String(i); return i; })
"""


def frame_src(box):
    return box.locator(".widget-html img.gdlab-frame").first.get_attribute("src")


def wait_for_new_frame(page, box, before):
    page.wait_for_function(
        "([box, before]) => { const i = box.querySelector('.widget-html img.gdlab-frame');"
        " return i && i.getAttribute('src') !== before; }",
        arg=[box.element_handle(), before],
        # The kernel draws a frame on first use; make test runs other
        # chapters' kernels at the same time, so allow a loaded machine's time.
        timeout=60_000,
    )


@pytest.mark.parametrize("entry", NOTEBOOKS)
def test_run_all_and_move_every_slider(chromium, lab, entry):
    if entry.removeprefix("ko/") not in toc_files():
        browser.skip_or_fail(f"{entry} is not in _toc.yml yet")
    name = entry + ".ipynb"  # its path in JupyterLab's tree
    nb = json.loads((lab["root"] / name).read_text(encoding="utf-8"))
    raising = [
        i
        for i, c in enumerate(c for c in nb["cells"] if c["cell_type"] == "code")
        if "raises-exception" in c.get("metadata", {}).get("tags", [])
    ]

    ctx = chromium.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page, log = browser.open_page(ctx, lab["url"])
        # ?reset: a fresh layout, only this notebook open (not the last test's).
        page.goto(f"{lab['url']}/lab/tree/{name}?token={lab['token']}&reset")
        page.locator(".jp-NotebookPanel .jp-Notebook").first.wait_for(timeout=120_000)
        # The kernel has started (a fresh session) before we restart it.
        wait_for_kernel(page, lab, name)
        page.wait_for_selector(
            ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator[data-status='idle']",
            timeout=120_000,
        )
        before = {
            c.get("id"): c.get("execution_count")
            for c in nb["cells"]
            if c["cell_type"] == "code"
        }
        run_all(page)
        saved = wait_until_done(page, lab["root"] / name)
        code = [c for c in saved["cells"] if c["cell_type"] == "code"]
        assert [c["execution_count"] for c in code] == list(range(1, len(code) + 1)), (
            f"{entry}: not one fresh run in order: {[c['execution_count'] for c in code]} (before: {before})"
        )
        stored_errors = [
            (i, c["outputs"][0].get("ename"))
            for i, c in enumerate(code)
            if any(o["output_type"] == "error" for o in c["outputs"])
            and i not in raising
        ]
        assert not stored_errors, (
            f"{entry}: error output after Run All: {stored_errors}"
        )

        # No error output, except in cells whose error is the lesson.
        errors = page.evaluate(
            """() => Array.from(document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell'))
                 .map((cell, i) => [i, Array.from(cell.querySelectorAll(
                     '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'))
                   .map(o => o.textContent).filter(t => /Traceback|Error/.test(t))])
                 .filter(([i, texts]) => texts.length)"""
        )
        unexpected = [(i, t[0][:500]) for i, t in errors if i not in raising]
        assert not unexpected, f"{entry}: error output after Run All: {unexpected}"

        # The questions speak the notebook's language: gdlab knows a Korean
        # notebook by its folder (gdlab/i18n.py).
        kickers = page.locator(
            ".jp-NotebookPanel:not(.lm-mod-hidden) .gdlab-q-kicker"
        ).all_text_contents()
        assert kickers, f"{entry}: no question after Run All"
        korean = [bool(re.search(HANGUL, k)) for k in kickers]
        assert all(korean) if entry.startswith("ko/") else not any(korean), (
            f"{entry}: questions in the wrong language: {kickers}"
        )

        # Every interactive figure of the run shows its live widget view.
        expected = sum(
            1
            for c in code
            for o in c["outputs"]
            if "application/vnd.jupyter.widget-view+json" in o.get("data", {})
            and "gdlab-twin" in "".join(o["data"].get("text/html", ""))
        )
        assert expected >= 1, f"{entry}: Run All made no interactive figure"
        try:
            page.wait_for_function(
                "n => document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) "
                ".widget-vbox > .widget-html img.gdlab-frame').length >= n",
                arg=expected,
                timeout=60_000,
            )
        except Exception:
            page.screenshot(
                path=str(lab["root"].parent / f"{Path(name).name}.png"),
                full_page=True,
            )
            pytest.fail(
                f"{entry}: {expected} interactive figure(s) expected, not all shown "
                f"(screenshot: {lab['root'].parent / (Path(name).name + '.png')})"
            )
        page.evaluate(FIGURES_JS)
        figures = page.locator("[data-gdlab-figure]")
        assert figures.count() == expected, (
            f"{entry}: {figures.count()} live figures, {expected} expected"
        )
        moved = 0
        for f in range(figures.count()):
            box = figures.nth(f)
            box.scroll_into_view_if_needed()
            sliders = box.locator(":scope > .widget-slider, :scope > .widget-hslider")
            for s in range(sliders.count()):
                slider = sliders.nth(s)
                readout = slider.locator(".widget-readout")
                handle = slider.locator(".noUi-handle").first
                # With the mouse: grab the handle and drag it to the far end.
                before, shown = frame_src(box), readout.text_content()
                hb, track = (
                    handle.bounding_box(),
                    slider.locator(".noUi-target, .slider").first.bounding_box(),
                )
                page.mouse.move(hb["x"] + hb["width"] / 2, hb["y"] + hb["height"] / 2)
                page.mouse.down()
                far = track["x"] + (
                    track["width"] - 2
                    if hb["x"] < track["x"] + track["width"] / 2
                    else 2
                )
                page.mouse.move(far, hb["y"] + hb["height"] / 2, steps=8)
                page.mouse.up()
                wait_for_new_frame(page, box, before)
                assert readout.text_content() != shown, (
                    f"{entry}, figure {f + 1}, slider {s + 1}: readout unchanged"
                )
                # With the keyboard: click the handle, one step with an arrow key.
                before, shown = frame_src(box), readout.text_content()
                handle.click()
                at_right_end = handle.get_attribute(
                    "aria-valuenow"
                ) == handle.get_attribute("aria-valuemax")
                page.keyboard.press("ArrowLeft" if at_right_end else "ArrowRight")
                wait_for_new_frame(page, box, before)
                assert readout.text_content() != shown, (
                    f"{entry}, figure {f + 1}, slider {s + 1}: readout unchanged"
                )
                moved += 1
            toggles = box.locator(":scope > .widget-toggle-buttons")
            for t in range(toggles.count()):
                buttons = toggles.nth(t).locator("button")
                for b in range(buttons.count()):
                    if "mod-active" not in (
                        buttons.nth(b).get_attribute("class") or ""
                    ):
                        before = frame_src(box)
                        buttons.nth(b).click()
                        wait_for_new_frame(page, box, before)
                        moved += 1
                        break
        assert moved, f"{entry}: no control to move"
        # Moving the controls put no error anywhere either.
        assert (
            not page.locator(
                '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
            )
            .filter(has_text="Traceback")
            .count()
        )
    finally:
        ctx.close()
