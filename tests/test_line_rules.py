"""Line rules judged on real pages (issue 16, point 6): no rule drops a line of the article's body
for how it ends; captions told by their ending go only in scraped text; no rule names a site."""

from __future__ import annotations

import pytest

from newsaudio.reading.boilerplate import boilerplate_data, content_indexes
from newsaudio.reading.load import parse_article

from .conftest import BRIEF

# Real paragraphs that name their sources or a season at their end.
ENDINGS = ["(رويترز/أ ف ب).", "(2025/2026).", "(أ ف ب).", "(د ب أ، أ ف ب).", ". (وكالات)"]
PARAGRAPH = "وأعلنت الحكومة خطة جديدة لدعم المزارعين المتضررين من الجفاف هذا الموسم"


def heard(article_text: str, kind: str) -> str:
    article = parse_article(f"page{kind}", "page", article_text, kind)
    return "\n".join([*article.lead, *(p for s in article.sections for p in s.paragraphs)])


@pytest.mark.parametrize("ending", ENDINGS)
def test_a_paragraph_is_never_dropped_for_how_it_ends(ending: str) -> None:
    line = f"{PARAGRAPH} {ending}".replace(" .", ".")
    text = f"عنوان الخبر الأول اليوم\n{BRIEF}\n{line}\n{BRIEF}\n"
    assert line in heard(text, ".txt")
    html = (
        f"<html><body><article><h1>عنوان الخبر الأول اليوم</h1><p>{BRIEF}</p><p>{line}</p>"
        f"<p>{BRIEF}</p></article></body></html>"
    )
    assert line in heard(html, ".html")


@pytest.mark.parametrize(
    "caption", ["الرئيس خلال القمة (أ ف ب)", "جانب من الاجتماع (رويترز)", "مبنى الوزارة - أرشيفية"]
)
def test_a_caption_told_by_its_ending_goes_in_scraped_text(caption: str) -> None:
    lines = ["عنوان الخبر الأول اليوم", BRIEF, caption, BRIEF]
    assert content_indexes(lines) == [0, 1, 3]
    # On a page, captions go with their markup (figure, figcaption, caption classes), not by
    # how a line ends: a page's paragraph is never judged so.
    assert content_indexes(lines, set()) == [0, 1, 2, 3]


def test_a_wire_storys_credits_close_scraped_text() -> None:
    lines = [
        "عنوان الخبر الأول اليوم",
        BRIEF,
        "(تغطية صحفية سلمى عادل - تحرير ريم ناصر)",
        "مبادئنا: معايير الثقة في الوكالة.",
        "أسعار النفط تتراجع مع تنامي المخاوف بشأن الطلب",
    ]
    assert content_indexes(lines) == [0, 1]


def test_no_rule_names_an_outlet() -> None:
    """The site-name words describe sites; a page's own names tell its site (reading/site.py)."""
    words = set(boilerplate_data()["site_name_words"])
    for outlet in ("الجزيرة", "البيان", "بي بي سي", "سبوتنيك", "cnn", "bbc", "sputnik"):
        assert outlet not in words


def test_a_line_starting_like_a_dossier_label_is_kept() -> None:
    """'من ملف' was a prefix: any short paragraph starting with it was dropped."""
    line = "من ملف القضية تبين أن المتهمين خططوا للعملية منذ أشهر"
    lines = ["عنوان الخبر الأول اليوم", BRIEF, line, BRIEF, "من ملف : الموازنة العامة"]
    assert content_indexes(lines) == [0, 1, 2, 3]


def test_a_page_on_one_line_is_judged_in_bounded_time() -> None:
    """is_breadcrumb's word-break was quadratic in the line's length: a mutated dev page whose
    text came out as one 20,000-character line took 8-25 s there."""
    import time

    from newsaudio.reading.boilerplate import is_breadcrumb

    line = "أخبار" * 4000
    start = time.perf_counter()
    assert not is_breadcrumb(line)
    assert time.perf_counter() - start < 1
    assert is_breadcrumb("أخبارسلايدر") and is_breadcrumb("الرئيسية » أخبار")
