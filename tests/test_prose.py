"""The prose says what the code computed, and the glossary serves both languages."""

import json
import re

import pytest
from book import ROOT, chapter_notebooks
from glossary_links import NOT_PROSE, glossary_entries

NOTEBOOKS = chapter_notebooks()
GLOSSARY = ROOT / "chapters" / "glossary.md"

# A number the prose states that carries three or more significant digits:
# 3.96, 0.006331, 4517.3, 3.399e-4, 1.941e+10. Fewer digits (0.1, 1e-4, 2.5)
# are round values a sentence may choose, not results it reports.
DECIMAL = re.compile(r"(?<![\w.])-?\d+\.\d+(?:e[-+]?\d+)?(?![\w.])")

# Decimals a chapter may state without printing them: none yet. A typed-in
# value is allowed when the notebook's own code holds it literally (the data
# and the settings a chapter chooses), since then the prose quotes the code.
NOT_COMPUTED: dict[str, set[str]] = {}


def significant_digits(number: str) -> int:
    mantissa = number.lstrip("-").split("e")[0].replace(".", "").lstrip("0")
    return len(mantissa)


def prose_decimals(markdown: str) -> list[str]:
    prose = NOT_PROSE.sub(" ", markdown)
    return [n for n in DECIMAL.findall(prose) if significant_digits(n) >= 3]


def text(value) -> str:
    return "".join(value) if isinstance(value, list) else value


def outputs_and_code(nb) -> str:
    parts = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        parts.append(text(cell["source"]))
        for out in cell.get("outputs", []):
            if out["output_type"] == "stream":
                parts.append(text(out["text"]))
            else:
                parts.append(text(out.get("data", {}).get("text/plain", "")))
    return "\n".join(parts)


def appears(number: str, haystack: str) -> bool:
    """The number, written the same way, not as part of a longer one."""
    variants = {number}
    if "e" in number:  # 3.399e-4 is printed 3.399e-04
        mant, exp = number.split("e")
        sign = exp[0] if exp[0] in "+-" else "+"
        variants.add(f"{mant}e{sign}{int(exp.lstrip('+-')):02d}")
    return any(
        re.search(rf"(?<![\d.]){re.escape(v)}(?![\d])", haystack) for v in variants
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_numbers_in_the_prose_come_from_the_computation(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    computed = outputs_and_code(nb)
    allowed = NOT_COMPUTED.get(path.name, set())
    typed = []
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "markdown" or i == 0:
            continue
        for number in prose_decimals(text(cell["source"])):
            if number not in allowed and not appears(number, computed):
                typed.append(f"{number} (cell {i})")
    assert not typed, (
        f"{path.name}: the prose states numbers no output of the notebook prints: "
        + ", ".join(typed)
        + ". Print them where they are computed, or round them as the output does."
    )


def test_the_number_finder_sees_what_it_should():
    found = prose_decimals(
        "A rate of 0.1 or 1e-4 is a choice; 3.399e-4 and 4517.3 are results, "
        "but `4517.3` in code and $3.399$ in math are not prose."
    )
    assert found == ["3.399e-4", "4517.3"]
    assert appears("3.399e-4", "critical learning rate 2 / lambda_max = 3.399e-04")
    assert not appears("3.399", "13.3991")


def test_every_glossary_entry_carries_its_korean_term():
    entries = glossary_entries(GLOSSARY)
    assert len(entries) > 40, "the glossary's entries were not found"
    # The Korean term comes first, up to the first period: "편향. The parameter ..."
    # (a name kept in Latin letters carries its Hangul reading: "RMSprop (알엠에스프롭).").
    missing = [
        term
        for term, definition in entries
        if not re.search(r"[\uac00-\ud7a3]", definition.split(".")[0])
    ]
    assert not missing, f"glossary entries without their Korean term: {missing}"
