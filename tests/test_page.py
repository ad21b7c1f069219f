"""The listening page as HTML: structure, relative links, side files, hostile text.

The page in a real browser (keyboard, chapters, highlight, axe-core) is tests/test_browser.py."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from lxml import html as lxml_html

from newsaudio.audio.segments import ChapterMark
from newsaudio.config import FeedConfig
from newsaudio.errors import FeedError
from newsaudio.publishing.captions import Cue, format_vtt
from newsaudio.publishing.episode import Episode
from newsaudio.publishing.page import EpisodeMedia, render_page

HOSTILE = "<script>alert(1)</script> ]]> \" ' & </h2><h1>x"


def _episode(slug: str, day: int, title: str = "عنوان", description: str = "وصف") -> Episode:
    return Episode(
        slug=slug,
        guid=f"guid-{slug}",
        title=title,
        description=description,
        audio_file=f"{slug}.mp3",
        audio_bytes=1000,
        duration_s=65.5,
        pub_date=datetime(2026, 11, day, tzinfo=timezone.utc),
        transcript_file=f"{slug}.txt",
        chapters_file=f"{slug}.chapters.json",
        author="الكاتب",
        source_url="https://example.com/%D8%AE",
    )


def _chapters(path: Path, titles: list[str]) -> None:
    chapters = [
        {"startTime": i * 20.5, "endTime": (i + 1) * 20.5, "title": t} for i, t in enumerate(titles)
    ]
    path.write_text(json.dumps({"version": "1.2.0", "chapters": chapters}), encoding="utf-8")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Two episodes: ``old`` with chapters and captions, ``خبر جديد`` (newer) with chapters only."""
    _chapters(tmp_path / "old.chapters.json", ["المقدمة", HOSTILE])
    cues = [Cue(0, 2000, "الجملة الأولى."), Cue(2000, 4500, HOSTILE)]
    (tmp_path / "old.vtt").write_text(format_vtt(cues), encoding="utf-8")
    _chapters(tmp_path / "خبر جديد.chapters.json", ["العنوان"])
    return tmp_path


def _page(folder: Path, **kwargs: object) -> lxml_html.HtmlElement:
    episodes = [
        _episode("old", 1, title=HOSTILE, description=HOSTILE),
        _episode("خبر جديد", 2),
    ]
    return lxml_html.fromstring(render_page(episodes, FeedConfig(), folder, **kwargs))  # type: ignore[arg-type]


def test_page_structure(folder: Path) -> None:
    page = _page(folder)
    assert page.get("lang") == "ar" and page.get("dir") == "rtl"
    assert [h.text_content() for h in page.iter("h1")] == ["أخبار مسموعة"]
    # Newest first; the hostile title is text, not markup.
    assert [h.text_content() for h in page.iter("h2")] == ["عنوان", HOSTILE]
    skip = page.xpath("//body/*[1]")[0]
    assert (
        skip.tag == "a"
        and skip.get("href") == "#main"
        and page.get_element_by_id("main") is not None
    )
    audios = page.xpath("//audio")
    assert [a.get("src") for a in audios] == [
        "%D8%AE%D8%A8%D8%B1%20%D8%AC%D8%AF%D9%8A%D8%AF.mp3",
        "old.mp3",
    ]
    assert all(a.get("controls") is not None and a.get("preload") == "metadata" for a in audios)


def test_captions_track_only_where_the_vtt_exists(folder: Path) -> None:
    new, old = _page(folder).xpath("//audio")
    assert new.xpath("track") == []
    (track,) = old.xpath("track")
    assert track.get("kind") == "captions" and track.get("srclang") == "ar"
    assert track.get("src") == "old.vtt" and track.get("default") is not None


