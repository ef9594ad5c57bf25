"""Publishing: one address carried everywhere, a Colab setup that installs the
right gdlab, workflows that pass GitHub's schema and zizmor, and a site that
can be found and shared.

The repository's address lives in `_config.yml` and gdlab's release in
`pyproject.toml`; `tools/retarget.py` (`make retarget`) carries them into
every other file. These tests move a copy of the book to another repository
and check what a reader would follow: every badge, launch link and install
line. They run the Colab setup cell itself, with a stand-in `google.colab`
and a recorded `%pip`, rather than look for substrings in it.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import retarget  # tools/retarget.py: conftest puts tools/ on the path
import yaml
from book import ROOT, chapter_notebooks, toc_files
from packaging.requirements import Requirement

NOTEBOOKS = chapter_notebooks()
ids = [p.name for p in NOTEBOOKS]


HOME = retarget.current(ROOT)  # where the repository says it lives now
# Where the tests move a copy: any other repository and branch will do.
MOVED = retarget.Target(
    "acme/pytorch-book"
    if HOME.repo != "acme/pytorch-book"
    else "acme/how-pytorch-learns",
    "trunk" if HOME.branch != "trunk" else "main",
    HOME.release,
)


def source(cell) -> str:
    return (
        "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    )


def read_notebook(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def copy_book(dst: Path) -> Path:
    shutil.copytree(
        ROOT,
        dst,
        symlinks=True,
        ignore=shutil.ignore_patterns(
            ".git",
            ".venv",
            "_build",
            "node_modules",
            "*.egg-info",
            "__pycache__",
            ".pytest_cache",
            ".ipynb_checkpoints",
        ),
    )
    return dst


def make_retarget(
    tree: Path, repo: str | None = None, branch: str | None = None
) -> str:
    """`make retarget` in `tree`, as a reader would type it."""
    args = ["make", "-s", "-C", str(tree), "retarget", f"PYTHON={sys.executable}"]
    args += [f"REPO={repo}"] if repo else []
    args += [f"BRANCH={branch}"] if branch else []
    done = subprocess.run(args, capture_output=True, text=True)
    assert done.returncode == 0, f"make retarget failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def tree_files(tree: Path) -> dict[str, bytes]:
    return {
        p.relative_to(tree).as_posix(): p.read_bytes()
        for p in sorted(tree.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def synced(tmp_path_factory):
    """A copy of the book with every address brought in line with _config.yml."""
    tree = copy_book(tmp_path_factory.mktemp("synced") / "book")
    make_retarget(tree)
    return tree


@pytest.fixture(scope="module")
def moved(synced, tmp_path_factory):
    """The same copy, moved to MOVED with `make retarget REPO=... BRANCH=...`."""
    tree = tmp_path_factory.mktemp("moved") / "book"
    shutil.copytree(synced, tree, symlinks=True)
    make_retarget(tree, MOVED.repo, MOVED.branch)
    return tree


# -- Links a reader follows -------------------------------------------------------

COLAB = re.compile(
    r"https://colab\.research\.google\.com/github/(?P<repo>[\w.-]+/[\w.-]+)"
    r"/blob/(?P<branch>[^/\s]+)/(?P<path>[^\s)\"'<>]+)"
)
BINDER = re.compile(
    r"https://mybinder\.org/v2/gh/(?P<repo>[\w.-]+/[\w.-]+)/(?P<branch>[\w.-]+)"
    r"(?:\?urlpath=lab/tree/(?P<path>[^\s)\"'<>&]+))?"
)
INSTALL = re.compile(
    r"git\+https://github\.com/(?P<repo>[\w.-]+/[\w.-]+?)(?:\.git)?(?:@(?P<ref>[\w.\-/]+))?(?=[\s\"'#]|$)",
    re.M,
)


def launch_links(tree: Path):
    """Every Colab, Binder and git+ install address in the tree's text files."""
    for path in retarget.text_files(tree):
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".ipynb":  # sources only: outputs are what the code printed
            text = "\n".join(source(c) for c in read_notebook(path)["cells"])
        rel = path.relative_to(tree).as_posix()
        for kind, pattern in [
            ("colab", COLAB),
            ("binder", BINDER),
            ("install", INSTALL),
        ]:
            for m in pattern.finditer(text):
                yield rel, kind, m


