"""Check-your-understanding questions that work with a kernel and without one.

The questions are data, one YAML file per chapter in ``gdlab/questions/``
(shipped with the package, so Colab, which installs gdlab and opens only the
notebook, has them too). ``quiz("03", "critical-rate", value=lr_crit)``
renders one or more of a chapter's questions as a single ``text/html``
output: a native form (a ``<fieldset>`` of radio buttons, or a number field
with its tolerance stated), a Check button, a feedback line that screen
readers announce, its own scoped styles and a small inline script
(``quiz.js``). The same stored output works on the website, in JupyterLab
once the cell has run and in Colab; nothing is fetched from anywhere.

A numeric answer is never typed into the question file: the chapter passes
the number it computed (``value=...``), and the output stores it rounded to
the question's ``format``, so the stored output does not depend on the last
bits of a CPU's arithmetic. Ids in the HTML are derived from the chapter and
question ids, so running a chapter twice gives byte-identical outputs.
"""

from __future__ import annotations

import html
import json
import math
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources

from .i18n import _same, translator

__all__ = [
    "Question",
    "Quiz",
    "chapters",
    "load_chapter",
    "quiz",
    "site_assets",
    "without_inline_assets",
]

TITLE = "Check your understanding"
NOTE = "Run this cell to check your answers here: the Check button needs its script."
YOUR_ANSWER = "Your answer"
CHECK = "Check"
WITHIN_RELATIVE = "Answers within {percent}% count."
WITHIN_ABSOLUTE = "Answers within ±{error} count."
NUMBER_HINT = "(a number; {tolerance})"
# The words quiz.js says (its ENGLISH); another language's go in data-words.
WORDS = {
    "choose": "Choose an answer, then press Check.",
    "type": "Type a number, such as 0.25 or 2.5e-3, then press Check.",
    "right": "Right.",
    "wrong": "Not yet.",
    "again": "Try again.",
    "done": "\u2713 Answered right ({done} of {all} in this chapter, in this browser).",
}


def ui_texts() -> list[str]:
    """Every fixed English text a quiz shows, for the translators' catalogue."""
    return [
        TITLE,
        NOTE,
        YOUR_ANSWER,
        CHECK,
        WITHIN_RELATIVE,
        WITHIN_ABSOLUTE,
        NUMBER_HINT,
        *WORDS.values(),
    ]


ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


# -- The question files -------------------------------------------------------
@dataclass
class Option:
    text: str
    explanation: str
    right: bool = False


@dataclass
class Question:
    chapter: str
    id: str
    prompt: str
    options: list[Option] = field(default_factory=list)
    # Numeric questions: the tolerance, how the computed value is shown, and
    # what the reader is told when right, too high or too low.
    tolerance: dict | None = None
    format: str = ".4g"
    right: str = ""
    high: str = ""
    low: str = ""

    @property
    def numeric(self) -> bool:
        return self.tolerance is not None

    @property
    def dom_id(self) -> str:
        return f"gdlab-q-{self.chapter}-{self.id}"

    def allowed_error(self, value: float) -> float:
        """How far an answer may be from ``value`` and still count."""
        tol = self.tolerance or {}
        return max(
            float(tol.get("absolute", 0.0)),
            float(tol.get("relative", 0.0)) * abs(value),
        )

    def tolerance_text(self, tr=_same) -> str:
        tol = self.tolerance or {}
        if "relative" in tol:
            return tr(WITHIN_RELATIVE).replace(
                "{percent}", f"{float(tol['relative']) * 100:g}"
            )
        return tr(WITHIN_ABSOLUTE).replace("{error}", f"{float(tol['absolute']):g}")


