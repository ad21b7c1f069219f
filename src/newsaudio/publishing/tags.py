"""Stage 6: ID3 tags and chapters, written with mutagen.

We write **ID3v2.3** without an ID3v1 tag: v2.3 is the version podcast apps and car stereos read
most reliably (Apple Podcasts, Overcast and many players still parse v2.3 best; v2.4's synchsafe
frame sizes trip older readers), and ID3v1 cannot hold Arabic.

Chapters follow the ID3v2 Chapter Frame Addendum: one top-level, ordered CTOC listing one CHAP per
segment, each CHAP carrying its own TIT2 title (and, for a navigation point made at a paragraph, a
TIT3 description saying so). mutagen writes frames sorted by size, so chapters
could land in the file out of time order (mutagen issue #506) and players that read file order
would list them wrong; :class:`_ChapteredID3` re-orders the frame bytes so CTOC and the CHAPs in
time order close the tag.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from mutagen import MutagenError
from mutagen.id3 import (
    CHAP,
    COMM,
    CTOC,
    ID3,
    PCST,
    TALB,
    TCON,
    TDES,
    TDRC,
    TENC,
    TIT2,
    TIT3,
    TLAN,
    TPE1,
    TPUB,
    TXXX,
    USLT,
    WOAS,
    CTOCFlags,
)
from mutagen.mp3 import MP3

from newsaudio.audio.segments import ChapterMark
from newsaudio.errors import TagError
from newsaudio.reading.script import paragraph_label

ID3_VERSION = 3
LANGUAGE = "ara"  # ISO 639-2, as ID3 language fields require
TOC_TITLE = "الفصول"
MAX_ID3_CHAPTERS = 255  # CTOC's entry count is one byte
GUID_DESC = "GUID"
CORRECTIONS_DESC = "newsaudio corrections"


@dataclass(frozen=True)
class ChapterGroup:
    """Chapters grouped under a title of their own: an edition's article (a second-level CTOC).
    ``first`` and ``count`` select the group's run of :attr:`EpisodeTags.chapters`."""

    title: str
    first: int
    count: int


@dataclass(frozen=True)
class EpisodeTags:
    """Everything written into the MP3's tag."""

    title: str
    artist: str
    album: str
    date: datetime
    transcript: str
    chapters: tuple[ChapterMark, ...]
    description: str = ""
    url: str | None = None
    # Which voice profiles spoke, e.g. "ar-gtts (gTTS 2.5.4); ar-espeak (…)" after a fallback.
    voice: str = ""
    genre: str = "Podcast"
    encoder: str = "newsaudio"
    # The feed item's GUID (TXXX:GUID), so a catalog rebuilt from the MP3s keeps every GUID.
    guid: str = ""
    # An edition's articles: the top-level table of contents lists each group's CTOC (and any
    # chapter in no group, the opening) in time order; each group's CTOC lists its chapters.
    groups: tuple[ChapterGroup, ...] = ()
    # The proofreader's corrections this episode was spoken with (JSON, see
    # publishing/corrections.py): a catalog rebuilt from the MP3s gets them back.
    corrections: str = ""


def mp3_duration_ms(path: Path) -> int:
    """The duration players see, from the MP3 stream itself."""
    try:
        info = MP3(path).info
    except MutagenError as exc:
        raise TagError(f"{path}: cannot read MP3 stream ({exc})") from exc
    if info is None:
        raise TagError(f"{path}: no MP3 stream found")
    return round(float(info.length) * 1000)


