"""The CLI end to end: the real engine renders the sample; bad input fails cleanly."""

from __future__ import annotations

import io
import itertools
import json
import shutil
from pathlib import Path

import feedparser
import numpy as np
import podcastparser
import pyloudnorm
import pytest
import soundfile
import typer.main
from mutagen.id3 import ID3
from mutagen.mp3 import MP3
from scipy.signal import resample_poly

from newsaudio.cli import app
from newsaudio.publishing.captions import parse_vtt
from newsaudio.textprep.diacritize import strip_marks

from .conftest import BRIEF, SAMPLE, run_cli, snapshot
from .local_server import local_server, reply


def test_render_writes_mp3_transcript_feed(rendered_sample: Path) -> None:
    names = sorted(p.name for p in rendered_sample.iterdir())
    assert names == [
        "catalog.sqlite",
        "cover.png",
        "feed.xml",
        "index.html",
        "kursk-ar.chapters.json",
        "kursk-ar.episode.json",
        "kursk-ar.mp3",
        "kursk-ar.srt",
        "kursk-ar.txt",
        "kursk-ar.vtt",
    ]


def test_captions_match_the_chapters(rendered_sample: Path) -> None:
    """Every chapter begins with its first cue (one timing source), cues are in order and end
    within the MP3."""
    cues = parse_vtt((rendered_sample / "kursk-ar.vtt").read_text(encoding="utf-8"))
    srt = (rendered_sample / "kursk-ar.srt").read_text(encoding="utf-8")
    assert srt.count(" --> ") == len(cues) > 20
    assert all(a.end_ms <= b.start_ms for a, b in itertools.pairwise(cues))
    length_ms = MP3(rendered_sample / "kursk-ar.mp3").info.length * 1000
    assert cues[-1].end_ms <= length_ms
    chapters = json.loads((rendered_sample / "kursk-ar.chapters.json").read_text())["chapters"]
    for chapter in chapters:
        start = chapter["startTime"] * 1000
        first = next(c for c in cues if c.start_ms >= start)
        assert first.start_ms - start < 300


def test_mp3_format(rendered_sample: Path) -> None:
    info = MP3(rendered_sample / "kursk-ar.mp3").info
    assert info.sample_rate == 44100
    assert info.channels == 1
    assert info.bitrate == 96000  # as the README promises
    assert set(_frame_bitrates(rendered_sample / "kursk-ar.mp3")) == {96}  # constant
    assert 60 < info.length < 600


def _frame_bitrates(path: Path) -> list[int]:
    """The bitrate (kbps) in every MPEG-1 Layer III frame header of ``path``, walked frame by
    frame (lameenc writes no Xing/Info header for mutagen to read the mode from)."""
    data = path.read_bytes()
    at = ID3(path).size if data.startswith(b"ID3") else 0  # the tag, header included
    kbps = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
    rates = []
    while at + 4 <= len(data):
        header = int.from_bytes(data[at : at + 4], "big")
        assert header >> 21 == 0x7FF and (header >> 17) & 0xF == 0b1101, f"no frame at {at}"
        bitrate = kbps[(header >> 12) & 0xF]
        rates.append(bitrate)
        at += 144 * bitrate * 1000 // 44_100 + ((header >> 9) & 1)
    return rates


def test_chapters_match_audio(rendered_sample: Path) -> None:
    path = rendered_sample / "kursk-ar.mp3"
    tags = ID3(path)
    assert tags.version == (2, 3, 0)
    toc = tags.getall("CTOC")[0]
    chapters = [tags[f"CHAP:{cid}"] for cid in toc.child_element_ids]
    assert len(chapters) == 9
    titles = [str(c.sub_frames["TIT2"]) for c in chapters]
    assert titles[0] == "بوتين يشيد بمشاركة كوريا الشمالية في معركة كورسك"
    assert titles[1] == "روسيا تشيد بدور كوريا الشمالية في معركة كورسك"
    assert titles[-1] == "الخاتمة"
    assert chapters[0].start_time == 0
    assert all(a.end_time == b.start_time for a, b in itertools.pairwise(chapters))
    assert all(c.end_time > c.start_time for c in chapters)
    assert abs(chapters[-1].end_time - MP3(path).info.length * 1000) <= 50
    decoded, rate = soundfile.read(path)
    assert abs(chapters[-1].end_time - len(decoded) / rate * 1000) <= 50


def test_chapter_boundaries_fall_in_pauses(rendered_sample: Path) -> None:
    """Each chapter starts right where its speech starts: the 1.2 s segment pause lies just before
    it, so the 300 ms before every boundary is near-silent and the 300 ms after it is not."""
    path = rendered_sample / "kursk-ar.mp3"
    decoded, rate = soundfile.read(path)
    tags = ID3(path)
    for chapter in tags.getall("CHAP")[1:]:
        at = int(chapter.start_time * rate / 1000)
        before = decoded[at - int(0.35 * rate) : at - int(0.05 * rate)]
        after = decoded[at + int(0.05 * rate) : at + int(0.35 * rate)]
        assert np.sqrt(np.mean(before**2)) < 0.01
        assert np.sqrt(np.mean(after**2)) > 0.02


