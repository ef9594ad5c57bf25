"""Move the book to another GitHub repository, or bring every address in line.

    python tools/retarget.py [--repo OWNER/NAME] [--branch BRANCH] [--root DIR]

(`make retarget REPO=owner/name [BRANCH=...]` runs it.) The repository's
address is written in one place, `repository:` in `_config.yml`; the release
that Colab installs `gdlab` at is `v` + the version in `pyproject.toml`. This
script carries both everywhere else they appear:

* `_config.yml`: `repository.url` and `repository.branch`, and the site's
  GitHub Pages address (`html_baseurl`, `ogp_site_url`, `notfound_urls_prefix`);
* every chapter notebook: cell 0, the Colab badge, is rendered from
  `tools/colab_badge.md.template` with the notebook's own path, and the first
  block of cell 1 (through its `if "google.colab" ...:` block) from
  `tools/colab_setup.py.template`; the rest of cell 1 is the chapter's own;
* every other text file in the tree (README, CITATION.cff, robots.txt, the
  chapters' prose...): links to the old repository (GitHub, Colab, Binder,
  `git+` installs) and to its Pages site are rewritten to the new one;
  CITATION.cff's version follows pyproject.toml.

Without --repo or --branch it keeps the current ones, so after a version bump
`make retarget` alone re-renders the setup cells with the new release. It
uses the standard library only, and writes a file only when it changes.
"""

from __future__ import annotations

import argparse
import json
import re
import string
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
SETUP_TEMPLATE = HERE / "colab_setup.py.template"
BADGE_TEMPLATE = HERE / "colab_badge.md.template"

NAME = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9_])?"
REPO_RE = re.compile(
    rf"^(?P<owner>[A-Za-z0-9](?:[A-Za-z0-9-]{{0,38}}))/(?P<name>{NAME})$"
)
BRANCH_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")

# Folders that are not the book's own text: environments, builds, caches.
SKIP_DIRS = {
    ".git",
    ".venv",
    "_build",
    "node_modules",
    "__pycache__",
    ".ipynb_checkpoints",
    ".pytest_cache",
    ".ruff_cache",
}
# Third-party text that names other people's repositories, never ours.
SKIP_FILES = {"package-lock.json"}
# The templates hold placeholders, not addresses.
TEMPLATES = {SETUP_TEMPLATE.name, BADGE_TEMPLATE.name}


@dataclass(frozen=True)
class Target:
    repo: str  # owner/name
    branch: str
    release: str  # the tag Colab installs gdlab from: v<version>

    @property
    def owner(self) -> str:
        return self.repo.split("/")[0]

    @property
    def name(self) -> str:
        return self.repo.split("/")[1]

    @property
    def url(self) -> str:
        return f"https://github.com/{self.repo}"

    @property
    def pages_url(self) -> str:
        """Where GitHub Pages serves the site (a user site for OWNER/OWNER.github.io)."""
        host = f"{self.owner.lower()}.github.io"
        if self.name.lower() == host:
            return f"https://{host}/"
        return f"https://{host}/{self.name}/"

    @property
    def pages_prefix(self) -> str:
        return "/" + self.pages_url.split("/", 3)[3]


def check_repo(repo: str) -> str:
    if not REPO_RE.match(repo):
        raise SystemExit(
            f"retarget: {repo!r} is not OWNER/NAME (as in https://github.com/OWNER/NAME)"
        )
    return repo


def check_branch(branch: str) -> str:
    if not BRANCH_RE.match(branch) or ".." in branch:
        raise SystemExit(f"retarget: {branch!r} is not a branch name")
    return branch


# -- Reading the one place the address lives -------------------------------------


def config_value(text: str, key: str, block: str | None = None) -> str:
    """The value of `key:` in _config.yml (inside the top-level `block:` if given)."""
    return _key_match(text, key, block).group("value").strip().strip('"').strip("'")


def _block_span(text: str, block: str | None) -> tuple[int, int]:
    """Where the top-level `block:` section of _config.yml runs (all of it if None)."""
    if block is None:
        return 0, len(text)
    m = re.search(rf"^{re.escape(block)}:[ \t]*(?:#.*)?$", text, re.M)
    if not m:
        raise SystemExit(f"retarget: _config.yml has no `{block}:` section")
    following = re.compile(r"^[^\s#]", re.M).search(text, m.end())
    return m.end(), following.start() if following else len(text)


