"""MPEG frames: MP3s joined without decoding or encoding again.

Every MP3 newsaudio encodes is MPEG-1 Layer III, 44.1 kHz mono, 96 kbps CBR, with no Xing/Info
header frame (lameenc writes none) — so two of them join into one stream by putting their frames
one after the other: each encoder run starts its bit reservoir afresh, and each frame is 1152
samples (26.122 ms). An edition is mastered article by article (in parallel, each at the podcast
loudness) and its MP3 is the pieces' frames in spoken order; a piece starts at a whole frame, so
its chapter and sentence times move by exactly the frames before it.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from newsaudio.audio.mp3 import SAMPLE_RATE
from newsaudio.errors import AudioError

SAMPLES_PER_FRAME = 1152  # MPEG-1 Layer III
_BITRATES_KBPS = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
_RATES = (44_100, 48_000, 32_000)


def frames_ms(frames: int) -> int:
    """How long ``frames`` MPEG-1 Layer III frames at 44.1 kHz play, in milliseconds.

    >>> frames_ms(38)
    993
    """
    return round(frames * SAMPLES_PER_FRAME * 1000 / SAMPLE_RATE)


def _id3_size(head: bytes) -> int:
    if head[:3] != b"ID3" or len(head) < 10:
        return 0
    size = 0
    for byte in head[6:10]:
        size = (size << 7) | (byte & 0x7F)
    return 10 + size + (10 if head[5] & 0x10 else 0)


def frame_spans(data: bytes, name: object = "MP3") -> list[tuple[int, int]]:
    """(start, end) of each audio frame of an MP3's bytes: an ID3v2 tag in front, an ID3v1 tag
    behind and a Xing/Info header frame are not audio frames. Raises AudioError for anything but
    MPEG-1 Layer III at 44.1 kHz."""
    pos = _id3_size(data[:10])
    end = len(data) - (128 if data[-128:-125] == b"TAG" else 0)
    spans: list[tuple[int, int]] = []
    while pos + 4 <= end:
        header = int.from_bytes(data[pos : pos + 4], "big")
        layer_iii = header >> 21 == 0x7FF and (header >> 19) & 3 == 3 and (header >> 17) & 3 == 1
        bitrate = _BITRATES_KBPS[(header >> 12) & 0xF] * 1000 if layer_iii else 0
        if not bitrate or _RATES[min((header >> 10) & 3, 2)] != SAMPLE_RATE:
            raise AudioError(f"{name}: not a 44.1 kHz MPEG-1 Layer III frame at byte {pos}")
        size = 144 * bitrate // SAMPLE_RATE + ((header >> 9) & 1)
        frame = data[pos : pos + size]
        if spans or not (b"Xing" in frame[:64] or b"Info" in frame[:64]):
            spans.append((pos, pos + size))
        pos += size
    return spans


def append_frames(source: Path, out: BinaryIO) -> int:
    """Copy the audio frames of the MP3 at ``source`` to ``out``; returns how many. (A piece is
    minutes of audio at 12 kB/s: it is read whole.)"""
    data = source.read_bytes()
    spans = frame_spans(data, source)
    if spans:
        out.write(data[spans[0][0] : spans[-1][1]])
    return len(spans)
