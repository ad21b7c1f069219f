"""The content and metadata classes of the fault catalogue: articles of odd shapes, and metadata
that would break XML, ID3 tags or file names. Either an episode whose feed is strict XML and whose
files all lie inside the folder, or one line refusing it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mutagen.id3 import ID3

from newsaudio.publishing.tags import read_tags
from newsaudio.textprep.diacritize import strip_marks
from tests.conftest import BRIEF, read_feed, run_cli
from tests.faults.conftest import assert_refused

VOICE = "ar-espeak-screenreader"


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _render(out: Path, *paths: Path) -> tuple[int, str]:
    result = run_cli("render", *paths, "--out", out, "--voice", VOICE, "--quiet", "--jobs", "1")
    return result.exit_code, result.stderr


def _inside(out: Path) -> None:
    """Every file the render wrote is a plain file directly in ``out``."""
    for path in out.rglob("*"):
        assert path.parent == out or out in path.parents, path
        assert not path.is_symlink()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("# عنوان الخبر وحده بلا نص\n", "no article body"),
        ("أخبارسلايدر\nزر الذهاب إلى الأعلى\nمقالات ذات صلة\n", "site boilerplate"),
    ],
    ids=["title-only", "boilerplate-only"],
)
def test_no_article_in_it(text: str, problem: str, tmp_path: Path) -> None:
    path = _write(tmp_path, "page.md" if text.startswith("#") else "page.txt", text)
    code, stderr = _render(tmp_path / "out", path)
    assert code == 2
    assert_refused(stderr, path, problem)


def test_lists_symbols_emoji_and_rules_are_read_or_dropped(tmp_path: Path) -> None:
    text = (
        "# الحكومة تعلن خطة جديدة\n\n"
        f"{BRIEF}\n\n- البند الأول من الخطة\n- البند الثاني من الخطة\n\n"
        "***\n\n---\n\n🔥🔥🔥\n\n→ • ★ ✓\n\n## قسم بلا فقرات\n\n## القسم الأخير\n\n"
        "وأضاف المتحدث أن التنفيذ يبدأ الشهر المقبل في كل المحافظات.\n"
    )
    out = tmp_path / "out"
    code, stderr = _render(out, _write(tmp_path, "shapes.md", text))
    assert code == 0, stderr
    spoken = strip_marks((out / "shapes.txt").read_text(encoding="utf-8"))
    assert "البند الأول من الخطة" in spoken and "التنفيذ يبدأ" in spoken
    for symbol in ("🔥", "★", "✓", "***", "---"):
        assert symbol not in spoken
    read_feed(out / "feed.xml")


def test_an_all_latin_title_is_kept_as_written(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, stderr = _render(
        out, _write(tmp_path, "latin.md", f"# OpenAI releases GPT-5\n\n{BRIEF}\n")
    )
    assert code == 0, stderr
    assert [e.title for e in read_feed(out / "feed.xml").entries] == ["OpenAI releases GPT-5"]


def test_the_same_article_twice_is_one_episode_and_same_titles_are_two(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    out = tmp_path / "out"
    story = _write(tmp_path, "story.md", f"# خبر واحد\n\n{BRIEF}\n")
    (tmp_path / "other").mkdir()
    twin = _write(tmp_path / "other", "twin.md", f"# خبر واحد\n\n{BRIEF}\n")
    code, stderr = _render(out, story, tmp_path / "." / "story.md", story)
    assert code == 0, stderr
    assert caplog.text.count("given more than once; rendered once") == 2
    code, stderr = _render(out, story, twin)
    assert code == 0, stderr
    assert sorted(p.stem for p in out.glob("*.mp3")) == ["story", "twin"]
    assert len(read_feed(out / "feed.xml").entries) == 2


HOSTILE = "خبر & <b>عاجل</b> \"مقتبس\" 'مفرد' ]]> \x01\x1f \u202eمعكوس\u202c"


def test_metadata_that_would_break_xml_id3_and_paths(tmp_path: Path) -> None:
    front = json.dumps(HOSTILE)
    text = f"---\ntitle: {front}\nauthor: {front}\nurl: 'javascript:alert(1)'\n---\n\n{BRIEF}\n"
    out = tmp_path / "out"
    names = ["../../escape.md", "CON.md", ("خ" * 120) + ".md"]
    (tmp_path / "a" / "b").mkdir(parents=True)
    paths = [_write(tmp_path / "a" / "b", name, text) for name in names[1:]]
    paths.append(_write(tmp_path / "a" / "b", "escape.md", text))
    code, stderr = _render(out, *paths)
    assert code == 0, stderr
    entries = read_feed(out / "feed.xml").entries  # strict XML, every parser
    assert len(entries) == 3
    for entry in entries:
        assert "\u202e" not in entry.title and "\x01" not in entry.title
        assert "]]>" in entry.title and "&" in entry.title  # kept as text, escaped
    for mp3 in out.glob("*.mp3"):
        assert len(mp3.stem.encode()) <= 150
        tags = read_tags(mp3)
        assert tags.title and "\u202e" not in tags.title
        assert ID3(mp3).getall("WOAS") == []  # javascript: is no URL
    assert (out / "con-episode.mp3").is_file()
    assert not (tmp_path / "escape.mp3").exists()
    _inside(out)


def test_future_and_missing_dates_give_a_valid_pubdate(tmp_path: Path) -> None:
    out = tmp_path / "out"
    future = _write(
        tmp_path, "future.md", f"---\ndate: 2999-01-01\n---\n# خبر من المستقبل\n\n{BRIEF}\n"
    )
    missing = _write(tmp_path, "missing.md", f"# خبر بلا تاريخ\n\n{BRIEF}\n")
    hijri = _write(tmp_path, "hijri.md", f"---\ndate: 1446-10-29\n---\n# خبر هجري\n\n{BRIEF}\n")
    code, stderr = _render(out, future, missing, hijri)
    assert code == 0, stderr
    years = {e.title: e.published_parsed.tm_year for e in read_feed(out / "feed.xml").entries}
    assert years["خبر هجري"] == 2025
    assert 2026 <= years["خبر من المستقبل"] < 2100 and 2026 <= years["خبر بلا تاريخ"] < 2100


def test_markup_in_plain_text_is_text_never_spoken_as_tag_names(tmp_path: Path) -> None:
    """ "<script>" in a scraped headline was read "سكريبت", "<br/>" in a paragraph "بيا". The title
    stays as written (escaped where it is published); the voice says the words between tags."""
    headline = "الحكومة تعلن <b>خطة</b> جديدة <script>لدعم</script> الاقتصاد الوطني"
    path = _write(tmp_path, "markup.txt", f"{headline}\n\n{BRIEF} <br/> <!-- تعليق -->\n")
    result = run_cli("text", path, "--json")
    assert result.exit_code == 0, result.stderr
    segments = json.loads(result.stdout)
    assert segments[0]["title"] == headline
    heard = [strip_marks(segment["text"]) for segment in segments]
    assert heard[0].split("\n")[0] == "الحكومة تعلن خطة جديدة لدعم الاقتصاد الوطني"
    assert not any(mark in text for text in heard for mark in "<>")
    assert "تعليق" not in heard[0]


@pytest.mark.parametrize("sections", [1, pytest.param(250, marks=pytest.mark.slow)])
def test_one_and_250_chapters(sections: int, tmp_path: Path) -> None:
    body = "".join(f"## القسم رقم {n}\n\nجملة قصيرة في القسم.\n\n" for n in range(1, sections + 1))
    out = tmp_path / "out"
    path = _write(tmp_path, "many.md", f"# خبر بأقسام كثيرة\n\n{BRIEF}\n\n{body}")
    code, stderr = _render(out, path)
    assert code == 0, stderr
    tags = ID3(out / "many.mp3")
    assert len(tags.getall("CHAP")) == min(sections + 2, 255)  # headline, sections, closing
    chapters = json.loads((out / "many.chapters.json").read_text())["chapters"]
    assert len(chapters) == sections + 2
