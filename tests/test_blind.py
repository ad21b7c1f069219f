"""Blind sets (tests/data/blind/README.md): copies of whole pages and saved pages in the styles of
Arabic news sites, with the headline and subheadings their writers expected, the words that open
the article's first paragraph and close its last, and lines of the page that must not be heard."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsaudio.reading.article import Article
from newsaudio.reading.load import load_article

BLIND = Path(__file__).parent / "data" / "blind"
EXPECTED = json.loads((BLIND / "expected.json").read_text(encoding="utf-8"))

# Inputs whose body is not yet read as expected, and why. Strict: one that passes fails the suite,
# so it leaves this list. None of these is fixed by a rule fitted to it (issue 16).
STILL_FAILING = {
    "r1-anadolu.txt": "the agency's syndication notice after the text ('على موقع الأناضول، يتم "
    "نشر جزء فقط …') is heard as the last paragraph",
    "r1-annahar.txt": "the photo caption under the headline, which ends with its photographer's "
    "name and a full stop ('… (نبيل إسماعيل).'), is heard as the first paragraph: a line that "
    "ends a sentence is never dropped for how it ends",
    "r1-bbc_arabic.txt": "'المزيد حول هذه القصة' is no known box title: it and the related "
    "headline under it are heard after the last paragraph",
    "r1-france24.txt": "the credit line 'فرانس24/ أ ف ب' and the newsletter box after the text "
    "('تلقوا أهم الأخبار …', a lone 'اشترك') are heard",
    "r2-akhbarelyom.txt": "'موضوعات ذات صلة' is no known box title: it and the two related "
    "headlines under it are heard after the last paragraph",
    "r2-enabbaladi.txt": "the correction and complaint prompts written for both genders "
    "('أرسل/أرسلي تصحيحًا', 'قدم/قدمي شكوى') are heard; the lists know 'أرسل تصحيحا', 'قدم شكوى'",
    "r2-reuters.txt": "the gallery caption '[1/2] … صورة من أرشيف رويترز.' under the headline is "
    "heard as the first paragraph",
    "r3-alrai.txt": "the untitled tag list before the share buttons, and the second headline under "
    "a bare 'إقرأ أيضاً', are heard after the last paragraph",
}


def one_line(text: str) -> str:
    return " ".join(text.split())


def paragraphs(article: Article) -> list[str]:
    return [*article.lead, *(p for s in article.sections for p in s.paragraphs)]


def heard(article: Article) -> str:
    parts = [article.headline, *article.lead]
    for section in article.sections:
        parts += [section.heading, *section.paragraphs]
    return one_line(" ".join(parts))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_headline_and_subheadings(name: str) -> None:
    article = load_article(BLIND / name)
    assert article.headline == EXPECTED[name]["headline"]
    assert [s.heading for s in article.sections] == EXPECTED[name]["segments"]


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=STILL_FAILING[n]))
        if n in STILL_FAILING
        else n
        for n in sorted(EXPECTED)
    ],
)
def test_body_from_first_to_last_paragraph_and_no_boilerplate(name: str) -> None:
    """The first paragraph heard is the article's first (or its deck), the last is its last, and
    none of the page's chrome, captions or comments listed is heard anywhere."""
    expected = EXPECTED[name]
    article = load_article(BLIND / name)
    body = paragraphs(article)
    assert one_line(expected["first"]) in one_line(body[0])
    assert one_line(expected["last"]) in one_line(body[-1])
    spoken = heard(article)
    for phrase in expected["not_heard"]:
        assert one_line(phrase) not in spoken, phrase