def test_loudness_is_podcast_norm(rendered_sample: Path) -> None:
    decoded, rate = soundfile.read(rendered_sample / "kursk-ar.mp3")
    meter = pyloudnorm.Meter(rate)
    # Dual-mono: the mono track played on both speakers.
    loudness = meter.integrated_loudness(np.stack([decoded, decoded], axis=1))
    # The issue allows ±1 LU; the encoder's level is compensated, so hold it tighter.
    assert loudness == pytest.approx(-16, abs=0.3)
    true_peak = 20 * np.log10(np.max(np.abs(resample_poly(decoded, 4, 1))))
    assert true_peak <= -1.0


def test_tags(rendered_sample: Path) -> None:
    tags = ID3(rendered_sample / "kursk-ar.mp3")
    assert str(tags["TIT2"]) == "بوتين يشيد بمشاركة كوريا الشمالية في معركة كورسك"
    assert str(tags["TLAN"]) == "ara"
    assert str(tags["TALB"]) == "أخبار مسموعة"
    transcript = (rendered_sample / "kursk-ar.txt").read_text(encoding="utf-8")
    assert tags.getall("USLT")[0].text == transcript


def test_transcript_has_a_titled_block_per_segment(rendered_sample: Path) -> None:
    transcript = (rendered_sample / "kursk-ar.txt").read_text(encoding="utf-8")
    blocks = transcript.strip().split("\n\n")
    assert len(blocks) == 9
    assert blocks[0].startswith("[1] بوتين يشيد")
    assert blocks[-1].startswith("[9] الخاتمة")


def test_json_chapters_match_id3(rendered_sample: Path) -> None:
    document = json.loads((rendered_sample / "kursk-ar.chapters.json").read_text(encoding="utf-8"))
    assert document["version"] == "1.2.0"
    tags = ID3(rendered_sample / "kursk-ar.mp3")
    frames = [tags[f"CHAP:{cid}"] for cid in tags.getall("CTOC")[0].child_element_ids]
    assert [c["title"] for c in document["chapters"]] == [str(f.sub_frames["TIT2"]) for f in frames]
    assert [round(c["startTime"] * 1000) for c in document["chapters"]] == [
        f.start_time for f in frames
    ]
    xml = (rendered_sample / "feed.xml").read_text(encoding="utf-8")
    assert (
        '<podcast:chapters url="http://localhost:8000/kursk-ar.chapters.json" '
        'type="application/json+chapters"/>' in xml
    )


def test_feed_parses_and_points_at_the_mp3(rendered_sample: Path) -> None:
    xml = (rendered_sample / "feed.xml").read_bytes()
    parsed = feedparser.parse(xml)
    assert not parsed.bozo
    feed = podcastparser.parse("http://localhost:8000/feed.xml", io.BytesIO(xml))
    (episode,) = feed["episodes"]
    enclosure = episode["enclosures"][0]
    assert enclosure["url"] == "http://localhost:8000/kursk-ar.mp3"
    assert enclosure["file_size"] == (rendered_sample / "kursk-ar.mp3").stat().st_size
    assert episode["total_time"] == round(MP3(rendered_sample / "kursk-ar.mp3").info.length)


