"""Captions: WebVTT and SRT read back by our parser and by webvtt-py, hostile text included."""

from __future__ import annotations

import html
import io
import itertools

import pytest
import webvtt

from newsaudio.publishing.captions import (
    PDF,
    RLE,
    RLM,
    Cue,
    format_srt,
    format_vtt,
    parse_vtt,
    split_long,
)

HOSTILE = [
    "<script>alert(1)</script>",
    "00:00:01.000 --> 00:00:02.000",
    "a --> b",
    "&amp; & &lt; ]]> \"'",
    "سطر\n\nبعد سطر فارغ",
    "عنوان\u202e مقلوب\x00 {\\an8}<i>مائل</i>",
    "NOTE ليس تعليقا",
    "WEBVTT",
    "1",
]
SENTENCES = [
    "قال المتحدث إن الفرق الفنية تواصل عملها.",
    "BBC: الأوضاع تحت السيطرة؟",
    "2024 عام الانتخابات.",
]


def _cues(texts: list[str]) -> list[Cue]:
    return [Cue(i * 1000, i * 1000 + 900, text) for i, text in enumerate(texts)]


def _expected(text: str) -> str:
    """What a cue's text reads as after the file's clean-up: controls and overrides dropped,
    blank lines removed."""
    lines = [
        " ".join(line.replace("\x00", "").replace("\u202e", "").split())
        for line in text.split("\n")
    ]
    return "\n".join(line for line in lines if line)


def test_vtt_round_trip_through_our_parser() -> None:
    cues = _cues(SENTENCES + HOSTILE)
    parsed = parse_vtt(format_vtt(cues))
    assert parsed == [Cue(c.start_ms, c.end_ms, _expected(c.text)) for c in cues]


def test_hostile_text_cannot_break_the_vtt_for_another_parser() -> None:
    cues = _cues(HOSTILE)
    document = format_vtt(cues)
    assert "<" not in document and "-->" not in document.replace(" --> ", "")
    captions = webvtt.from_buffer(io.StringIO(document)).captions
    assert [(c.start_time.in_milliseconds(), c.end_time.in_milliseconds()) for c in captions] == [
        (c.start_ms, c.end_ms) for c in cues
    ]
    # webvtt-py keeps entities and our bidi marks as they are in the file.
    texts = [
        "\n".join(html.unescape(line.strip(RLM + RLE + PDF)) for line in c.text.split("\n"))
        for c in captions
    ]
    assert texts == [_expected(c.text) for c in cues]


def test_every_caption_line_displays_right_to_left() -> None:
    for document in (format_vtt(_cues(SENTENCES)), format_srt(_cues(SENTENCES))):
        text_lines = [line for line in document.split("\n") if line and "-->" not in line][
            1:
        ]  # after the WEBVTT header / the first cue number
        for line in text_lines:
            if not line.isdigit():
                assert line.startswith(RLM + RLE) and line.endswith(PDF), repr(line)


def test_srt_is_numbered_and_hostile_text_makes_no_timing_line_or_tag() -> None:
    cues = _cues(SENTENCES + HOSTILE)
    blocks = format_srt(cues).rstrip("\n").split("\n\n")
    assert len(blocks) == len(cues)
    for number, (block, cue) in enumerate(zip(blocks, cues, strict=True), start=1):
        index, timing, *lines = block.split("\n")
        assert index == str(number)
        assert timing == (
            f"00:00:{cue.start_ms // 1000:02d},{cue.start_ms % 1000:03d} --> "
            f"00:00:{cue.end_ms // 1000:02d},{cue.end_ms % 1000:03d}"
        )
        assert lines and all("-->" not in line and "<i" not in line for line in lines)
    # webvtt-py's SRT reader finds the same cues.
    captions = webvtt.from_buffer(io.StringIO(format_srt(cues)), format="srt").captions
    assert [c.start_time.in_milliseconds() for c in captions] == [c.start_ms for c in cues]


def test_empty_cues_are_left_out_and_srt_numbers_stay_consecutive() -> None:
    cues = [Cue(0, 500, "أ"), Cue(500, 900, " \x00\n "), Cue(900, 1200, "ب")]
    assert len(parse_vtt(format_vtt(cues))) == 2
    assert [b.split("\n")[0] for b in format_srt(cues).rstrip().split("\n\n")] == ["1", "2"]


@pytest.mark.parametrize("formatter", [format_vtt, format_srt])
def test_overlapping_cues_are_refused(formatter: object) -> None:
    with pytest.raises(ValueError, match="overlap"):
        formatter([Cue(0, 1000, "أ"), Cue(999, 2000, "ب")])  # type: ignore[operator]


def test_cue_times_are_checked() -> None:
    with pytest.raises(ValueError):
        Cue(500, 500, "أ")
    with pytest.raises(ValueError):
        Cue(-1, 5, "أ")


def test_long_hours_and_parser_errors() -> None:
    assert parse_vtt(format_vtt([Cue(100 * 3600_000, 100 * 3600_000 + 1, "أ")]))[0].start_ms == (
        360_000_000
    )
    with pytest.raises(ValueError, match="WEBVTT"):
        parse_vtt("00:00:00.000 --> 00:00:01.000\nأ\n")
    with pytest.raises(ValueError, match="timestamp"):
        parse_vtt("WEBVTT\n\n0:0:1 --> 00:00:01.000\nأ\n")


LONG = (
    "وقال المتحدث باسم الوزارة في مؤتمر صحفي عقده صباح اليوم إن الفرق الفنية تواصل عملها، "
    "وإن الأوضاع تحت السيطرة الكاملة؛ مؤكدا أن السلطات ستعلن نتائج التحقيق الأولية: "
    "خلال الأيام القليلة المقبلة، بعد انتهاء عمل اللجان المختصة في المنطقة كلها."
)


@pytest.mark.parametrize("max_chars", [30, 60, 84])
def test_a_long_sentence_is_split_at_pauses_into_touching_cues(max_chars: int) -> None:
    cues = split_long(LONG, 2_000, 17_000, max_chars=max_chars)
    assert len(cues) > 1
    assert cues[0].start_ms == 2_000 and cues[-1].end_ms == 17_000
    for before, after in itertools.pairwise(cues):
        assert before.end_ms == after.start_ms
    assert all(len(c.text) <= max_chars for c in cues)
    assert " ".join(c.text for c in cues) == LONG
    if max_chars == 84:  # every clause fits: every cue ends at a pause mark or the full stop
        assert all(c.text[-1] in "،؛:." for c in cues)


def test_split_long_keeps_short_sentences_and_tiny_durations_whole() -> None:
    assert split_long("جملة قصيرة.", 0, 800) == [Cue(0, 800, "جملة قصيرة.")]
    cues = split_long(LONG, 0, 2, max_chars=20)
    assert cues[0].start_ms == 0 and cues[-1].end_ms == 2
    assert " ".join(c.text for c in cues) == LONG
    format_vtt(cues)  # still valid: no overlap, no empty cue
