"""Lesson code a later chapter restates agrees with the earlier chapter, or says why not.

A chapter may write out again a small function from an earlier one (the
reader should not have to go back for `loss_fn`). Such a copy either is the
same code, or the chapter says in a sentence how and why it differs: in the
markdown just before or after the cell, or in a comment inside it, naming the function
in backticks (or the comment on its own line) with a word such as "unlike",
"differs", "instead" or "rewritten".
"""

import ast
import json
import re

import pytest
from book import chapter_notebooks

# The lesson's own functions, which chapters hand on to each other.
LESSON_FUNCTIONS = {
    "model",
    "loss_fn",
    "dloss_fn",
    "dmodel_dw",
    "dmodel_db",
    "grad_fn",
    "training_loop",
}
SAYS_WHY = re.compile(r"unlike|differ|instead|rewrit|replac|generali", re.I)


def source(cell) -> str:
    return (
        "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    )


def definitions(nb):
    """(name, normalized code, cell index) of each top-level lesson function, in order."""
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        code = "\n".join(
            line
            for line in source(cell).splitlines()
            if not line.lstrip().startswith(("%", "!"))
        )
        try:
            tree = ast.parse(code)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name in LESSON_FUNCTIONS:
                node.body = [s for s in node.body if not _is_docstring(s)]
                yield node.name, ast.dump(node), i


def _is_docstring(stmt) -> bool:
    return isinstance(stmt, ast.Expr) and isinstance(
        getattr(stmt, "value", None), ast.Constant
    )


def explained(nb, i: int, name: str) -> bool:
    cell = source(nb["cells"][i])
    comments = " ".join(re.findall(r"#(.*)", cell))
    around = [
        source(c)
        for c in nb["cells"][max(0, i - 1) : i + 2 : 2]
        if c["cell_type"] == "markdown"
    ]
    return bool(SAYS_WHY.search(comments) and name in comments) or any(
        SAYS_WHY.search(text) and f"`{name}`" in text for text in around
    )


def restatements():
    """For each chapter, its first definition of each function an earlier one defined."""
    earlier = {}  # name -> {code: chapter} of every definition so far
    found = []
    for path in chapter_notebooks():
        nb = json.loads(path.read_text(encoding="utf-8"))
        seen_here = set()
        for name, code, i in definitions(nb):
            if name in earlier and name not in seen_here:
                found.append((path, nb, i, name, code, dict(earlier[name])))
            seen_here.add(name)
            earlier.setdefault(name, {}).setdefault(code, path.name)
    return found


CASES = restatements()


def test_chapters_restate_lesson_functions():
    assert len(CASES) >= 5, "expected later chapters to restate model, loss_fn, ..."


@pytest.mark.parametrize(
    "path, nb, i, name, code, earlier",  # earlier: {code: chapter}
    CASES,
    ids=[f"{c[0].name[:2]}-{c[3]}" for c in CASES],
)
def test_a_restated_function_agrees_or_says_why(path, nb, i, name, code, earlier):
    assert code in earlier or explained(nb, i, name), (
        f"{path.name} cell {i} restates `{name}` from {', '.join(sorted(set(earlier.values())))} differently "
        "without saying so: make it the same, or say in a sentence how and why it differs"
    )
