"""Never worse than the extractor underneath (issue 16): our rules may add structure to what
trafilatura alone extracts and subtract recognised chrome, not lose the article."""

from __future__ import annotations

import logging

import pytest

from newsaudio.errors import ArticleError
from newsaudio.reading import html_prepare
from newsaudio.reading.article import Article, ArticleMeta, Section
from newsaudio.reading.load import parse_article
from newsaudio.reading.reference import (
    MIN_REFERENCE_RETENTION,
    not_below_reference,
    retention,
)

from .conftest import BRIEF

SECOND = (
    "وأضاف المسؤول أن الحكومة ستعرض خطة جديدة على البرلمان الأسبوع المقبل، تتضمن إجراءات "
    "عاجلة لدعم المزارعين المتضررين من موجة الجفاف التي تضرب المنطقة منذ أشهر."
)
THIRD = (
    "ويتوقع خبراء أن تستمر الأزمة حتى نهاية العام، ما لم تتحسن معدلات الأمطار في فصل الشتاء، "
    "وأن ترتفع أسعار المواد الغذائية الأساسية في الأسواق المحلية خلال الأشهر المقبلة."
)
REFERENCE = [("p", BRIEF), ("h2", "خطة جديدة"), ("p", SECOND), ("p", THIRD)]


def article(*paragraphs: str) -> Article:
    return Article("page.html", "عنوان الخبر", tuple(paragraphs))


def test_ours_is_kept_when_it_keeps_the_reference() -> None:
    ours = Article("page.html", "عنوان الخبر", (BRIEF,), (Section("خطة جديدة", (SECOND, THIRD)),))
    assert retention(ours, REFERENCE) == 1.0
    assert not_below_reference("page.html", ours, REFERENCE, ArticleMeta()) is ours


def test_ours_is_kept_when_it_only_subtracts_chrome() -> None:
    reference = [*REFERENCE, ("p", "شارك"), ("p", "جميع الحقوق محفوظة")]
    ours = article(BRIEF, SECOND, THIRD)
    assert retention(ours, reference) >= MIN_REFERENCE_RETENTION
    assert not_below_reference("page.html", ours, reference, ArticleMeta()) is ours


def test_reference_is_read_when_ours_lost_the_article(caplog: pytest.LogCaptureFixture) -> None:
    ours = article("تابعونا على فيسبوك.")
    assert retention(ours, REFERENCE) < MIN_REFERENCE_RETENTION
    with caplog.at_level(logging.WARNING):
        got = not_below_reference("page.html", ours, REFERENCE, ArticleMeta())
    # Our headline, trafilatura's text, its heading as a subheading.
    assert got.headline == "عنوان الخبر"
    assert got.lead == (BRIEF,)
    assert got.sections == (Section("خطة جديدة", (SECOND, THIRD)),)
    assert "its text is read instead" in caplog.text


def test_reference_is_read_when_ours_found_nothing() -> None:
    got = not_below_reference("page.html", None, [("h1", "عنوان الخبر"), *REFERENCE], ArticleMeta())
    assert got.headline == "عنوان الخبر"
    assert BRIEF in got.lead


def test_the_pages_headline_heads_the_reference_when_ours_found_no_text() -> None:
    paragraphs = [("p", BRIEF), ("p", SECOND), ("p", THIRD)]
    refusal = ArticleError("page.html", "contains only site boilerplate, no article text")
    got = not_below_reference(
        "page.html", None, paragraphs, ArticleMeta(), refusal, headline="عنوان الصفحة"
    )
    assert got.headline == "عنوان الصفحة"
    assert got.lead == (BRIEF, SECOND, THIRD)


def test_a_reference_without_prose_does_not_overrule_a_refusal() -> None:
    """trafilatura reading a gallery's captions or a video page's list is nothing to fall back
    on."""
    captions = [("p", "صورة من الحفل"), ("p", "الفنانة خلال وصولها"), ("p", "لقطة من العرض")]
    refusal = ArticleError("page.html", "no article body (11 words)")
    with pytest.raises(ArticleError, match="11 words"):
        not_below_reference("page.html", None, captions, ArticleMeta(), refusal)
    ours = article("كلمات قليلة.")
    assert not_below_reference("page.html", ours, captions, ArticleMeta()) is ours


def page(wrapper_class: str) -> str:
    """A page whose scripts are most of its text, as on real sites (34-88 % on the development
    pages): the article's wrapper is then under the share of the page a widget may have."""
    script = "var config = {'tracking': true, 'ads': ['top', 'side']};" * 60
    return (
        '<html lang="ar"><head><title>عنوان الخبر</title>'
        f"<script>{script}</script></head><body>"
        '<nav><a href="/">الرئيسية</a></nav><h1>عنوان الخبر</h1>'
        f'<div class="{wrapper_class}"><p>{BRIEF}</p><h2>خطة جديدة</h2><p>{SECOND}</p>'
        f'<p>{THIRD}</p><div class="share"><a href="#">فيسبوك</a></div></div>'
        '<div class="related"><h3><a href="/x">خبر آخر عن الجفاف في المنطقة</a></h3></div>'
        "</body></html>"
    )


@pytest.mark.parametrize("word", ["tag-news", "has-share-buttons", "post side-by-side", "ad"])
def test_a_widget_word_on_the_articles_wrapper_does_not_remove_it(word: str) -> None:
    """WordPress writes 'tag-<slug>' on every post's wrapper; a theme may say 'share' or 'side':
    the wrapper holds trafilatura's whole text, so it is the article, not a widget."""
    got = parse_article("page.html", "page", page(f"entry {word}"), ".html")
    assert got.headline == "عنوان الخبر"
    heard = " ".join([*got.lead, *(p for s in got.sections for p in s.paragraphs)])
    assert BRIEF in heard and SECOND in heard and THIRD in heard
    assert "فيسبوك" not in heard and "خبر آخر" not in heard


def test_the_net_alone_restores_the_article(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the guard in html_prepare switched off, the wrapper goes, and the net reads the
    reference instead: never worse than trafilatura alone, by construction."""
    monkeypatch.setattr(html_prepare, "_holds_reference", lambda element, keys: False)
    got = parse_article("page.html", "page", page("entry tag-news"), ".html")
    heard = " ".join([got.headline, *got.lead, *(p for s in got.sections for p in s.paragraphs)])
    assert BRIEF in heard and SECOND in heard and THIRD in heard