def _question(chapter: str, raw: dict) -> Question:
    qid = raw.get("id", "")
    if not ID_RE.match(str(qid)):
        raise ValueError(
            f"chapter {chapter}: bad question id {qid!r} (lower-case words joined by '-')"
        )
    where = f"chapter {chapter}, question {qid}"
    if not str(raw.get("prompt", "")).strip():
        raise ValueError(f"{where}: no prompt")
    if "answer" in raw:
        answer = raw["answer"] or {}
        if "value" in answer:
            raise ValueError(
                f"{where}: a numeric answer is computed by the chapter (value=...), never typed in the file"
            )
        tol = answer.get("tolerance")
        if not isinstance(tol, dict) or not ({"absolute", "relative"} & tol.keys()):
            raise ValueError(
                f"{where}: a numeric answer needs a tolerance (absolute: or relative:)"
            )
        for key in ("right", "high", "low"):
            if not str(raw.get(key, "")).strip():
                raise ValueError(f"{where}: a numeric question needs '{key}:' feedback")
        return Question(
            chapter,
            qid,
            raw["prompt"].strip(),
            tolerance=dict(tol),
            format=answer.get("format", ".4g"),
            right=raw["right"].strip(),
            high=raw["high"].strip(),
            low=raw["low"].strip(),
        )
    options = []
    for o in raw.get("options") or []:
        if (
            not str(o.get("text", "")).strip()
            or not str(o.get("explanation", "")).strip()
        ):
            raise ValueError(f"{where}: every option needs text and an explanation")
        options.append(
            Option(
                str(o["text"]).strip(),
                str(o["explanation"]).strip(),
                bool(o.get("right", False)),
            )
        )
    if len(options) < 2:
        raise ValueError(
            f"{where}: a multiple-choice question needs at least two options"
        )
    if sum(o.right for o in options) != 1:
        raise ValueError(f"{where}: exactly one option must be right")
    return Question(chapter, qid, raw["prompt"].strip(), options=options)


def _files() -> dict[str, str]:
    """Chapter number -> the file name of its questions."""
    folder = resources.files("gdlab").joinpath("questions")
    return {
        f.name.split("_", 1)[0]: f.name
        for f in folder.iterdir()
        if f.name.endswith(".yml") and f.name[:2].isdigit()
    }


def chapters() -> list[str]:
    """The chapters that have questions ("01", "02", ...)."""
    return sorted(_files())


@cache
def load_chapter(chapter: str) -> dict[str, Question]:
    """The chapter's questions by id, in the order of its file."""
    import yaml

    files = _files()
    if chapter not in files:
        raise KeyError(
            f"no questions for chapter {chapter!r} (there are {', '.join(sorted(files))})"
        )
    text = (
        resources.files("gdlab")
        .joinpath("questions", files[chapter])
        .read_text(encoding="utf-8")
    )
    data = yaml.safe_load(text)
    if str(data.get("chapter")) != chapter:
        raise ValueError(f"{files[chapter]} says chapter {data.get('chapter')!r}")
    questions: dict[str, Question] = {}
    for raw in data.get("questions") or []:
        q = _question(chapter, raw)
        if q.id in questions:
            raise ValueError(f"chapter {chapter}: question id {q.id!r} used twice")
        questions[q.id] = q
    return questions


# -- HTML ---------------------------------------------------------------------
_CODE = re.compile(r"`([^`]+)`")


def inline(text: str) -> str:
    """Plain text to HTML: escaped, with `code` spans."""
    return _CODE.sub(
        lambda m: f"<code>{m.group(1)}</code>", html.escape(text, quote=False)
    )


def plain(text: str) -> str:
    return _CODE.sub(lambda m: m.group(1), text)


@lru_cache(maxsize=1)
def quiz_js() -> str:
    """quiz.js as it travels in every output: without comments and indentation.

    A page holds several quiz outputs and each carries the script, so its
    comments are left in the file. Lines stay lines (no reliance on
    semicolons being where a minifier would want them).
    """
    js = resources.files("gdlab").joinpath("quiz.js").read_text(encoding="utf-8")
    js = re.sub(r"/\*.*?\*/", "", js, flags=re.S)
    lines = (
        re.sub(r"(^|[;{,])\s*//.*$", r"\1", line).strip() for line in js.splitlines()
    )
    return "\n".join(line for line in lines if line)


