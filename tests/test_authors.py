"""A page's author (issue 16, point 5): a person named in the byline markup beats a meta author
that is the site under one of its names, a URL or a dateline; nothing beats a wrong name."""

from __future__ import annotations

import pytest

from newsaudio.reading.load import parse_article
from newsaudio.reading.site import host_names, names_site

from .conftest import BRIEF


def author_of(
    head: str, body: str = "", url: str = "https://www.example-news.com/a/1"
) -> str | None:
    page = (
        f'<html lang="ar"><head><title>عنوان الخبر الأول اليوم - موقع المثال</title>'
        f'<link rel="canonical" href="{url}">{head}</head><body>'
        f"<article><h1>عنوان الخبر الأول اليوم</h1>{body}<p>{BRIEF}</p></article></body></html>"
    )
    return parse_article("page.html", "page", page, ".html").meta.author


BBC_LIKE = (
    '<section aria-labelledby="article-byline"><strong id="article-byline">Article information'
    "</strong><ul><li><span>Author, </span><span>سلمى خالد وريم ناصر</span></li>"
    "<li><span>Role, </span><span>بي بي سي نيوز</span></li></ul></section>"
)


@pytest.mark.parametrize(
    ("head", "body", "expected"),
    [
        # A profile URL in <meta name=author> (dev page 01): the byline section's person.
        ('<meta name="author" content="https://www.facebook.com/examplenews">', BBC_LIKE,
         "سلمى خالد وريم ناصر"),
        # The host's name as the author (dev page 105): the byline markup's person.
        ('<meta name="author" content="examplenews">',
         '<div class="post-meta-author"><a href="/e/1"><h5>نادية سمير</h5></a></div>',
         "نادية سمير"),
        # A dateline, "(place - site)", as a JSON-LD person (dev page 103): nobody.
        ('<meta name="author" content="(أبوظبي - موقع المثال)">', "", None),
        ('<meta name="author" content="أبوظبي - موقع المثال">', "", None),
        # The title's site part as the author (dev page 102): nobody.
        ('<meta name="author" content="موقع المثال">', "", None),
        # A CMS's "written by" class (dev page 104), whatever its case.
        ("", '<span class="writeBy">كتبت منى فؤاد</span>', "منى فؤاد"),
        ("", '<div id="articleWriter">بقلم: كريم عادل</div>', "كريم عادل"),
        # A real person in the meta tag stays first.
        ('<meta name="author" content="سامي يوسف">', '<div class="byline">كتب: آخر</div>',
         "سامي يوسف"),
        # "بيروت: سامر الحلبي": the dateline is not part of the name.
        ('<meta name="author" content="بيروت: سامر الحلبي">', "", "سامر الحلبي"),
    ],
)  # fmt: skip
def test_author(head: str, body: str, expected: str | None) -> None:
    assert author_of(head, body) == expected


def test_trafilaturas_run_together_guess_is_not_a_name() -> None:
    """trafilatura's author on dev page 101 runs the site's name into a logo's file name."""
    head = '<meta name="author" content="Examplenews https; Cdnarabic; I; Logo Png">'
    assert author_of(head, url="https://arabic.examplenews.com/a/1") is None


def test_the_sites_names_come_from_the_page() -> None:
    assert host_names("https://arabic.sputniknews.com/a/1") == ["arabic", "sputniknews"]
    assert names_site("Sputnik", ["Sputnik_Ar"])
    assert names_site("almadenahnews", host_names("https://www.almadenahnews.com/a"))
    assert not names_site("سامي يوسف", ["موقع المثال", "examplenews"])


BYLINES = [
    "حوار: سلمى عادل",
    "حاورته: ريم ناصر",
    "أجرى الحوار: سامي يوسف",
    "تقرير: محمد حسن",
    "كتب: أحمد علي",
    "كتبت - منى فؤاد",
]
CREDITS = ["تصوير: كريم سامي", "عدسة: كريم سامي", "الصورة: رويترز", "مصدر الصورة، Getty Images"]
HEADLINE = "عنوان الخبر الأول اليوم"


def html_with(line: str, markup: str) -> str:
    block = markup.format(line)
    return (
        f'<html lang="ar"><head><title>{HEADLINE}</title></head><body><article>'
        f"<h1>{HEADLINE}</h1>{block}<p>{BRIEF}</p>{block}<p>{BRIEF}</p></article></body></html>"
    )


def text_with(line: str) -> str:
    return f"{HEADLINE}\n{line}\n{BRIEF}\n{line}\n{BRIEF}\nعنوان فرعي آخر\n{BRIEF}\n"


@pytest.mark.parametrize("line", BYLINES + CREDITS)
@pytest.mark.parametrize("form", ["<p><strong>{}</strong></p>", "<h3>{}</h3>", "<p>{}</p>", "text"])
def test_bylines_and_credits_are_metadata_or_nothing_never_chapters(line: str, form: str) -> None:
    """Above the text or between paragraphs, as a bold line, a heading or a paragraph of a page,
    or a line of scraped text: never a chapter, never heard; a byline's name is the author."""
    if form == "text":
        article = parse_article("page.txt", "page", text_with(line), ".txt")
    else:
        article = parse_article("page.html", "page", html_with(line, form), ".html")
    heard = [*article.lead, *(t for s in article.sections for t in (s.heading, *s.paragraphs))]
    name = line.split(":")[-1].split(" - ")[-1].strip()
    assert not any(name in text for text in heard)
    assert all(name not in s.heading for s in article.sections)
    if line in BYLINES:
        assert article.meta.author == name
    else:
        assert article.meta.author is None