def write_tags(path: Path, tags: EpisodeTags) -> None:
    """Replace the tag of the MP3 at ``path`` with ``tags`` (ID3v2.3, chapters in time order)."""
    id3 = _ChapteredID3()
    id3.add(TIT2(encoding=1, text=[tags.title]))
    id3.add(TPE1(encoding=1, text=[tags.artist]))
    id3.add(TPUB(encoding=1, text=[tags.artist]))
    id3.add(TALB(encoding=1, text=[tags.album]))
    id3.add(TDRC(encoding=1, text=[tags.date.strftime("%Y-%m-%d")]))
    id3.add(TLAN(encoding=1, text=[LANGUAGE]))
    id3.add(TCON(encoding=1, text=[tags.genre]))
    id3.add(TENC(encoding=1, text=[tags.encoder]))
    # iTunes' podcast frames: the flag, and the description podcast apps show.
    id3.add(PCST(value=1))
    if tags.description:
        id3.add(TDES(encoding=1, text=[tags.description]))
    if tags.url:
        id3.add(COMM(encoding=1, lang=LANGUAGE, desc="", text=[tags.url]))
        id3.add(WOAS(url=tags.url))
    if tags.voice:
        id3.add(COMM(encoding=1, lang=LANGUAGE, desc="voice", text=[tags.voice]))
    if tags.guid:
        id3.add(TXXX(encoding=1, desc=GUID_DESC, text=[tags.guid]))
    if tags.corrections:
        id3.add(TXXX(encoding=1, desc=CORRECTIONS_DESC, text=[tags.corrections]))
    id3.add(USLT(encoding=1, lang=LANGUAGE, desc="", text=tags.transcript))
    if tags.groups:
        _add_grouped_chapters(id3, tags.chapters, tags.groups)
    else:
        chapters = fit_chapters(tags.chapters)
        ids = [f"chp{i:02d}" for i in range(1, len(chapters) + 1)]
        id3.add(_toc("toc", TOC_TITLE, ids, top=True))
        for element_id, chapter in zip(ids, chapters, strict=True):
            id3.add(_chap(element_id, chapter))
    try:
        id3.save(path, v1=0, v2_version=ID3_VERSION)
    except MutagenError as exc:
        raise TagError(f"{path}: cannot write ID3 tag ({exc})") from exc


def _toc(element_id: str, title: str, children: list[str], top: bool = False) -> CTOC:
    flags = CTOCFlags.ORDERED | (CTOCFlags.TOP_LEVEL if top else 0)
    return CTOC(
        element_id=element_id,
        flags=flags,
        child_element_ids=children,
        sub_frames=[TIT2(encoding=1, text=[title])],
    )


def _chap(element_id: str, chapter: ChapterMark) -> CHAP:
    sub_frames: list[Any] = [TIT2(encoding=1, text=[chapter.title])]
    if chapter.paragraph:
        # The addendum's description sub-frame: a navigation point at a paragraph, not a heading.
        sub_frames.append(TIT3(encoding=1, text=[paragraph_label()]))
    return CHAP(
        element_id=element_id,
        start_time=chapter.start_ms,
        end_time=chapter.end_ms,
        # 0xFFFFFFFF: no byte offsets, players use the times.
        start_offset=0xFFFFFFFF,
        end_offset=0xFFFFFFFF,
        sub_frames=sub_frames,
    )


def _add_grouped_chapters(
    id3: ID3, chapters: tuple[ChapterMark, ...], groups: tuple[ChapterGroup, ...]
) -> None:
    """A two-level table of contents: top CTOC → one CTOC per group → its CHAPs. Each CTOC
    counts its entries in one byte: a group of more than 255 chapters is merged by
    :func:`fit_chapters`, and so is a top level of more than 255 entries."""
    grouped = {g.first: g for g in groups}
    top: list[str] = []
    index = 0
    while index < len(chapters):
        group = grouped.get(index)
        if group is None:  # a chapter of its own at the top (an edition's opening, closing)
            top.append(f"chp{index + 1:03d}")
            id3.add(_chap(top[-1], chapters[index]))
            index += 1
            continue
        element_id = f"art{groups.index(group) + 1:03d}"
        run = fit_chapters(chapters[index : index + group.count])
        ids = [f"{element_id}c{i:03d}" for i in range(1, len(run) + 1)]
        id3.add(_toc(element_id, group.title, ids))
        for chap_id, chapter in zip(ids, run, strict=True):
            id3.add(_chap(chap_id, chapter))
        top.append(element_id)
        index += group.count
    if len(top) > MAX_ID3_CHAPTERS:
        raise TagError(f"{len(top)} articles: an ID3 table of contents holds at most 255")
    id3.add(_toc("toc", TOC_TITLE, top, top=True))