def _key_match(text: str, key: str, block: str | None) -> re.Match:
    start, stop = _block_span(text, block)
    pattern = re.compile(
        rf"^(?P<head>[ \t]+{re.escape(key)}:[ \t]*)(?P<value>[^#\n]*?)(?P<tail>[ \t]*(?:#.*)?)$",
        re.M,
    )
    found = list(pattern.finditer(text, start, stop))
    where = f"`{block}:`" if block else "_config.yml"
    if len(found) != 1:
        raise SystemExit(
            f"retarget: expected one `{key}:` in {where}, found {len(found)}"
        )
    return found[0]


def set_config_value(text: str, key: str, value: str, block: str | None = None) -> str:
    m = _key_match(text, key, block)
    return text[: m.start("value")] + value + text[m.end("value") :]


def current(root: Path) -> Target:
    config = (root / "_config.yml").read_text(encoding="utf-8")
    url = config_value(config, "url", "repository").rstrip("/")
    if not url.startswith("https://github.com/"):
        raise SystemExit(
            f"retarget: repository.url in _config.yml is not a GitHub address: {url}"
        )
    branch = config_value(config, "branch", "repository")
    return Target(
        check_repo(url.removeprefix("https://github.com/")),
        check_branch(branch),
        release(root),
    )


def release(root: Path) -> str:
    """The release Colab installs gdlab at: the tag v<version of pyproject.toml>."""
    version = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))[
        "project"
    ]["version"]
    return f"v{version}"


# -- Rendering --------------------------------------------------------------------


def render(template: Path, target: Target, **extra: str) -> str:
    text = template.read_text(encoding="utf-8").rstrip("\n")
    return string.Template(text).substitute(
        repo=target.repo, branch=target.branch, release=target.release, **extra
    )


def setup_head(target: Target) -> str:
    head = render(SETUP_TEMPLATE, target)
    assert split_setup(head) == (head, ""), (
        'the setup template must end with its `if "google.colab" ...:` block'
    )
    return head


def badge(target: Target, path: str) -> str:
    return render(BADGE_TEMPLATE, target, path=path)


def split_setup(source: str) -> tuple[str, str]:
    """Split cell 1 into its Colab block and the chapter's own lines.

    The Colab block runs from the top of the cell to the end of its
    `if "google.colab" in sys.modules:` block; the chapter's imports follow
    after a blank line. A cell without such a block is all the chapter's.
    """
    lines = source.split("\n")
    for i, line in enumerate(lines):
        if line.startswith("if ") and "google.colab" in line:
            end = i + 1
            while end < len(lines) and lines[end].startswith((" ", "\t")):
                end += 1
            return "\n".join(lines[:end]), "\n".join(lines[end:]).lstrip("\n")
    return "", source


# -- Rewriting text ---------------------------------------------------------------


def rewrite_links(text: str, old: Target, new: Target) -> str:
    """Point every link to the old repository (and its Pages site) at the new one."""
    if old.repo != new.repo or old.branch != new.branch:
        end = r"(?![A-Za-z0-9_.-])"
        repo = re.escape(old.repo)
        # A branch inside a GitHub, Colab or Binder link to the repository.
        text = re.sub(
            rf"((?:github\.com|/github)/{repo}/(?:blob|tree|edit|raw)/){re.escape(old.branch)}(?=/)",
            rf"\g<1>{new.branch}",
            text,
            flags=re.I,
        )
        text = re.sub(
            rf"(/gh/{repo}/){re.escape(old.branch)}(?=[/?#\s)\"'<]|$)",
            rf"\g<1>{new.branch}",
            text,
            flags=re.I | re.M,
        )
        # The repository itself, in the links that name it: github.com/...
        # (git+https:// installs too), Colab's .../github/..., Binder's
        # .../gh/... and raw.githubusercontent.com/... A bare OWNER/NAME in
        # prose is left alone; the tests report one if it names the old home.
        text = re.sub(
            rf"(?:(?<=github\.com/)|(?<=/github/)|(?<=/gh/)|(?<=githubusercontent\.com/)){repo}{end}",
            new.repo,
            text,
            flags=re.I,
        )
    if old.pages_url != new.pages_url:
        text = re.sub(
            re.escape(old.pages_url.rstrip("/")) + r"(?![A-Za-z0-9_.-])",
            new.pages_url.rstrip("/"),
            text,
            flags=re.I,
        )
    return text


def write_if_changed(path: Path, text: str, changed: list[Path]) -> None:
    if path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
        changed.append(path)