# Scoped to .gdlab-quiz. Colours come from the page: the quiz inherits the
# text colour of wherever it is shown (the website in either mode,
# JupyterLab's themes, Colab) and draws its lines in that colour, so it is
# readable wherever its host is. The theme of the website puts every HTML
# output on a light card in dark mode; the last rule takes the card away
# from a quiz (the quiz follows the page instead).
CSS = """
.gdlab-quiz{margin:.75rem 0;max-width:40rem;color:inherit;font:inherit;line-height:1.5;overflow-wrap:anywhere}
.gdlab-quiz *{box-sizing:border-box}
.gdlab-quiz .gdlab-q{margin:0 0 1rem;padding:.5rem .75rem .75rem;border:1px solid;border-color:color-mix(in srgb,currentColor 35%,transparent);border-radius:.375rem}
.gdlab-quiz fieldset{margin:0;padding:0;border:0;min-width:0}
.gdlab-quiz legend{padding:0;margin:0 0 .5rem;font-weight:normal;font-size:inherit;width:100%}
.gdlab-quiz .gdlab-q-kicker{display:block;font-size:.85em;font-weight:bold;letter-spacing:.02em}
.gdlab-quiz .gdlab-q-option{display:flex;gap:.5rem;align-items:baseline;margin:.25rem 0;padding:.25rem .25rem;border-radius:.25rem;cursor:pointer}
.gdlab-quiz .gdlab-q-option:hover{background:color-mix(in srgb,currentColor 8%,transparent)}
.gdlab-quiz .gdlab-q-option input{flex:none;margin:0;width:1.1em;height:1.1em;transform:translateY(.15em)}
.gdlab-quiz label.gdlab-q-number{display:block;margin:.25rem 0}
.gdlab-quiz input[type=text]{font:inherit;color:inherit;background:transparent;border:1px solid currentColor;border-radius:.25rem;padding:.25rem .5rem;width:12rem;max-width:100%}
.gdlab-quiz .gdlab-q-tol{display:block;font-size:.9em}
.gdlab-quiz button{font:inherit;color:inherit;background:transparent;border:1px solid currentColor;border-radius:.25rem;padding:.25rem 1rem;margin-top:.5rem;cursor:pointer}
.gdlab-quiz button:disabled{cursor:not-allowed;opacity:.6}
.gdlab-quiz code{font-size:.9em;overflow-wrap:anywhere}
.gdlab-quiz .gdlab-q-feedback{margin:.5rem 0 0;padding-left:.5rem;border-left:4px solid transparent}
.gdlab-quiz .gdlab-q-feedback:empty{display:none}
.gdlab-quiz .gdlab-q-feedback[data-state=right]{border-left-color:var(--pst-color-success,var(--jp-success-color1,#2e7d32))}
.gdlab-quiz .gdlab-q-feedback[data-state=wrong]{border-left-color:var(--pst-color-danger,var(--jp-error-color1,#c62828))}
.gdlab-quiz .gdlab-q-done{font-size:.9em;margin:.25rem 0 0}
.gdlab-quiz .gdlab-q-note{font-size:.9em;margin:0 0 .5rem}
html[data-theme] body .bd-content div.cell_output div.text_html:has(>.gdlab-quiz){background:none;padding:0;color:inherit}
""".strip()


def _fmt(q: Question, value: float) -> str:
    return format(value, q.format)


def question_html(q: Question, value: float | None = None, tr=_same) -> str:
    """One question's form; ``tr`` translates each text (see ``translator``)."""
    qid = q.dom_id
    kicker = f'<span class="gdlab-q-kicker">{html.escape(tr(TITLE))}</span>'
    if q.numeric:
        if value is None or not math.isfinite(value):
            raise ValueError(
                f"chapter {q.chapter}, question {q.id}: pass the chapter's computed value (value=...)"
            )
        shown = _fmt(q, value)
        rounded = float(shown)
        data = {
            "kind": "number",
            "value": rounded,
            "error": float(format(q.allowed_error(rounded), ".3g")),
            # Shown with a typographic minus, as the prompts write it.
            "right": inline(
                tr(q.right).replace("{value}", shown.replace("-", "\u2212"))
            ),
            "high": inline(tr(q.high)),
            "low": inline(tr(q.low)),
        }
        body = (
            f'<fieldset><legend id="{qid}-prompt">{kicker}{inline(tr(q.prompt))}</legend>'
            f'<label class="gdlab-q-number" for="{qid}-answer">{html.escape(tr(YOUR_ANSWER))}'
            f'<span class="gdlab-q-tol">{html.escape(q.tolerance_text(tr))}</span></label>'
            # No inputmode="decimal": phones' decimal pads may lack a minus sign.
            f'<input type="text" id="{qid}-answer" name="{qid}" '
            f'autocomplete="off" spellcheck="false"></fieldset>'
        )
    else:
        data = {
            "kind": "choice",
            "answer": next(i for i, o in enumerate(q.options) if o.right),
            "explanations": [inline(tr(o.explanation)) for o in q.options],
        }
        options = "".join(
            f'<label class="gdlab-q-option" for="{qid}-o{i}">'
            f'<input type="radio" id="{qid}-o{i}" name="{qid}" value="{i}">'
            f"<span>{inline(tr(o.text))}</span></label>"
            for i, o in enumerate(q.options)
        )
        body = f'<fieldset><legend id="{qid}-prompt">{kicker}{inline(tr(q.prompt))}</legend>{options}</fieldset>'
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
    return (
        f'<form class="gdlab-q" id="{qid}" data-qid="{q.id}">'
        f"{body}"
        f'<button type="button" disabled>{html.escape(tr(CHECK))}</button>'
        f'<p class="gdlab-q-feedback" id="{qid}-feedback" role="status" aria-live="polite"></p>'
        f'<script type="application/json" class="gdlab-q-data">{payload}</script>'
        "</form>"
    )