def test_chapters_are_buttons_and_cues_are_the_transcript(folder: Path) -> None:
    old = _page(folder).xpath("//article")[1]
    buttons = old.xpath(".//button[@data-chapter]")
    assert [(b.get("data-start"), b.text_content()) for b in buttons] == [
        ("0.0", "0:00 المقدمة"),
        ("20.5", f"0:20 {HOSTILE}"),
    ]
    assert all(b.get("type") == "button" for b in old.xpath(".//button"))
    # Cues without places (a folder from before them): each on a line of its own, under the
    # chapter it starts in; a chapter with none shows its heading only.
    sections = old.xpath(".//div[@class='transcript']/section")
    assert [s.xpath("string(h4)") for s in sections] == ["المقدمة", HOSTILE]
    sentences = old.xpath(".//*[@data-sentence]")
    assert [(c.get("data-start"), c.get("data-end"), c.text_content()) for c in sentences] == [
        ("0.0", "2.0", "الجملة الأولى."),
        ("2.0", "4.5", HOSTILE),
    ]
    assert [len(s.xpath("p")) for s in sections] == [2, 0]
    # The highlight is never announced: no live region anywhere on the page.
    assert old.xpath("//*[@aria-live or @role='status' or @role='log' or @role='alert']") == []


def _edition_folder(folder: Path) -> None:
    """``old`` as an edition: an opening, two articles (the first announced, with a section of
    its own and a sentence long enough to be two cues), a closing; cues named by their places."""
    titles = ["نشرة الصباح", "1. الخبر الأول", "قسم من الخبر الأول", "2. الخبر الثاني", "الخاتمة"]
    _chapters(folder / "old.chapters.json", titles)  # 20.5 s each
    cues = [
        Cue(500, 3000, "نشرة الصباح", "h1-s1"),
        Cue(3500, 9000, "عدد اليوم", "p2-s2"),
        Cue(21000, 22500, "الخبر الأول من اثنين", "a1-p3-s3"),
        Cue(23000, 25000, "الخبر الأول", "a1-h4-s4"),
        Cue(25500, 30000, "جملة طويلة،", "a1-p5-s5.1"),
        Cue(30000, 34000, "تتمتها.", "a1-p5-s5.2"),
        Cue(34500, 39000, "جملة ثانية.", "a1-p5-s6"),
        Cue(41500, 44000, "قسم من الخبر الأول", "a1-h6-s7"),
        Cue(44500, 50000, "فقرة القسم.", "a1-p7-s8"),
        Cue(62000, 64000, "الخبر الثاني", "a2-h8-s9"),
        Cue(64500, 70000, "نص الخبر الثاني.", "a2-p9-s10"),
        Cue(83000, 86000, "شكرا لاستماعكم.", "p10-s11"),
    ]
    (folder / "old.vtt").write_text(format_vtt(cues), encoding="utf-8")


def test_the_transcript_is_whole_sentences_under_headings_nested_by_article(folder: Path) -> None:
    _edition_folder(folder)
    old = _page(folder).xpath("//article")[1]
    box = old.xpath(".//div[@class='transcript']")[0]
    # The parts of a long sentence are one sentence again; blocks are paragraphs.
    sentences = box.xpath(".//*[@data-sentence]")
    assert len(sentences) == 11
    assert [(s.get("data-start"), s.get("data-end"), s.text) for s in sentences[4:5]] == [
        ("25.5", "34.0", "جملة طويلة، تتمتها.")
    ]
    # Sections under their headings: a title spoken is the heading (and plays, like any
    # sentence); a chapter whose title is not spoken (the closing) shows its title.
    headings = [(h.tag, h.text_content(), len(h.xpath("*[@data-sentence]"))) for h in
                box.xpath(".//h4 | .//h5")]  # fmt: skip
    assert headings == [
        ("h4", "نشرة الصباح", 1),
        ("h4", "الخبر الأول", 1),
        ("h5", "قسم من الخبر الأول", 1),
        ("h4", "الخبر الثاني", 1),
        ("h4", "الخاتمة", 0),
    ]
    # An edition's articles hold their sections; the announcement comes before the headline.
    articles = box.xpath("section[@class='article']")
    assert [len(a.xpath("section")) for a in articles] == [2, 1]
    first = articles[0].xpath("section")[0]
    assert [c.tag for c in first] == ["p", "h4", "p"]
    assert first.xpath("string(p[@class='kicker'])") == "الخبر الأول من اثنين"
    assert first.xpath("string(p[2])") == "جملة طويلة، تتمتها. جملة ثانية."
    # The chapter buttons nest the same way: an article's sections under its headline.
    tree = old.xpath(".//ol[@class='chapters']")[0]
    top = [li.xpath("string(button)") for li in tree.xpath("li")]
    assert top == ["0:00 نشرة الصباح", "0:20 1. الخبر الأول", "1:01 2. الخبر الثاني",
                   "1:22 الخاتمة"]  # fmt: skip
    assert tree.xpath("li[2]/ol/li/button/text()") == [" قسم من الخبر الأول"]


