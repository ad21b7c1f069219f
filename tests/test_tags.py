"""Stage 6: ID3v2.3 tags and chapters, read back with mutagen."""

from __future__ import annotations

import itertools
import re
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pytest
from mutagen.id3 import ID3, CTOCFlags
from mutagen.mp3 import MP3

from newsaudio.audio.mp3 import write_mp3
from newsaudio.audio.segments import ChapterMark
from newsaudio.errors import TagError
from newsaudio.publishing.tags import EpisodeTags, mp3_duration_ms, order_chapter_frames, write_tags

# Titles of very different lengths: mutagen alone would sort these CHAP frames by size.
TITLES = ["عنوان طويل جدا جدا جدا جدا جدا جدا جدا", "قصير", "متوسط الطول هنا", "الخاتمة"]


@pytest.fixture
def mp3(tmp_path: Path) -> Path:
    """A real 2-second MP3 (a quiet tone), made with the project's encoder."""
    t = np.arange(2 * 44100) / 44100
    path = tmp_path / "tone.mp3"
    write_mp3([0.1 * np.sin(2 * np.pi * 440 * t)], path)
    return path


def _tags(duration_ms: int) -> EpisodeTags:
    bounds = [0, 300, 900, 1500, duration_ms]
    chapters = tuple(ChapterMark(t, bounds[i], bounds[i + 1]) for i, t in enumerate(TITLES))
    return EpisodeTags(
        title="عنوان & <خبر>",
        artist="الناشر",
        album="أخبار مسموعة",
        date=datetime(2025, 5, 7, tzinfo=timezone.utc),
        transcript="النص الكامل\nكما قيل.",
        chapters=chapters,
        description="وصف",
        url="https://example.com/a",
    )


def test_tags_read_back(mp3: Path) -> None:
    write_tags(mp3, _tags(mp3_duration_ms(mp3)))
    tags = ID3(mp3)
    assert tags.version == (2, 3, 0)
    assert str(tags["TIT2"]) == "عنوان & <خبر>"
    assert str(tags["TPE1"]) == "الناشر"
    assert str(tags["TALB"]) == "أخبار مسموعة"
    assert str(tags["TLAN"]) == "ara"
    assert str(tags["TCON"]) == "Podcast"
    assert str(tags["TDRC"]).startswith("2025")
    assert tags["PCST"].value == 1
    comment = tags.getall("COMM")[0]
    assert comment.lang == "ara" and comment.text == ["https://example.com/a"]
    lyrics = tags.getall("USLT")[0]
    assert lyrics.lang == "ara" and lyrics.text == "النص الكامل\nكما قيل."


def test_chapters(mp3: Path) -> None:
    duration = mp3_duration_ms(mp3)
    write_tags(mp3, _tags(duration))
    tags = ID3(mp3)
    toc = tags.getall("CTOC")[0]
    assert toc.flags & CTOCFlags.TOP_LEVEL and toc.flags & CTOCFlags.ORDERED
    chapters = [tags[f"CHAP:{cid}"] for cid in toc.child_element_ids]
    assert [str(c.sub_frames["TIT2"]) for c in chapters] == TITLES
    assert chapters[0].start_time == 0
    assert all(a.end_time == b.start_time for a, b in itertools.pairwise(chapters))
    assert abs(chapters[-1].end_time - MP3(mp3).info.length * 1000) <= 50


def test_chapter_frames_are_in_time_order_in_the_file(mp3: Path) -> None:
    """mutagen sorts frames by size; players reading file order must still see time order."""
    write_tags(mp3, _tags(mp3_duration_ms(mp3)))
    raw = mp3.read_bytes()[:20_000]
    positions = [m.start() for m in re.finditer(b"CHAP", raw)]
    ids = [raw[p + 10 : p + 15].decode() for p in positions]
    assert ids == ["chp01", "chp02", "chp03", "chp04"]
    assert raw.index(b"CTOC") < positions[0]


def test_no_id3v1_tag(mp3: Path) -> None:
    write_tags(mp3, _tags(mp3_duration_ms(mp3)))
    assert mp3.read_bytes()[-128:-125] != b"TAG"


def test_order_chapter_frames_keeps_other_bytes() -> None:
    def frame(fid: bytes, body: bytes) -> bytes:
        return fid + len(body).to_bytes(4, "big") + b"\0\0" + body

    def chap(cid: bytes, start: int) -> bytes:
        return frame(b"CHAP", cid + b"\0" + start.to_bytes(4, "big") + b"\0" * 12)

    data = chap(b"b", 500) + frame(b"TIT2", b"\x00x") + chap(b"a", 0) + b"\0" * 8
    ordered = order_chapter_frames(data, 3)
    assert ordered == frame(b"TIT2", b"\x00x") + chap(b"a", 0) + chap(b"b", 500) + b"\0" * 8


def test_not_an_mp3(tmp_path: Path) -> None:
    bad = tmp_path / "bad.mp3"
    bad.write_bytes(b"not audio")
    with pytest.raises(TagError, match=r"bad\.mp3"):
        mp3_duration_ms(bad)


def test_more_chapters_than_an_id3_table_holds(mp3: Path) -> None:
    """A long article can have more sections than CTOC's one-byte count: they are grouped."""
    marks = tuple(ChapterMark(f"فصل {i}", i * 1000, i * 1000 + 1000) for i in range(600))
    write_tags(mp3, replace(_tags(2000), chapters=marks))
    path = mp3
    chapters = sorted(ID3(path).getall("CHAP"), key=lambda c: c.start_time)
    assert len(chapters) == 200
    assert chapters[0].start_time == 0 and chapters[-1].end_time == 600_000