def retarget_config(root: Path, old: Target, new: Target, changed: list[Path]) -> None:
    path = root / "_config.yml"
    text = path.read_text(encoding="utf-8")
    text = set_config_value(text, "url", new.url, "repository")
    text = set_config_value(text, "branch", new.branch, "repository")
    for key, value in [
        ("html_baseurl", new.pages_url),
        ("ogp_site_url", new.pages_url),
        ("notfound_urls_prefix", new.pages_prefix),
    ]:
        if re.search(rf"^[ \t]+{key}:", text, re.M):
            text = set_config_value(text, key, value)
    text = rewrite_links(text, old, new)
    write_if_changed(path, text, changed)


def chapter_notebooks(root: Path) -> list[Path]:
    """The chapters of every edition: chapters/ and the Korean ko/chapters/."""
    return sorted((root / "chapters").glob("*.ipynb")) + sorted(
        (root / "ko" / "chapters").glob("*.ipynb")
    )


def as_source(text: str) -> list[str]:
    """A cell's source as nbformat stores it: one string per line."""
    return text.splitlines(keepends=True)


def retarget_notebook(
    root: Path, path: Path, old: Target, new: Target, changed: list[Path]
) -> None:
    raw = path.read_text(encoding="utf-8")
    nb = json.loads(raw)
    cells = nb["cells"]
    rel = path.relative_to(root).as_posix()
    if (
        len(cells) < 2
        or cells[0]["cell_type"] != "markdown"
        or cells[1]["cell_type"] != "code"
    ):
        raise SystemExit(
            f"retarget: {rel} must start with the badge cell (markdown, tagged remove-cell) "
            "and the setup cell (code): add them, and run this again to fill them in"
        )
    cells[0]["source"] = as_source(badge(new, rel))
    tags = cells[0].setdefault("metadata", {}).setdefault("tags", [])
    if "remove-cell" not in tags:
        tags.append("remove-cell")
    # The Colab block is the template's; the chapter's own lines stay as they are
    # (a setup cell without a Colab block gets one above them).
    _, rest = split_setup("".join(cells[1]["source"]))
    new_head = setup_head(new)
    cells[1]["source"] = as_source(new_head + ("\n\n" + rest if rest else ""))
    for cell in cells[2:]:
        source = "".join(cell["source"])
        updated = rewrite_links(source, old, new)
        if updated != source:
            cell["source"] = as_source(updated)
    # nbformat's own layout, so that an unchanged notebook stays byte for byte the same.
    text = json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    write_if_changed(path, text, changed)


def text_files(root: Path):
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(
            part in SKIP_DIRS or part.endswith(".egg-info") for part in rel.parts[:-1]
        ):
            continue
        if not path.is_file() or path.is_symlink() or rel.name in SKIP_FILES:
            continue
        if rel.parts[0] == "tools" and rel.name in TEMPLATES:
            continue
        data = path.read_bytes()
        if b"\0" in data:
            continue
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            continue
        yield path


def retarget(
    root: Path, repo: str | None = None, branch: str | None = None
) -> list[Path]:
    """Rewrite the tree at `root` for `repo` and `branch`; return the files changed."""
    root = root.resolve()
    old = current(root)
    new = Target(
        check_repo(repo) if repo else old.repo,
        check_branch(branch) if branch else old.branch,
        old.release,
    )
    changed: list[Path] = []
    retarget_config(root, old, new, changed)
    notebooks = set(chapter_notebooks(root))
    for path in notebooks:
        retarget_notebook(root, path, old, new, changed)
    citation = root / "CITATION.cff"
    for path in text_files(root):
        if path in notebooks or path == root / "_config.yml":
            continue
        text = rewrite_links(path.read_text(encoding="utf-8"), old, new)
        if path == citation:
            text = re.sub(
                r"^version:.*$",
                f'version: "{new.release.removeprefix("v")}"',
                text,
                flags=re.M,
            )
        write_if_changed(path, text, changed)
    return sorted(changed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--repo",
        help="OWNER/NAME of the GitHub repository (default: keep the current one)",
    )
    parser.add_argument(
        "--branch",
        help="the branch the launch links open (default: keep the current one)",
    )
    parser.add_argument(
        "--root",
        type=Path,
        default=HERE.parent,
        help="the book's folder (default: this one)",
    )
    args = parser.parse_args(argv)
    changed = retarget(args.root, args.repo or None, args.branch or None)
    target = current(args.root.resolve())
    print(
        f"{target.url} (branch {target.branch}, gdlab {target.release}, site {target.pages_url})"
    )
    for path in changed:
        print(f"  rewrote {path.relative_to(args.root.resolve())}")
    if not changed:
        print("  every file already agrees")
    return 0


if __name__ == "__main__":
    sys.exit(main())