def test_moving_the_book_leaves_no_trace_of_the_old_address(moved):
    old_pages = HOME.pages_url.split("://", 1)[1].rstrip("/")
    left = []
    for path in retarget.text_files(moved):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if (
                re.search(rf"(?<![\w.-]){re.escape(HOME.repo)}(?![\w.-])", line, re.I)
                or old_pages in line.lower()
            ):
                left.append(f"{path.relative_to(moved)}:{n}: {line.strip()[:120]}")
    assert not left, f"still naming {HOME.repo} after the move:\n" + "\n".join(left)


def test_every_badge_launch_link_and_install_line_names_the_new_repository(moved):
    links = list(launch_links(moved))
    kinds = {kind for _, kind, _ in links}
    assert {"colab", "install"} <= kinds, (
        f"found no badges or install lines at all: {kinds}"
    )
    for rel, kind, m in links:
        assert m["repo"] == MOVED.repo, (
            f"{rel}: {kind} link {m[0]} names {m['repo']}, not {MOVED.repo}"
        )
        if kind == "install":
            assert m["ref"] == MOVED.release, (
                f"{rel}: {m[0]} installs {m['ref']}, not the release {MOVED.release}"
            )
        else:
            assert m["branch"] == MOVED.branch, (
                f"{rel}: {m[0]} opens branch {m['branch']}, not {MOVED.branch}"
            )
            if m["path"]:
                assert (moved / m["path"]).is_file(), (
                    f"{rel}: {m[0]} opens {m['path']}, which does not exist"
                )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_moved_badge_opens_the_notebooks_own_path(moved, path):
    rel = path.relative_to(ROOT).as_posix()
    cells = read_notebook(moved / rel)["cells"]
    badges = list(COLAB.finditer(source(cells[0])))
    assert len(badges) == 1, f"{rel}: cell 0 should hold one Colab badge"
    assert (badges[0]["repo"], badges[0]["branch"], badges[0]["path"]) == (
        MOVED.repo,
        MOVED.branch,
        rel,
    )
    assert "remove-cell" in cells[0]["metadata"].get("tags", []), (
        "the website has its own launch button"
    )
    head, _ = retarget.split_setup(source(cells[1]))
    assert head == retarget.setup_head(MOVED)