def read_tags(path: Path) -> EpisodeTags:
    """The tag :func:`write_tags` wrote, read back (to rebuild a lost catalog from the MP3s).

    Frames another tagger left out read as empty; the date is the day TDRC holds, at 00:00 UTC.
    """
    try:
        id3 = ID3(path)
    except MutagenError as exc:
        raise TagError(f"{path}: cannot read ID3 tag ({exc})") from exc

    def text(frame_id: str) -> str:
        frame = id3.get(frame_id)
        return str(frame.text[0]) if frame is not None and frame.text else ""

    comments = {c.desc: str(c.text[0]) for c in id3.getall("COMM") if c.text}
    lyrics = id3.getall("USLT")
    try:
        date = datetime.strptime(text("TDRC")[:10], "%Y-%m-%d").replace(tzinfo=timezone.utc)
    except ValueError as exc:
        raise TagError(f"{path}: no recording date (TDRC) in the ID3 tag") from exc
    chapters = sorted(id3.getall("CHAP"), key=lambda c: c.start_time)
    return EpisodeTags(
        title=text("TIT2"),
        artist=text("TPE1"),
        album=text("TALB"),
        date=date,
        transcript=str(lyrics[0].text) if lyrics else "",
        chapters=tuple(
            ChapterMark(
                str(c.sub_frames["TIT2"].text[0]) if "TIT2" in c.sub_frames else "",
                c.start_time,
                c.end_time,
                "TIT3" in c.sub_frames and c.sub_frames["TIT3"].text == [paragraph_label()],
            )
            for c in chapters
        ),
        description=text("TDES"),
        url=comments.get("") or None,
        voice=comments.get("voice", ""),
        encoder=text("TENC"),
        guid=text(f"TXXX:{GUID_DESC}"),
        corrections=text(f"TXXX:{CORRECTIONS_DESC}"),
    )


def fit_chapters(
    chapters: tuple[ChapterMark, ...], limit: int = MAX_ID3_CHAPTERS
) -> tuple[ChapterMark, ...]:
    """At most ``limit`` chapters: an ID3 table of contents counts its entries in one byte. A
    longer list is grouped into runs of consecutive chapters, each named after its first; the JSON
    chapters keep every one.

    >>> marks = tuple(ChapterMark(str(i), i * 10, i * 10 + 10) for i in range(5))
    >>> [(c.title, c.start_ms, c.end_ms) for c in fit_chapters(marks, 2)]
    [('0', 0, 30), ('3', 30, 50)]
    """
    if len(chapters) <= limit:
        return chapters
    size = -(-len(chapters) // limit)
    runs = [chapters[i : i + size] for i in range(0, len(chapters), size)]
    return tuple(ChapterMark(run[0].title, run[0].start_ms, run[-1].end_ms) for run in runs)


class _ChapteredID3(ID3):
    """mutagen's ID3 with chapter frames written last, CTOC first, CHAPs by start time."""

    def _write(self, config: Any) -> bytearray:
        data = bytes(super()._write(config))
        return bytearray(order_chapter_frames(data, config.v2_version))


def _frames(data: bytes, version: int) -> list[tuple[str, bytes]]:
    """Split the frame area of an ID3v2.3/2.4 tag into (frame id, frame bytes)."""
    frames = []
    pos = 0
    while pos + 10 <= len(data) and data[pos : pos + 4] != b"\0\0\0\0":
        raw_size = data[pos + 4 : pos + 8]
        if version == 4:  # synchsafe: 7 bits per byte
            size = sum((b & 0x7F) << (7 * (3 - i)) for i, b in enumerate(raw_size))
        else:
            size = struct.unpack(">I", raw_size)[0]
        end = pos + 10 + size
        frames.append((data[pos : pos + 4].decode("latin-1"), data[pos:end]))
        pos = end
    return frames


def _chap_start(frame: bytes) -> int:
    body = frame[10:]
    id_end = body.index(b"\0")
    return int(struct.unpack(">I", body[id_end + 1 : id_end + 5])[0])


def _toc_order(frame: bytes) -> tuple[bool, bytes]:
    body = frame[10:]
    id_end = body.index(b"\0")
    top_level = bool(body[id_end + 1] & CTOCFlags.TOP_LEVEL)
    return not top_level, body[:id_end]


def order_chapter_frames(data: bytes, version: int) -> bytes:
    """Frame bytes re-ordered: other frames as given, then the CTOCs (the top-level one first,
    then by element id: an edition's articles in order), then CHAPs by start time."""
    frames = _frames(data, version)
    others = [raw for fid, raw in frames if fid not in {"CHAP", "CTOC"}]
    tocs = sorted((raw for fid, raw in frames if fid == "CTOC"), key=_toc_order)
    chaps = sorted((raw for fid, raw in frames if fid == "CHAP"), key=_chap_start)
    consumed = sum(len(raw) for _, raw in frames)
    return b"".join([*others, *tocs, *chaps]) + data[consumed:]
