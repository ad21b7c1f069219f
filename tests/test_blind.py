"""Blind sets (tests/data/blind/README.md): copies of whole pages and saved pages in the styles of
Arabic news sites, with the headline and subheadings their writers expected."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsaudio.reading.load import load_article

BLIND = Path(__file__).parent / "data" / "blind"
EXPECTED = json.loads((BLIND / "expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_headline_and_subheadings(name: str) -> None:
    article = load_article(BLIND / name)
    assert article.headline == EXPECTED[name]["headline"]
    assert [s.heading for s in article.sections] == EXPECTED[name]["segments"]
    assert article.body_words >= 30
