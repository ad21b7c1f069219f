"""Stage 1: reading articles and finding their structure."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from newsaudio.errors import ArticleError
from newsaudio.reading.article import ArticleMeta, slugify
from newsaudio.reading.boilerplate import byline_name, is_breadcrumb
from newsaudio.reading.decode import MAX_BYTES, read_text
from newsaudio.reading.load import load_article

from .conftest import BRIEF, SAMPLE


def test_sample_structure() -> None:
    article = load_article(SAMPLE)
    assert article.headline == "بوتين يشيد بمشاركة كوريا الشمالية في معركة كورسك"
    assert article.lead == ()
    assert [s.heading for s in article.sections] == [
        "روسيا تشيد بدور كوريا الشمالية في معركة كورسك",
        "اعتراف كوريا الشمالية بمشاركتها في المعركة",
        "التعاون العسكري المستمر بين روسيا وكوريا الشمالية",
        "كوريا الشمالية تفتخر بالتحالف مع روسيا",
        "ردود الفعل الدولية على مشاركة كوريا الشمالية",
        "اتفاقية الشراكة الاستراتيجية: مساعدات عسكرية فورية",
        "بوتين يعلن وقف إطلاق النار بمناسبة ذكرى النصر",
    ]
    assert all(len(s.paragraphs) == 1 for s in article.sections)
    assert article.slug == "kursk-ar"


def test_sample_boilerplate_dropped() -> None:
    article = load_article(SAMPLE)
    everything = " ".join(
        [article.headline, *(s.heading for s in article.sections)]
        + [p for s in article.sections for p in s.paragraphs]
    )
    for chrome in ("أخبارسلايدر", "مقالات ذات صلة", "زر الذهاب إلى الأعلى"):
        assert chrome not in everything


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("أخبارسلايدر", True),
        ("الرئيسية » أخبار » سياسة", True),
        ("الرئيسية / اقتصاد", True),
        ("أخبار روسيا اليوم", False),
        ("بوتين يشيد بمشاركة كوريا الشمالية", False),
    ],
)
def test_breadcrumbs(line: str, expected: bool) -> None:
    assert is_breadcrumb(line) is expected


def test_lead_paragraph_before_first_subheading(tmp_path: Path) -> None:
    path = tmp_path / "lead.txt"
    path.write_text(
        "الرئيسية » أخبار\n"
        "عنوان الخبر الرئيسي\n"
        "هذه فقرة تمهيدية قبل أي عنوان فرعي.\n"
        "عنوان فرعي\n"
        "فقرة تحت العنوان الفرعي.\n"
        "فقرة ثانية تحت العنوان نفسه.\n"
        f"{BRIEF}\n"
        "اقرأ أيضا\n",
        encoding="utf-8",
    )
    article = load_article(path)
    assert article.headline == "عنوان الخبر الرئيسي"
    assert article.lead == ("هذه فقرة تمهيدية قبل أي عنوان فرعي.",)
    assert len(article.sections) == 1
    assert article.sections[0].paragraphs == (
        "فقرة تحت العنوان الفرعي.",
        "فقرة ثانية تحت العنوان نفسه.",
        BRIEF,
    )


def test_markdown_with_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "story.md"
    path.write_text(
        "---\n"
        "title: عنوان من البيانات\n"
        "date: 2025-05-07T10:30:00+00:00\n"
        "author: مراسلنا\n"
        "url: https://example.com/news/1\n"
        "source: صحيفة المثال\n"
        "---\n\n"
        "تمهيد **مهم** مع [رابط](https://example.com).\n\n"
        "## القسم الأول\n\n"
        "فقرة أولى\nتكمل في سطر ثان.\n\n"
        "### القسم الثاني\n\n"
        "- بند أول\n\n"
        "![صورة](a.png)\n\n"
        f"{BRIEF}\n",
        encoding="utf-8",
    )
    article = load_article(path)
    assert article.headline == "عنوان من البيانات"
    assert article.lead == ("تمهيد مهم مع رابط.",)
    assert [s.heading for s in article.sections] == ["القسم الأول", "القسم الثاني"]
    assert article.sections[0].paragraphs == ("فقرة أولى تكمل في سطر ثان.",)
    assert article.sections[1].paragraphs == ("بند أول", BRIEF)
    assert article.meta.author == "مراسلنا"
    assert article.meta.url == "https://example.com/news/1"
    assert article.meta.source == "صحيفة المثال"
    assert article.meta.date == datetime.fromisoformat("2025-05-07T10:30:00+00:00")


def test_markdown_hash_headline(tmp_path: Path) -> None:
    path = tmp_path / "plain.md"
    path.write_text(f"# العنوان\n\nفقرة.\n\n## فرعي\n\n{BRIEF}\n", encoding="utf-8")
    article = load_article(path)
    assert article.headline == "العنوان"
    assert article.lead == ("فقرة.",)
    assert article.meta == ArticleMeta()


def test_html_page(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        f"""<!doctype html><html><head><title>موقع - عنوان</title>
        <meta property="og:url" content="https://example.com/a">
        <meta property="og:site_name" content="موقع المثال">
        <meta property="article:published_time" content="2025-05-07T08:00:00Z"></head>
        <body><nav><a>الرئيسية</a><a>أخبار</a></nav>
        <article><h1>عنوان الصفحة</h1><p>تمهيد &amp; مقدمة.</p>
        <h2>عنوان فرعي</h2><p>نص <b>الفقرة</b>.</p><p>{BRIEF}</p></article>
        <footer><p>جميع الحقوق محفوظة</p></footer>
        <script>var x = "لا";</script></body></html>""",
        encoding="utf-8",
    )
    article = load_article(path)
    assert article.headline == "عنوان الصفحة"
    assert article.lead == ("تمهيد & مقدمة.",)
    assert [s.heading for s in article.sections] == ["عنوان فرعي"]
    assert article.sections[0].paragraphs == ("نص الفقرة.", BRIEF)
    assert article.meta.url == "https://example.com/a"
    assert article.meta.source == "موقع المثال"
    assert article.meta.date is not None and article.meta.date.year == 2025


def test_windows_1256_fallback(tmp_path: Path) -> None:
    path = tmp_path / "old.txt"
    path.write_bytes(f"عنوان قديم\nفقرة من موقع قديم.\n{BRIEF}\n".encode("cp1256"))
    assert load_article(path).headline == "عنوان قديم"


def test_utf8_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(f"\ufeffعنوان\r\nفقرة أولى.\r\n{BRIEF}\r\n".encode())
    assert load_article(path).headline == "عنوان"


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda p: None, "file not found"),
        (lambda p: p.mkdir(), "is a directory"),
        (lambda p: p.write_bytes(b""), "is empty"),
        (lambda p: p.write_bytes(b"  \n\t\n"), "is empty"),
        (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20), "binary"),
        (lambda p: p.write_bytes("Ünïcödé ßtraße".encode("latin-1") + b"\x81\x8d"), "not UTF-8"),
        (
            lambda p: p.write_text("Just English text.\nNothing else.", encoding="utf-8"),
            "no Arabic",
        ),
        (
            lambda p: p.write_text("أخبارسلايدر\n\nمقالات ذات صلة\nزر الذهاب إلى الأعلى\n"),
            "only site boilerplate",
        ),
        (lambda p: p.write_bytes(b"a" * (MAX_BYTES + 1)), "too large"),
    ],
)
def test_bad_input_names_file_and_problem(tmp_path: Path, make, problem: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "article.txt"
    make(path)
    with pytest.raises(ArticleError) as caught:
        load_article(path)
    message = str(caught.value)
    assert str(path) in message
    assert problem in message
    assert "\n" not in message


def test_read_text_keeps_utf16(tmp_path: Path) -> None:
    path = tmp_path / "u16.txt"
    path.write_bytes("عنوان\nفقرة.".encode("utf-16"))
    assert read_text(path).startswith("عنوان")


def test_slugify() -> None:
    assert slugify("Kursk AR 2025!") == "kursk-ar-2025"
    assert slugify("خبر عاجل") == "خبر-عاجل"
    assert slugify("...") == "episode"


PERSIAN = (
    "وزیر امور خارجه ایران روز دوشنبه گفت که مذاکرات هسته‌ای با کشورهای اروپایی هفته آینده در "
    "ژنو ادامه پیدا می‌کند. او افزود که تهران آماده است برای رسیدن به توافقی پایدار گام‌های "
    "تازه‌ای بردارد، اما این روند به تضمین‌های روشن نیاز دارد."
)
URDU = (
    "پاکستان کے وزیر اعظم نے پیر کے روز کہا ہے کہ ملک میں مہنگائی کم کرنے کے لیے نئے اقدامات "
    "کیے جائیں گے۔ انہوں نے بتایا کہ حکومت بجلی کی قیمتوں میں کمی کا منصوبہ تیار کر رہی ہے اور "
    "اس سے عوام کو ریلیف ملے گا۔"
)


@pytest.mark.parametrize(("text", "language"), [(PERSIAN, "Persian"), (URDU, "Urdu")])
def test_other_arabic_script_languages_are_refused(
    tmp_path: Path, text: str, language: str
) -> None:
    path = tmp_path / "other.txt"
    path.write_text(f"عنوان\n{text}\n", encoding="utf-8")
    with pytest.raises(ArticleError, match=f"is written in {language}, not Arabic"):
        load_article(path)


def test_language_is_judged_on_the_article_not_the_chrome(tmp_path: Path) -> None:
    """A Persian menu around an Arabic article is chrome; an Arabic article naming Persian places
    and people (with پ and گ) is still Arabic."""
    path = tmp_path / "page.html"
    path.write_text(
        '<html lang="fa"><body><nav><a>صفحه اصلی</a><a>گزارش ویژه</a><a>پیشنهاد</a></nav><article>'
        "<h1>زيارة الرئيس الإيراني بزشكيان إلى مدينة گرگان</h1>"
        f"<p>وصل الرئيس مسعود پزشكيان إلى مدينة گرگان في شمال إيران. {BRIEF}</p></article>"
        "<footer><p>تمام حقوق این سایت محفوظ است و استفاده از مطالب با ذکر منبع آزاد است.</p>"
        "</footer></body></html>",
        encoding="utf-8",
    )
    assert load_article(path).headline.startswith("زيارة الرئيس")


@pytest.mark.parametrize(
    "content",
    [
        "الرئيسية » أخبار\nعنوان بلا نص\nزر الذهاب إلى الأعلى\n",
        "عنوان الخبر\nجملة قصيرة واحدة فقط.\n",
        "# عنوان\n\n## فرعي\n\n## فرعي آخر\n",
    ],
)
def test_article_without_a_body_is_refused(tmp_path: Path, content: str) -> None:
    path = tmp_path / "brief.md"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ArticleError, match=r"no article body \(.*at least 30 words"):
        load_article(path)


def test_read_also_lines_and_late_widgets_are_dropped(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text(
        "آخر الأخبار\nعنوان الخبر\n"
        f"{BRIEF}\n"
        "اقرأ أيضاً: الحكومة تعلن خطة جديدة لدعم المزارعين\n"
        "فقرة ثانية من الخبر نفسه.\n"
        "الأكثر مشاهدة\nخبر آخر لا علاقة له بالمقال\n",
        encoding="utf-8",
    )
    article = load_article(path)
    assert article.headline == "عنوان الخبر"
    assert article.lead == (BRIEF, "فقرة ثانية من الخبر نفسه.")


def test_client_rendered_page_is_read_from_json_ld(tmp_path: Path) -> None:
    """A React page whose text exists only in JSON-LD articleBody (an empty app root)."""
    body = f"الفقرة الأولى من الخبر.\n{BRIEF}"
    ld = json.dumps(
        {"@type": "NewsArticle", "headline": "عنوان من التطبيق", "articleBody": body},
        ensure_ascii=False,
    )
    path = tmp_path / "app.html"
    path.write_text(
        f'<html lang="ar"><head><script type="application/ld+json">{ld}</script></head>'
        '<body><div id="__next"><div class="skeleton"></div></div></body></html>',
        encoding="utf-8",
    )
    article = load_article(path)
    assert article.headline == "عنوان من التطبيق"
    assert article.lead == ("الفقرة الأولى من الخبر.", BRIEF)


def test_bylines_captions_and_tags_in_scraped_text(tmp_path: Path) -> None:
    """A byline is the author, not a subheading; photo captions and credits are not spoken; a
    tag list ends the article."""
    path = tmp_path / "story.txt"
    path.write_text(
        "الرئيسية > اقتصاد\nالبنك المركزي يرفع سعر الفائدة\nكتب: أحمد علي\n"
        f"{BRIEF}\n(صورة أرشيفية)\nالصورة: رويترز\nفقرة ثانية من الخبر نفسه.\n"
        "توقعات السوق\nكتب الوزير في تغريدة على منصة إكس أن القرار صائب.\n"
        "الكلمات الدالة\nالبنك المركزي\nالتضخم\n",
        encoding="utf-8",
    )
    article = load_article(path)
    assert article.meta.author == "أحمد علي"
    assert article.lead == (BRIEF, "فقرة ثانية من الخبر نفسه.")
    assert [s.heading for s in article.sections] == ["توقعات السوق"]
    assert article.sections[0].paragraphs == ("كتب الوزير في تغريدة على منصة إكس أن القرار صائب.",)


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("كتب: أحمد علي", "أحمد علي"),
        ("كتبت - سارة محمود", "سارة محمود"),
        ("بقلم د. خالد يوسف", "د. خالد يوسف"),
        ("كتب: مراسلنا في القاهرة.", None),  # a sentence
        ("بقلم خالد يوسف", "خالد يوسف"),
        ("By John Smith", "John Smith"),
        ("كتب الوزير في تغريدة", None),  # "كتب" needs ":" to be a byline
        ("تقرير: منظمة الصحة تحذر من موجة جديدة من الإنفلونزا في فصل الشتاء", None),
        ("Byron Bay", None),
    ],
)
def test_byline_lines(line: str, name: str | None) -> None:
    assert byline_name(line) == name


def test_a_scraped_page_header_and_footer(tmp_path: Path) -> None:
    """Text copied from a whole page: the site's name (as its copyright notice gives it), its
    sections, the date bar, the byline and a photo caption sit above the headline's story; a
    question is a subheading, a line that introduces a list is not; a "read also" title on its
    own line, a box that says where it ends, an untitled tag list and the copyright notice are
    not spoken."""
    path = tmp_path / "page.txt"
    path.write_text(
        "تخطى إلى المحتوى\nبي بي سي نيوز عربي\nاقتصاد\n"
        "الحكومة تبدأ تشغيل ثلاث محطات تحلية جديدة قبل الصيف\n"
        "الثلاثاء، 14 مايو 2024 02:15 م\nكتب محمد عبد الرحمن\n"
        "وزيـر الإسكان خلال جولته\nوزير الإسكان خلال جولته - أرشيفية\n"
        f"{BRIEF}\n"
        "اقرأ أيضا..\nوزير الإسكان يتفقد مشروعات العلمين الجديدة\n"
        "ماذا يعني القرار للسكان؟\n"
        "وتشمل أبرز الخطوات:\n- تشغيل محطة العلمين في مايو.\n"
        "قصص مقترحة\nعنوان قصة أخرى\nنهاية قصص مقترحة\n"
        "وأضاف أن الوزارة تعاقدت مع شركات مصرية لتنفيذ أعمال الصيانة والتشغيل.\n"
        "مياه\nالساحل الشمالي\nوزارة الإسكان\n© 2024 بي بي سي. جميع الحقوق محفوظة\n",
        encoding="utf-8",
    )
    article = load_article(path)
    assert article.headline == "الحكومة تبدأ تشغيل ثلاث محطات تحلية جديدة قبل الصيف"
    assert article.meta.author == "محمد عبد الرحمن"
    assert article.lead == (BRIEF,)
    [section] = article.sections
    assert section.heading == "ماذا يعني القرار للسكان؟"
    assert section.paragraphs == (
        "وتشمل أبرز الخطوات:",
        "- تشغيل محطة العلمين في مايو.",
        "وأضاف أن الوزارة تعاقدت مع شركات مصرية لتنفيذ أعمال الصيانة والتشغيل.",
    )


def test_saved_page_bold_subheadings_deck_and_byline(tmp_path: Path) -> None:
    """A page saved in Windows-1256 (as it declares), its scripts outweighing its Arabic: read.
    Short bold-only lines are subheadings, a long h2 between the headline and the text is the
    deck, and the site's name as JSON-LD author gives way to the byline."""
    script = "<script>var config = {" + "trackingEnabled: true, " * 200 + "};</script>"
    html = (
        '<html lang="ar"><head><meta http-equiv="Content-Type" content="text/html; '
        'charset=windows-1256"><meta property="og:site_name" content="هسبريس">'
        '<script type="application/ld+json">{"@type": "NewsArticle", "author": {"@type": '
        '"Person", "name": "هسبريس"}}</script>'
        f"{script}</head><body><article><h1>الحكومة تخصص دعما جديدا لمربي الماشية</h1>"
        "<h2>دعم مباشر لتخفيف أثر الجفاف على القطيع الوطني قبل عيد الأضحى المقبل</h2>"
        '<span class="author"><a href="/author/1">كتب: عبد الرحيم العسري</a></span>'
        f"<p>{BRIEF}</p><p><strong>إعفاءات جمركية</strong></p><p>{BRIEF}</p>"
        f"<p>فقرة<br><b>مهنيون متحفظون</b><br>{BRIEF}</p></article></body></html>"
    )
    path = tmp_path / "page.html"
    path.write_bytes(html.encode("cp1256"))
    article = load_article(path)
    assert article.headline == "الحكومة تخصص دعما جديدا لمربي الماشية"
    assert article.lead[0].startswith("دعم مباشر لتخفيف أثر الجفاف")
    assert [s.heading for s in article.sections] == ["إعفاءات جمركية", "مهنيون متحفظون"]
    assert article.meta.author == "عبد الرحيم العسري"