def quiz_html(
    chapter: str, questions: list[Question], values: dict[str, float], tr=None
) -> str:
    """The quiz output; ``tr`` translates its texts (default: the kernel's language)."""
    tr = tr or translator()
    every = list(load_chapter(chapter))
    forms = "".join(question_html(q, values.get(q.id), tr) for q in questions)
    words = ""
    if tr is not _same:
        own = {k: tr(v) for k, v in WORDS.items()}
        words = f' data-words="{html.escape(json.dumps(own, ensure_ascii=False))}"'
    return (
        f'<div class="gdlab-quiz" data-chapter="{html.escape(chapter)}" '
        f'data-all="{html.escape(" ".join(every))}"{words}>'
        f"<style>{CSS}</style>"
        f'<p class="gdlab-q-note"><small>{html.escape(tr(NOTE))}</small></p>'
        f"{forms}"
        f"<script>{quiz_js()}</script>"
        "</div>"
    )


# -- For a website that serves the assets once ----------------------------------
# Every quiz output carries its styles and script, so that it works alone in
# a notebook. A website with several quizzes per page can serve them once
# instead: take them out of each output with ``without_inline_assets`` and
# give the page ``site_assets()`` as files (a stylesheet, and the script with
# ``defer``: loaded once, quiz.js starts every quiz on the page).
SITE_CSS = "gdlab-quiz.css"
SITE_JS = "gdlab-quiz.js"


def site_assets() -> dict[str, str]:
    """File name -> content of the quiz's stylesheet and script."""
    return {SITE_CSS: CSS + "\n", SITE_JS: quiz_js() + "\n"}


def without_inline_assets(page: str) -> str:
    """``page`` with every quiz output's own styles, script and
    run-this-cell note taken out (the page must then load ``site_assets``)."""
    for piece in (f"<style>{CSS}</style>", f"<script>{quiz_js()}</script>"):
        page = page.replace(piece, "")
    # The run-this-cell note, in whichever language it was written.
    return re.sub(r'<p class="gdlab-q-note"><small>[^<]*</small></p>', "", page)


def quiz_text(questions: list[Question], values: dict[str, float], tr=None) -> str:
    tr = tr or translator()
    lines = []
    for q in questions:
        lines.append(f"{tr(TITLE)}: {plain(tr(q.prompt))}")
        if q.numeric:
            lines.append(
                "  " + tr(NUMBER_HINT).replace("{tolerance}", q.tolerance_text(tr))
            )
        for i, o in enumerate(q.options):
            lines.append(f"  {chr(ord('a') + i)}) {plain(tr(o.text))}")
    return "\n".join(lines)


class Quiz:
    """One or more of a chapter's questions, shown as one output."""

    def __init__(
        self, chapter: str, questions: list[Question], values: dict[str, float]
    ):
        self.chapter = chapter
        self.questions = questions
        self.values = values

    def __repr__(self) -> str:
        return quiz_text(self.questions, self.values)

    def _repr_html_(self) -> str:
        return quiz_html(self.chapter, self.questions, self.values)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/html": self._repr_html_(), "text/plain": repr(self)}


def quiz(chapter: str, *ids: str, value: float | None = None) -> Quiz:
    """The chapter's questions ``ids`` (all of them if none is named).

    ``value`` is the chapter's computed answer to the one numeric question
    among them; it is required for a numeric question and refused otherwise.
    """
    chapter = f"{int(chapter):02d}" if str(chapter).isdigit() else str(chapter)
    bank = load_chapter(chapter)
    names = list(ids) or list(bank)
    unknown = [i for i in names if i not in bank]
    if unknown:
        raise KeyError(
            f"chapter {chapter} has no question {', '.join(map(repr, unknown))}"
        )
    questions = [bank[i] for i in names]
    numeric = [q for q in questions if q.numeric]
    values: dict[str, float] = {}
    if value is not None:
        if len(numeric) != 1:
            raise ValueError(
                "value= answers exactly one numeric question: name it alone or with multiple-choice ones"
            )
        values[numeric[0].id] = float(value)
    elif numeric:
        raise ValueError(
            f"question {numeric[0].id!r} needs the chapter's computed answer: value=..."
        )
    return Quiz(chapter, questions, values)