def test_moved_configuration_follows_the_repository(moved):
    config = yaml.safe_load((moved / "_config.yml").read_text(encoding="utf-8"))
    assert config["repository"]["url"] == f"https://github.com/{MOVED.repo}"
    assert config["repository"]["branch"] == MOVED.branch
    sphinx = config["sphinx"]["config"]
    owner, name = MOVED.repo.split("/")
    assert (
        sphinx["html_baseurl"]
        == sphinx["ogp_site_url"]
        == f"https://{owner}.github.io/{name}/"
    )
    assert sphinx["notfound_urls_prefix"] == f"/{name}/"
    citation = yaml.safe_load((moved / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["repository-code"] == f"https://github.com/{MOVED.repo}"
    assert citation["url"] == f"https://{owner}.github.io/{name}/"


def test_moving_back_restores_every_byte(moved, tmp_path):
    """Nothing but addresses changes: moving there and back gives the repository's own files."""
    back = tmp_path / "back"
    shutil.copytree(moved, back, symlinks=True)
    make_retarget(back, HOME.repo, HOME.branch)
    before, after = tree_files(copy_book(tmp_path / "original")), tree_files(back)
    assert before.keys() == after.keys()
    differ = [name for name in before if before[name] != after[name]]
    assert not differ, f"moving to {MOVED.repo} and back changed: {differ}"


def test_user_site_repository_is_served_from_the_root():
    assert (
        retarget.Target("Acme/acme.github.io", "main", "v1").pages_url
        == "https://acme.github.io/"
    )
    assert (
        retarget.Target("Acme/book", "main", "v1").pages_url
        == "https://acme.github.io/book/"
    )


@pytest.mark.parametrize(
    "bad",
    ["acme", "acme/", "acme/book/extra", "https://github.com/acme/book", "ac me/book"],
)
def test_retarget_refuses_what_is_not_owner_slash_name(bad):
    with pytest.raises(SystemExit):
        retarget.check_repo(bad)


# -- The repository itself is in line --------------------------------------------


def test_make_retarget_would_change_nothing(tmp_path):
    """Every address and setup cell already agrees with _config.yml and pyproject.toml."""
    tree = copy_book(tmp_path / "book")
    before = tree_files(tree)
    make_retarget(tree)
    after = tree_files(tree)
    differ = [name for name in before if before[name] != after.get(name)]
    assert not differ, (
        "these files disagree with _config.yml or pyproject.toml; run `make retarget` "
        f"to bring them in line: {differ}"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_setup_cell_is_the_rendered_template(path):
    """Cell 1 is tools/colab_setup.py.template, a blank line, then the chapter's own lines."""
    cells = read_notebook(path)["cells"]
    setup = source(cells[1])
    head = retarget.setup_head(HOME)
    assert setup == head or setup.startswith(head + "\n\n"), (
        f"{path.name}: cell 1 does not start with the rendered setup template; run `make retarget`"
    )
    assert cells[1]["cell_type"] == "code"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_badge_is_the_rendered_template(path):
    cells = read_notebook(path)["cells"]
    assert source(cells[0]) == retarget.badge(HOME, path.relative_to(ROOT).as_posix())
    assert "remove-cell" in cells[0]["metadata"].get("tags", [])


def test_release_is_named_in_one_place():
    """CITATION.cff's version is pyproject's; the setup cells install the tag v<version>."""
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert "v" + str(citation["version"]) == HOME.release
    assert HOME.release in retarget.setup_head(HOME)


def git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["git", "-C", str(ROOT), *args], capture_output=True, text=True
    )


def test_the_release_colab_installs_carries_this_gdlab():
    """Once v<version> is tagged, gdlab/ may not change without a new version.

    Otherwise a notebook on main would install, in Colab, a gdlab older than
    the one its outputs were made with. The Pages workflow tags each new
    version when it reaches main; CI fetches the tags to run this check.
    """
    if shutil.which("git") is None or git("rev-parse", "--git-dir").returncode != 0:
        pytest.skip("not a git checkout")
    if git("rev-parse", "-q", "--verify", f"refs/tags/{HOME.release}").returncode != 0:
        pytest.skip(
            f"{HOME.release} is not tagged (yet): it is made when this version reaches main"
        )
    diff = git("diff", "--stat", HOME.release, "HEAD", "--", "gdlab")
    assert diff.returncode == 0 and not diff.stdout.strip(), (
        f"gdlab/ changed since {HOME.release}, the release Colab installs. Raise the version in "
        f"pyproject.toml and run `make retarget`:\n{diff.stdout}"
    )


# -- The Colab setup cell, run ----------------------------------------------------

RUNNER = textwrap.dedent(r'''
    """Run each notebook's setup cell outside Colab, then in a stand-in Colab."""
    import contextlib, io, json, sys, types
    from IPython.core.inputtransformer2 import TransformerManager

    class Shell:
        """get_ipython() for the cell: records what it would run, runs nothing."""
        def __init__(self):
            self.calls = []
        def run_line_magic(self, name, line, _stack_depth=1):
            self.calls.append(["line_magic", name, line])
        def run_cell_magic(self, name, line, cell):
            self.calls.append(["cell_magic", name, line])
        def system(self, cmd):
            self.calls.append(["system", cmd])
        def getoutput(self, cmd, split=True, depth=0):
            self.calls.append(["system", cmd])
            return []
        def __getattr__(self, name):
            def record(*args, **kwargs):
                self.calls.append(["call", name, repr(args)])
            return record

    def stand_in_colab(calls):
        google = types.ModuleType("google")
        colab = types.ModuleType("google.colab")
        output = types.ModuleType("google.colab.output")
        output.enable_custom_widget_manager = lambda: calls.append(["colab", "enable_custom_widget_manager"])
        colab.output, google.colab = output, colab
        sys.modules.update({"google": google, "google.colab": colab, "google.colab.output": output})

    def run(path, code, colab):
        for name in ("google", "google.colab", "google.colab.output"):
            sys.modules.pop(name, None)
        shell = Shell()
        if colab:
            stand_in_colab(shell.calls)
        out, err = io.StringIO(), io.StringIO()
        namespace = {"__name__": "__main__", "get_ipython": lambda: shell}
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            exec(compile(code, path, "exec"), namespace)
        return {"calls": shell.calls, "stdout": out.getvalue(), "stderr": err.getvalue()}

    results = {}
    for path in sys.argv[1:]:
        with open(path, encoding="utf-8") as f:
            cell = json.load(f)["cells"][1]
        code = TransformerManager().transform_cell("".join(cell["source"]))
        results[path] = {"outside": run(path, code, False), "colab": run(path, code, True)}
    print(json.dumps(results))
''')


def run_setup_cells(paths: list[Path]) -> dict:
    """Each setup cell, run in a fresh Python (one for all of them: imports are slow)."""
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONWARNINGS": "default"}
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, *map(str, paths)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, f"a setup cell raised:\n{done.stderr[-3000:]}"
    return {Path(k): v for k, v in json.loads(done.stdout.splitlines()[-1]).items()}


@pytest.fixture(scope="module")
def setup_runs(moved):
    """The setup cells of the repository's chapters and of the moved copy's, run once."""
    return run_setup_cells(NOTEBOOKS + [moved / p.relative_to(ROOT) for p in NOTEBOOKS])


def pip_install(call: list) -> list[str]:
    """The arguments of `pip install ...` in a recorded `%pip` or `!pip` call."""
    if call[:2] == ["line_magic", "pip"]:
        args = shlex.split(call[2])
    elif call[0] == "system" and re.match(r"\s*(python3? -m )?pip ", call[1]):
        args = shlex.split(call[1])
        args = args[args.index("pip") + 1 :]
    else:
        raise AssertionError(f"the Colab setup runs something other than pip: {call}")
    assert args[:1] == ["install"], f"pip is not asked to install: {call}"
    return args[1:]


def check_colab_install(run: dict, target) -> None:
    assert len(run["calls"]) == 1, (
        f"expected one pip install in Colab, got {run['calls']}"
    )
    args = pip_install(run["calls"][0])
    flags = [a for a in args if a.startswith("-")]
    assert set(flags) <= {"-q", "--quiet", "-qq"}, (
        f"unexpected pip options {flags}: the install must really happen"
    )
    requirements = [Requirement(a) for a in args if not a.startswith("-")]
    assert [r.name for r in requirements] == ["gdlab"], (
        f"Colab should install gdlab and only gdlab: {args}"
    )
    assert (
        requirements[0].url == f"git+https://github.com/{target.repo}@{target.release}"
    ), (
        f"gdlab should come from {target.repo} at the release {target.release}, not {requirements[0].url}"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_colab_setup_installs_gdlab_from_this_repository_at_the_release(
    setup_runs, path
):
    check_colab_install(setup_runs[path]["colab"], HOME)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_outside_colab_the_setup_cell_runs_nothing_and_prints_nothing(setup_runs, path):
    run = setup_runs[path]["outside"]
    assert run["calls"] == [], f"outside Colab the setup cell ran {run['calls']}"
    assert run["stdout"] == "" and run["stderr"] == "", (
        f"it printed {run['stdout']!r} {run['stderr']!r}"
    )


def test_moved_setup_cells_install_from_the_new_repository(setup_runs, moved):
    for path in NOTEBOOKS:
        run = setup_runs[moved / path.relative_to(ROOT)]
        check_colab_install(run["colab"], MOVED)
        assert run["outside"]["calls"] == []


# -- Workflows --------------------------------------------------------------------

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
BIN = Path(sys.executable).parent


def test_there_are_workflows():
    names = {p.name for p in WORKFLOWS}
    assert names, "no GitHub Actions workflow"
    text = "\n".join(p.read_text(encoding="utf-8") for p in WORKFLOWS)
    for action in [
        "actions/checkout",
        "actions/configure-pages",
        "actions/upload-pages-artifact",
        "actions/deploy-pages",
    ]:
        assert action in text, f"no workflow uses {action}"
    assert ".ci/run" in text, "CI must run what .ci/run runs"


def test_workflows_follow_githubs_schema():
    done = subprocess.run(
        [
            str(BIN / "check-jsonschema"),
            "--builtin-schema",
            "vendor.github-workflows",
            *map(str, WORKFLOWS),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_zizmor_finds_nothing_of_medium_or_high_severity():
    done = subprocess.run(
        [
            str(BIN / "zizmor"),
            "--offline",
            "--min-severity",
            "medium",
            "--format",
            "plain",
            str(ROOT / ".github" / "workflows"),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("path", WORKFLOWS, ids=[p.name for p in WORKFLOWS])
def test_actions_are_pinned_by_commit_and_checkouts_keep_no_credentials(path):
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    for name, job in workflow["jobs"].items():
        assert "permissions" in job, (
            f"{path.name}: job {name} should say which permissions it needs"
        )
        for step in job.get("steps", []):
            uses = step.get("uses")
            if uses is None or uses.startswith("./"):
                continue
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", uses), (
                f"{path.name}: {uses} is not pinned by commit"
            )
            if uses.startswith("actions/checkout@"):
                assert step.get("with", {}).get("persist-credentials") is False, (
                    f"{path.name}: job {name} leaves the token in the checkout"
                )
    assert workflow.get("permissions") == {}, (
        f"{path.name}: grant permissions per job, none at the top"
    )


# -- Standing alone --------------------------------------------------------------


def test_nothing_refers_outside_the_repository():
    """A clone stands alone: no relative path climbs out of it (say, to a shared folder)."""
    climbing = re.compile(r"(?<![\w.\\])((?:\.\./)+)([\w.-]+)")
    found = []
    for path in retarget.text_files(ROOT):
        rel = path.relative_to(ROOT).as_posix()
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".ipynb":
            text = "\n".join(source(c) for c in read_notebook(path)["cells"])
        for n, line in enumerate(text.splitlines(), 1):
            for m in climbing.finditer(line):
                target = (path.parent / m[1] / m[2]).resolve()
                if not target.is_relative_to(ROOT):
                    found.append(f"{rel}:{n}: {line.strip()[:100]}")
    assert not found, "paths that leave the repository:\n" + "\n".join(found)


def test_license_files_agree():
    license_text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "CC BY 4.0" in license_text and "MIT License" in license_text
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))[
        "project"
    ]
    assert project["license"] == "MIT"
    assert (
        json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["license"]
        == "MIT"
    )
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert sorted(citation["license"]) == ["CC-BY-4.0", "MIT"]
    footer = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["html"][
        "extra_footer"
    ]
    assert "creativecommons.org/licenses/by/4.0" in footer and "MIT" in footer
    for name in ["CONTRIBUTING.md", "README.md", "CITATION.cff"]:
        assert (ROOT / name).is_file(), name


def test_citation_file_follows_its_schema():
    done = subprocess.run(
        [
            str(BIN / "check-jsonschema"),
            "--builtin-schema",
            "vendor.citation-file-format",
            str(ROOT / "CITATION.cff"),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


# -- The built site --------------------------------------------------------------


def test_site_has_a_sitemap_of_every_page(built_site):
    sitemap = (built_site / "sitemap.xml").read_text(encoding="utf-8")
    listed = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert sorted(listed) == sorted(
        HOME.pages_url + entry + ".html" for entry in toc_files()
    )
    robots = (built_site / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {HOME.pages_url}sitemap.xml" in robots.splitlines()


def test_every_page_carries_card_metadata_and_the_license(built_site):
    for entry in toc_files():
        html = (built_site / f"{entry}.html").read_text(encoding="utf-8")
        meta = dict(
            re.findall(
                r'<meta (?:property|name)="((?:og|twitter):[\w:]+)" content="([^"]*)"',
                html,
            )
        )
        assert meta.get("og:url") == f"{HOME.pages_url}{entry}.html", entry
        assert meta.get("og:image") == f"{HOME.pages_url}_static/preview.png", entry
        assert meta.get("og:title") and meta.get("og:image:alt"), entry
        assert meta.get("twitter:card") == "summary_large_image", entry
        assert "creativecommons.org/licenses/by/4.0" in html, (
            f"{entry}: the footer does not name the license"
        )
    assert (built_site / "_static" / "preview.png").is_file()


def test_site_has_a_404_page_that_works_from_any_depth(built_site):
    page = (built_site / "404.html").read_text(encoding="utf-8")
    assert "Page not found" in page
    # GitHub Pages serves it for a missing page at any depth: its links are absolute.
    prefix = HOME.pages_prefix
    assert f'href="{prefix}_static/' in page
    assert not re.search(r'(?:href|src)="(?:\.\./|_static/)', page), (
        "a relative link breaks below the root"
    )
