"""The chapter notebooks are stored as a fresh run left them, and follow the book's conventions."""

import re

import pytest
from book import ROOT, chapter_notebooks, toc_files
from glossary_links import first_uses, glossary_terms

NOTEBOOKS = chapter_notebooks()
GLOSSARY = ROOT / "chapters" / "glossary.md"
ids = [p.name for p in NOTEBOOKS]


def code_cells(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def source(cell):
    return (
        "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    )


def text_of(output):
    if output["output_type"] == "stream":
        text = output["text"]
    else:
        text = output.get("data", {}).get("text/plain", "")
    return "".join(text) if isinstance(text, list) else text


def test_there_are_chapters():
    assert NOTEBOOKS, "no chapter notebooks found"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_executed_in_order_on_a_fresh_kernel(path, notebooks):
    counts = [c["execution_count"] for c in code_cells(notebooks[path])]
    assert counts == list(range(1, len(counts) + 1)), f"{path.name}: run `make execute`"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_no_errors_except_deliberate_ones(path, notebooks):
    for i, cell in enumerate(notebooks[path]["cells"]):
        errors = [o for o in cell.get("outputs", []) if o["output_type"] == "error"]
        if "raises-exception" in tags(cell):
            assert errors, (
                f"{path.name} cell {i} is tagged raises-exception but raised nothing"
            )
        else:
            assert not errors, f"{path.name} cell {i} stored an error"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_no_stray_warnings_or_stderr(path, notebooks):
    """stderr is allowed only where the warning is the lesson (tag: warning-is-lesson)."""
    for i, cell in enumerate(notebooks[path]["cells"]):
        if "warning-is-lesson" in tags(cell):
            continue
        for o in cell.get("outputs", []):
            assert not (o["output_type"] == "stream" and o["name"] == "stderr"), (
                f"{path.name} cell {i} wrote to stderr: {text_of(o)[:300]}"
            )
            assert "Warning" not in text_of(o), f"{path.name} cell {i} shows a warning"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_no_widget_state_stored(path, notebooks):
    """Stored widget state would make the website draw sliders with no kernel behind them."""
    assert "widgets" not in notebooks[path]["metadata"], (
        f"{path.name}: run `make execute`"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_no_execution_timestamps(path, notebooks):
    """Timestamps change on every run and would bury the real changes in a diff."""
    stamped = [
        i
        for i, c in enumerate(notebooks[path]["cells"])
        if "execution" in c.get("metadata", {})
    ]
    assert not stamped, (
        f"{path.name}: cells {stamped} carry timing metadata: run `make execute`"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_printed_text_is_one_stream_per_cell(path, notebooks):
    """How stdout is chunked depends on timing; make execute joins the chunks."""
    split = [
        i
        for i, c in enumerate(notebooks[path]["cells"])
        for a, b in zip(c.get("outputs", []), c.get("outputs", [])[1:])
        if a["output_type"] == b["output_type"] == "stream" and a["name"] == b["name"]
    ]
    assert not split, (
        f"{path.name}: cells {split} hold split streams: run `make execute`"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_live_widgets_are_not_compared_and_have_a_twin(path, notebooks):
    for i, cell in enumerate(notebooks[path]["cells"]):
        for o in cell.get("outputs", []):
            data = o.get("data", {})
            if "application/vnd.jupyter.widget-view+json" in data:
                assert "nbval-ignore-output" in tags(cell), f"{path.name} cell {i}"
                assert 'class="gdlab-twin"' in "".join(data.get("text/html", "")), (
                    f"{path.name} cell {i}: a live widget without its kernel-free twin"
                )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_every_figure_has_alt_text(path, notebooks):
    for i, cell in enumerate(notebooks[path]["cells"]):
        if any("image/png" in o.get("data", {}) for o in cell.get("outputs", [])):
            alt = cell["metadata"].get("mystnb", {}).get("image", {}).get("alt", "")
            assert len(alt) > 20, f"{path.name} cell {i}: figure without alt text"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_outline(path, notebooks):
    """One `#` title; overview, summary, exercises and what's next sections."""
    md = "\n".join(
        source(c) for c in notebooks[path]["cells"] if c["cell_type"] == "markdown"
    )
    md = re.sub(r"```.*?```", "", md, flags=re.S)
    titles = re.findall(r"^# \S.*$", md, flags=re.M)
    assert len(titles) == 1, f"{path.name}: {titles}"
    for section in ("## Summary", "## Exercises", "## What's next"):
        assert section in md, f"{path.name} lacks {section}"
    assert "After this chapter you will be able to" in md


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_solutions_are_hidden_everywhere(path, notebooks):
    """Hidden on the website (hide-cell, toggled by "Show solution"), in JupyterLab
    (source_hidden) and in Colab (form view), and silent: no stored output
    gives the answer away before the reader asks for it."""
    solutions = [
        (i, c)
        for i, c in enumerate(notebooks[path]["cells"])
        if c["cell_type"] == "code" and source(c).startswith("# Solution")
    ]
    assert solutions, f"{path.name}: no solution cells"
    for i, cell in solutions:
        assert {"hide-cell", "solution"} <= set(tags(cell)), f"{path.name} cell {i}"
        assert cell["metadata"].get("jupyter", {}).get("source_hidden"), (
            f"{path.name} cell {i}"
        )
        assert cell["metadata"].get("cellView") == "form", f"{path.name} cell {i}"
        assert not cell.get("outputs"), (
            f"{path.name} cell {i}: a solution shows its output"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_every_exercise_check_is_tested_with_a_wrong_answer_and_the_solution(
    path, notebooks
):
    """nbval runs the tests-of-the-checks cell, which asserts each check says
    "not yet" to wrong answers and "right" to the solution."""
    cells = notebooks[path]["cells"]
    checks = sorted(
        set(
            re.findall(
                r"^def (check_exercise_\w+)\(",
                "\n".join(source(c) for c in cells if c["cell_type"] == "code"),
                flags=re.M,
            )
        )
    )
    assert checks, f"{path.name}: no exercise checks"
    tests = [c for c in cells if source(c).startswith("# Tests of the exercise checks")]
    assert len(tests) == 1, f"{path.name}: one tests-of-the-checks cell expected"
    test = tests[0]
    assert "remove-cell" in tags(test) and not test.get("outputs"), path.name
    body = source(test)
    for check in checks:
        n = check.removeprefix("check_exercise_")
        # Each check meets its solution and at least one wrong answer (nbval
        # runs the cell, so its asserts hold); a table of cases is fine.
        assert re.search(rf"\bsolution_{n}\b", body), (
            f"{path.name}: {check} not fed its solution"
        )
        assert len(re.findall(rf"\b{check}\b", body)) >= 2, (
            f"{path.name}: {check} is not fed a wrong answer as well as its solution"
        )
        assert not re.search(rf"\bmy_answer_{n}\b", body), (
            f"{path.name}: the test of {check} must use literal wrong answers, "
            "not the reader's my_answer"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_interactive_figures_ask_first_and_fold_their_code(path, notebooks):
    cells = notebooks[path]["cells"]
    figures = [
        i
        for i, c in enumerate(cells)
        if c["cell_type"] == "code" and "explore(" in source(c)
    ]
    assert figures, f"{path.name}: no interactive figure"
    for i in figures:
        before = [c for c in cells[max(0, i - 2) : i] if c["cell_type"] == "markdown"]
        assert any(
            source(c).lstrip().startswith("**Predict first.**") for c in before
        ), f"{path.name} cell {i}: no predict-first prompt just before the figure"
        assert "hide-input" in tags(cells[i]), (
            f"{path.name} cell {i}: plotting code not folded"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_checking_code_is_out_of_the_way(path, notebooks):
    """Verification that is not the lesson sits in removed, silent cells."""
    for i, cell in enumerate(notebooks[path]["cells"]):
        if cell["cell_type"] == "code" and source(cell).startswith(
            ("# Check:", "# Tests of")
        ):
            assert "remove-cell" in tags(cell), f"{path.name} cell {i}"
            assert cell["metadata"].get("jupyter", {}).get("source_hidden"), (
                f"{path.name} cell {i}"
            )
            assert not cell.get("outputs"), f"{path.name} cell {i} prints"


def test_toc_and_chapters_agree():
    listed = toc_files()
    for entry in listed:
        matches = list(ROOT.glob(entry + ".*"))
        assert matches, f"_toc.yml names {entry}, which does not exist"
    for path in NOTEBOOKS:
        entry = str(path.relative_to(ROOT).with_suffix(""))
        assert entry in listed, f"{path.name} is missing from _toc.yml"


def test_chapter_files_are_numbered_in_reading_order():
    listed = [
        f
        for f in toc_files()
        if f.startswith("chapters/") and re.match(r"chapters/\d\d_", f)
    ]
    assert listed == sorted(listed)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_first_use_of_each_glossary_term_links_to_it(path, notebooks):
    """A reader meeting a term for the first time in a chapter can look it up (glossary.md)."""
    terms = glossary_terms(GLOSSARY)
    assert len(terms) > 20, "the glossary's terms were not found"
    cells = [
        (i, source(c))
        for i, c in enumerate(notebooks[path]["cells"])
        if c["cell_type"] == "markdown" and i > 0  # cell 0 is the Colab badge
    ]
    unlinked = [
        f"{term!r} (cell {i}: ...{text[max(0, s - 30) : e + 30]!r}...)"
        for term, (i, s, e, linked) in first_uses(cells, terms).items()
        if not linked
        for text in [dict(cells)[i]]
    ]
    assert not unlinked, (
        f"{path.name}: first uses without a {{term}} link: " + "; ".join(unlinked)
    )