def test_client_rendered_page_is_read_from_its_json_blocks(tmp_path: Path) -> None:
    """A Next.js page with no articleBody: the text is the JSON list of blocks with the most
    Arabic words; a block whose type says heading is a subheading."""
    data = {
        "props": {
            "pageProps": {
                "article": {
                    "body": [
                        {"type": "paragraph", "html": f"<p>{BRIEF}</p>"},
                        {"type": "heading", "level": 2, "text": "زيادة الخطر"},
                        {"type": "paragraph", "html": BRIEF},
                    ],
                    "related": [{"title": "خبر آخر"}, {"title": "خبر ثالث"}],
                }
            }
        }
    }
    path = tmp_path / "page.html"
    path.write_text(
        '<html lang="ar"><head><meta property="og:title" content="دراسة: النوم القليل يرفع '
        'ضغط الدم"></head><body><div id="__next"><h1>دراسة: النوم القليل يرفع ضغط الدم</h1>'
        '</div><script id="__NEXT_DATA__" type="application/json">'
        f"{json.dumps(data, ensure_ascii=False)}</script></body></html>",
        encoding="utf-8",
    )
    article = load_article(path)
    assert article.headline == "دراسة: النوم القليل يرفع ضغط الدم"
    assert article.lead == (BRIEF,)
    assert [(s.heading, s.paragraphs) for s in article.sections] == [("زيادة الخطر", (BRIEF,))]