def test_players_and_regions_are_named_by_their_episode(folder: Path) -> None:
    page = _page(folder)
    names = []
    for article in page.xpath("//article"):
        title_id = article.xpath("h2/@id")[0]
        labelled = [article.xpath(".//audio")[0], *article.xpath(".//*[@role]"),
                    *article.xpath(".//ol[@class='chapters']")]  # fmt: skip
        for element in labelled:
            ids = element.get("aria-labelledby").split()
            assert ids[-1] == title_id
            names.append(" ".join(page.get_element_by_id(i).text_content() for i in ids))
    assert len(names) == len(set(names)) == 7  # audio, controls, chapters ×2; one transcript
    assert "مشغل الحلقة عنوان" in names and f"النص {HOSTILE}" in names


def test_skip_and_speed_controls_are_labelled(folder: Path) -> None:
    page = _page(folder)
    article = page.xpath("//article")[0]
    assert [b.get("data-skip") for b in article.xpath(".//button[@data-skip]")] == ["-15", "15"]
    (select,) = article.xpath(".//select")
    (label,) = page.xpath(f"//label[@for='{select.get('id')}']")
    assert label.text_content() == "سرعة التشغيل"
    assert [o.get("value") for o in select.xpath("option")] == [
        "0.75",
        "1",
        "1.25",
        "1.5",
        "1.75",
        "2",
    ]
    assert select.xpath("option[@selected]/@value") == ["1"]


def test_hostile_text_cannot_add_markup_or_script(folder: Path) -> None:
    page = _page(folder)
    assert len(page.xpath("//script")) == 1
    assert "alert" not in page.xpath("//script")[0].text_content()
    assert len(page.xpath("//h1")) == 1
    assert page.xpath("//title")[0].text_content() == "أخبار مسموعة"


def test_nothing_is_loaded_from_outside_the_folder(folder: Path) -> None:
    page = _page(folder)
    loaded = page.xpath("//*[@src]/@src | //link/@href")
    assert loaded and all("://" not in url and not url.startswith("/") for url in loaded)
    assert page.xpath("//link[@rel='stylesheet'] | //script[@src]") == []
    # Only the original article is an outside link.
    outside = [a.get("href") for a in page.xpath("//a[contains(@href, '://')]")]
    assert outside == ["https://example.com/%D8%AE"] * 2


def test_given_media_win_over_the_folder(folder: Path) -> None:
    media = {
        "خبر جديد": EpisodeMedia(
            chapters=(ChapterMark("فصل جديد", 0, 5000),), cues=(Cue(0, 5000, "جملة جديدة"),)
        )
    }
    new = _page(folder, media=media).xpath("//article")[0]
    assert [b.text_content() for b in new.xpath(".//button[@data-chapter]")] == ["0:00 فصل جديد"]
    assert new.xpath(".//track/@src") == ["%D8%AE%D8%A8%D8%B1%20%D8%AC%D8%AF%D9%8A%D8%AF.vtt"]


def test_damaged_side_files_are_errors_naming_the_file(folder: Path) -> None:
    (folder / "old.vtt").write_text("not captions", encoding="utf-8")
    with pytest.raises(FeedError, match=r"old\.vtt: not a valid WebVTT file"):
        _page(folder)
    (folder / "old.vtt").unlink()
    (folder / "old.chapters.json").write_text("{", encoding="utf-8")
    with pytest.raises(FeedError, match=r"old\.chapters\.json: not valid JSON chapters"):
        _page(folder)


def test_a_folder_without_episodes(tmp_path: Path) -> None:
    page = lxml_html.fromstring(render_page([], FeedConfig(), tmp_path))
    assert "لا توجد حلقات بعد." in page.text_content()
