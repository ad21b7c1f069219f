"""MPEG frames: MP3s joined without decoding or encoding again.

Every MP3 newsaudio encodes is MPEG-1 Layer III, 44.1 kHz mono, 96 kbps CBR, with no Xing/Info
header frame (lameenc writes none) — so two of them join into one stream by putting their frames
one after the other: each encoder run starts its bit reservoir afresh, and each frame is 1152
samples (26.122 ms). An edition is mastered article by article (in parallel, each at the podcast
loudness) and its MP3 is the pieces' frames in spoken order; a piece starts at a whole frame, so
its chapter and sentence times move by exactly the frames before it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
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


def _frame_size(header: bytes, name: object, position: int) -> int:
    """The length in bytes of the frame whose 4-byte header is ``header``."""
    value = int.from_bytes(header, "big") if len(header) == 4 else 0
    layer_iii = value >> 21 == 0x7FF and (value >> 19) & 3 == 3 and (value >> 17) & 3 == 1
    bitrate = _BITRATES_KBPS[(value >> 12) & 0xF] * 1000 if layer_iii else 0
    if not bitrate or _RATES[min((value >> 10) & 3, 2)] != SAMPLE_RATE:
        raise AudioError(f"{name}: not a 44.1 kHz MPEG-1 Layer III frame at byte {position}")
    return 144 * bitrate // SAMPLE_RATE + ((value >> 9) & 1)


def _frames(mp3: BinaryIO, name: object) -> Iterator[bytes]:
    """The audio frames of an MP3, one at a time: an ID3v2 tag in front, an ID3v1 tag behind and
    a Xing/Info header frame are not audio frames."""
    head = mp3.read(10)
    position = 0
    if head[:3] == b"ID3" and len(head) == 10:
        size = 0
        for byte in head[6:10]:
            size = (size << 7) | (byte & 0x7F)
        position = 10 + size + (10 if head[5] & 0x10 else 0)
    mp3.seek(position)
    first = True
    while len(header := mp3.read(4)) == 4 and header[:3] != b"TAG":
        size = _frame_size(header, name, position)
        frame = header + mp3.read(size - 4)
        if len(frame) < size:
            raise AudioError(f"{name}: the last frame is cut short at byte {position}")
        if not (first and (b"Xing" in frame[:64] or b"Info" in frame[:64])):
            yield frame
        first = False
        position += size


def count_frames(path: Path) -> int:
    """How many audio frames the MP3 at ``path`` has."""
    with path.open("rb") as mp3:
        return sum(1 for _ in _frames(mp3, path))


def audio_digest(path: Path) -> str:
    """A digest of the MP3's audio frames, whatever its tag says: the same audio, the same
    digest."""
    digest = hashlib.sha256()
    with path.open("rb") as mp3:
        for frame in _frames(mp3, path):
            digest.update(frame)
    return digest.hexdigest()


def append_frames(source: Path, out: BinaryIO) -> int:
    """Copy the audio frames of the MP3 at ``source`` to ``out``, a frame at a time (memory
    does not grow with the file); returns how many."""
    count = 0
    with source.open("rb") as mp3:
        for frame in _frames(mp3, source):
            out.write(frame)
            count += 1
    return count