def test_rerender_replaces_episode(rendered_sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(rendered_sample, out)
    other = tmp_path / "second.md"
    other.write_text(f"# خبر ثان\n\nفقرة قصيرة. {BRIEF}\n", encoding="utf-8")
    assert run_cli("render", other, "--out", out, "--quiet").exit_code == 0
    first_guid = json.loads((out / "kursk-ar.episode.json").read_text())["guid"]
    assert run_cli("render", SAMPLE, "--out", out, "--quiet").exit_code == 0
    parsed = feedparser.parse((out / "feed.xml").read_bytes())
    guids = [e.id for e in parsed.entries]
    assert len(guids) == 2 == len(set(guids))
    assert first_guid in guids


BAD_INPUTS = {
    "missing.txt": None,
    "folder.txt": "dir",
    "empty.txt": b"",
    "blank.txt": b"  \n \t\n",
    "binary.txt": b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4,
    "latin1.txt": "Café, naïve, résumé".encode("latin-1") + b"\x81",
    "english.txt": b"Breaking news in English only.\n",
    "chrome.txt": "أخبارسلايدر\nمقالات ذات صلة\nزر الذهاب إلى الأعلى\n".encode(),
    "huge.txt": "خبر طويل جدا. ".encode() * 200_000,
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_fails_cleanly(name: str, rendered_sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(rendered_sample, out)
    before = snapshot(out)
    path = tmp_path / name
    content = BAD_INPUTS[name]
    if content == "dir":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    result = run_cli("render", path, "--out", out)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"Error: {path}: ")
    assert "Traceback" not in result.output
    assert snapshot(out) == before


def test_bad_input_into_new_folder_creates_nothing(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    out = tmp_path / "fresh"
    assert run_cli("render", empty, "--out", out).exit_code == 2
    assert not out.exists()


def test_output_folder_that_is_a_file(tmp_path: Path) -> None:
    good = tmp_path / "good.md"
    good.write_text(f"# خبر قصير\n\n{BRIEF}\n", encoding="utf-8")
    out = tmp_path / "out"
    out.write_text("not a folder")
    result = run_cli("render", good, "--out", out)
    assert result.exit_code == 2
    assert result.stderr.strip().startswith(f"Error: {out}: cannot write the episode")
    assert out.read_text() == "not a folder"


def test_one_bad_article_does_not_stop_the_good(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    good = tmp_path / "good.md"
    good.write_text(f"# خبر قصير\n\n{BRIEF}\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("render", bad, good, "--out", out, "--quiet")
    assert result.exit_code == 1  # some articles of the batch failed
    assert f"Error: {bad}: is empty" in result.stderr
    assert (out / "good.mp3").is_file()
    assert len(feedparser.parse((out / "feed.xml").read_bytes()).entries) == 1


def test_base_url_note_once(tmp_path: Path) -> None:
    good = tmp_path / "good.md"
    good.write_text(f"# خبر قصير\n\n{BRIEF}\n", encoding="utf-8")
    result = run_cli("render", good, good, "--out", tmp_path / "out")
    assert result.exit_code == 0
    assert result.stderr.count("base_url") == 1
    # Piped output: no progress bar, just the summary lines.
    assert result.stdout.count("good.mp3") == 1  # given twice, rendered once


def test_configured_base_url(tmp_path: Path) -> None:
    config = tmp_path / "newsaudio.toml"
    config.write_text('[feed]\nbase_url = "https://cdn.example.com/ar"\ntitle = "نشرتي"\n')
    good = tmp_path / "good.md"
    good.write_text(f"# خبر قصير\n\n{BRIEF}\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("render", good, "--out", out, "--config", config)
    assert result.exit_code == 0
    assert "base_url" not in result.stderr
    parsed = feedparser.parse((out / "feed.xml").read_bytes())
    assert parsed.feed.title == "نشرتي"
    assert parsed.entries[0].enclosures[0].href == "https://cdn.example.com/ar/good.mp3"


def test_bad_config_is_one_line(tmp_path: Path) -> None:
    config = tmp_path / "newsaudio.toml"
    config.write_text("[feed]\nbase_ur = 'x'\n")
    result = run_cli("render", SAMPLE, "--config", config, "--out", tmp_path)
    assert result.exit_code == 2
    assert result.stderr.strip() == f"Error: {config}: unknown setting feed.base_ur"


def test_unknown_voice(tmp_path: Path) -> None:
    result = run_cli("render", SAMPLE, "--voice", "nobody", "--out", tmp_path)
    assert result.exit_code == 2
    assert "unknown voice 'nobody'" in result.stderr


def test_text_json() -> None:
    result = run_cli("text", SAMPLE, "--json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert [r["kind"] for r in rows] == ["headline"] + ["section"] * 7 + ["closing"]
    assert set(rows[0]) == {"kind", "title", "text", "sentences"}
    assert rows[1]["title"] == "روسيا تشيد بدور كوريا الشمالية في معركة كورسك"


def test_text_plain() -> None:
    result = run_cli("text", SAMPLE)
    assert result.exit_code == 0
    assert result.stdout.startswith("[1] headline: بوتين يشيد")


def test_text_bad_input(tmp_path: Path) -> None:
    result = run_cli("text", tmp_path / "nope.txt")
    assert result.exit_code == 2
    assert result.stderr.strip() == f"Error: {tmp_path / 'nope.txt'}: file not found"


def test_voices() -> None:
    result = run_cli("voices")
    assert result.exit_code == 0
    assert result.stdout.startswith("ar-espeak\tespeak\t")


def test_every_command_has_help_with_an_example() -> None:
    group = typer.main.get_command(app)
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        assert command.help and "Example:" in command.help, name
        result = run_cli(name, "--help")
        assert result.exit_code == 0


def test_markdown_metadata_reaches_tags_and_feed(tmp_path: Path) -> None:
    story = tmp_path / "story.md"
    story.write_text(
        "---\ntitle: خبر بتاريخ\ndate: 2025-05-07T08:00:00Z\nurl: https://example.com/a?x=1&y=2\n"
        f"source: وكالة المثال\nauthor: مراسلنا\n---\n\n{BRIEF}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert run_cli("render", story, "--out", out, "--quiet").exit_code == 0
    entry = feedparser.parse((out / "feed.xml").read_bytes()).entries[0]
    assert entry.published == "Wed, 07 May 2025 08:00:00 GMT"
    assert entry.link == "https://example.com/a?x=1&y=2"
    tags = ID3(out / "story.mp3")
    assert str(tags["TPE1"]) == "وكالة المثال"
    assert tags["COMM::ara"].text == ["https://example.com/a?x=1&y=2"]
    assert tags["COMM:voice:ara"].text[0].startswith("ar-espeak (")
    transcript = strip_marks((out / "story.txt").read_text(encoding="utf-8"))
    assert "من وكالة المثال." in transcript  # the sign-off names the source


def test_html_article_renders(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><body><nav>الرئيسية</nav><main><h1>عنوان الصفحة</h1><p>تمهيد.</p>"
        f"<h2>قسم</h2><p>نص القسم.</p><p>{BRIEF}</p></main></body></html>",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert run_cli("render", page, "--out", out, "--quiet").exit_code == 0
    tags = ID3(out / "page.mp3")
    assert [
        str(c.sub_frames["TIT2"]) for c in sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    ] == [
        "عنوان الصفحة",
        "قسم",
        "الخاتمة",
    ]


def test_same_file_names_in_two_folders_never_overwrite(tmp_path: Path) -> None:
    one, two = tmp_path / "a" / "story.md", tmp_path / "b" / "story.md"
    for path, title in ((one, "الخبر الأول"), (two, "الخبر الثاني")):
        path.parent.mkdir()
        path.write_text(f"# {title}\n\n{BRIEF}\n", encoding="utf-8")
    out = tmp_path / "out"
    assert run_cli("render", one, two, "--out", out, "--quiet").exit_code == 0
    assert (out / "story.mp3").is_file() and (out / "story-2.mp3").is_file()
    guid = json.loads((out / "story-2.episode.json").read_text())["guid"]
    # Re-rendering the second file replaces its own episode, not the first one's.
    assert run_cli("render", two, "--out", out, "--quiet").exit_code == 0
    assert not (out / "story-3.mp3").exists()
    assert json.loads((out / "story-2.episode.json").read_text())["guid"] == guid
    titles = sorted(e.title for e in feedparser.parse((out / "feed.xml").read_bytes()).entries)
    assert titles == ["الخبر الأول", "الخبر الثاني"]


PAGE = Path(__file__).parent / "data" / "pages" / "related-h3-sport.html"


def test_render_a_url_and_a_list(tmp_path: Path) -> None:
    """A page fetched from a (local) web server renders like a saved one; --from-list mixes URLs
    and paths; a failing URL is one line and the others still render."""
    story = tmp_path / "story.md"
    story.write_text(f"# خبر من ملف\n\n{BRIEF}\n", encoding="utf-8")
    with local_server() as server:
        server.routes["/sport/afc.html"] = reply(
            200, PAGE.read_bytes(), {"Content-Type": "text/html; charset=utf-8"}
        )
        good, missing = server.url("/sport/afc.html"), server.url("/gone.html")
        listing = tmp_path / "list.txt"
        listing.write_text(f"# today\n{good}\n\n{missing}  # removed\nstory.md\n")
        out = tmp_path / "out"
        result = run_cli("render", "--from-list", listing, "--out", out, "--quiet")
    assert result.exit_code == 1  # some failed (a 404 alone would be 2: the input)
    assert result.stderr.splitlines() == [f"Error: {missing}: HTTP 404 Not Found"]
    episodes = {e.title: e for e in feedparser.parse((out / "feed.xml").read_bytes()).entries}
    assert set(episodes) == {
        "خبر من ملف",
        "الاتحاد الآسيوي يقر توسيع دوري أبطال آسيا للنخبة إلى 32 فريقاً بدءاً من 2027",
    }
    assert (out / "story.mp3").is_file()
    assert (out / "127-0-0-1-afc.mp3").is_file()
    tags = ID3(out / "127-0-0-1-afc.mp3")
    canonical = tags.getall("WOAS")[0].url
    assert canonical.isascii() and canonical.startswith("https://")


def test_render_needs_something_to_render() -> None:
    result = run_cli("render")
    assert result.exit_code == 2
    assert "give article files, folders or URLs" in result.output


def test_refused_scheme_is_one_line(tmp_path: Path) -> None:
    result = run_cli("render", "ftp://example.com/a.html", "--out", tmp_path)
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "Error: ftp://example.com/a.html: only http and https URLs can be fetched, not ftp"
    )
