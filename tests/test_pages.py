"""Saved news pages in the shapes real Arabic news sites have (tests/data/pages/, README there):
each page's expected headline, segments, spoken text and metadata, written from what the page is,
checked end to end through the article reader (trafilatura and our mapping)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from newsaudio.errors import ArticleError
from newsaudio.reading.article import Article
from newsaudio.reading.load import load_article
from newsaudio.reading.sanitize import clean_url

PAGES = Path(__file__).parent / "data" / "pages"
EXPECTED = sorted(PAGES.glob("*.expected.json"))


def spoken(article: Article) -> str:
    parts = [article.headline, *article.lead]
    for section in article.sections:
        parts += [section.heading, *section.paragraphs]
    return "\n".join(parts)


def expected_for(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def page_of(path: Path) -> Path:
    return path.with_name(path.name.replace(".expected.json", ".html"))


def test_there_are_enough_pages() -> None:
    assert len(EXPECTED) >= 12


@pytest.mark.parametrize("case", EXPECTED, ids=lambda p: p.name.split(".")[0])
def test_structure(case: Path) -> None:
    expected = expected_for(case)
    if expected["refuse"]:
        with pytest.raises(ArticleError) as caught:
            load_article(page_of(case))
        message = str(caught.value)
        assert expected["refuse"].lower() in message.lower()
        assert "\n" not in message
        return
    article = load_article(page_of(case))
    assert article.headline == expected["headline"]
    assert [s.heading for s in article.sections] == expected["segments"]
    text = " ".join(spoken(article).split())
    for phrase in expected["must_contain"]:
        assert " ".join(phrase.split()) in text, phrase
    for phrase in expected["must_not_contain"]:
        assert " ".join(phrase.split()) not in text, phrase


@pytest.mark.parametrize(
    "case",
    [c for c in EXPECTED if not expected_for(c)["refuse"]],
    ids=lambda p: p.name.split(".")[0],
)
def test_metadata(case: Path) -> None:
    meta = expected_for(case)["meta"]
    article = load_article(page_of(case))
    got = article.meta
    assert (got.date.date().isoformat() if got.date else None) == meta["date"]
    assert got.author == meta["author"]
    assert got.source == meta["source"]
    assert got.url == clean_url(meta["url"])
    assert got.image == clean_url(meta["image"])
    assert got.description == meta["description"]
