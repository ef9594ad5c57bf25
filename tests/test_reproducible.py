"""`make execute` is a function of the source: a re-run stores the same bytes."""

import re
import shutil
import sys

import pytest
from book import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import execute  # noqa: E402

# The quickest chapter to run; the others are held to the same code path.
CHAPTER = ROOT / "chapters" / "02_gradients_by_hand.ipynb"


# Pixels may differ in a last bit from CPU to CPU; every other byte may not.
def without_images(text: str) -> str:
    text = re.sub(r'"image/png": "[^"]*"', '"image/png": "<png>"', text)
    return re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "data:<png>", text)


@pytest.mark.slow
def test_re_executing_a_chapter_gives_the_stored_bytes(tmp_path):
    copy = tmp_path / CHAPTER.name
    shutil.copy(CHAPTER, copy)
    execute.execute(copy)
    stored = without_images(CHAPTER.read_text(encoding="utf-8"))
    fresh = without_images(copy.read_text(encoding="utf-8"))
    if fresh != stored:
        diff = [
            f"line {i}: stored {a!r}\n        fresh  {b!r}"
            for i, (a, b) in enumerate(zip(stored.splitlines(), fresh.splitlines()))
            if a != b
        ]
        pytest.fail(
            f"{CHAPTER.name} re-executed differs from the stored file "
            f"(run `make execute`):\n" + "\n".join(diff[:10])
        )


def test_the_image_filter_keeps_everything_else():
    stored = '"image/png": "iVBOR1", "text/plain": "w = 1.0", <img src="data:image/png;base64,AAA=">'
    fresh = '"image/png": "iVBOR2", "text/plain": "w = 1.0", <img src="data:image/png;base64,BBB=">'
    assert without_images(stored) == without_images(fresh)
    assert without_images(stored) != without_images(
        stored.replace("w = 1.0", "w = 1.1")
    )
