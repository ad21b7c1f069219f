"""Mastered chapters in the cache: what mastering keeps so that a re-render encodes only the
chapters whose sound changed (see audio/chapters.py).

Two kinds of entries beside the sentences: a chapter's *measure* (its loudness steps, block peaks
and sentence times), keyed by the chapter's content — its sentences' keys, the pauses, its chime,
the pause after it and the mastering code (:meth:`ChapterCache.segment_key`) — and the chapter
*encoded* at one gain, keyed by that content key and the gain. Nothing is kept once a voice of the
render fell back to another: its chapters are not what their keys say, and the next render should
try the chosen voice again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import struct
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from newsaudio.audio.chapters import BlockPeaks, ChapterMeasure
from newsaudio.files import atomic_path
from newsaudio.speech.cache import AudioCache, canonical, mastering_version, touch
from newsaudio.speech.engines.base import Engine
from newsaudio.speech.voices import VoiceProfile

if TYPE_CHECKING:
    from newsaudio.textprep import PreparedSegment

log = logging.getLogger(__name__)

_HEADER = struct.Struct("<4sI")
_MEASURE_MAGIC = b"NAM1"  # chapter measure: magic, header length, JSON header, steps, peaks
_MEASURE_SUFFIX = ".measure"
_PIECE_MAGIC = b"NAC1"  # encoded chapter: magic, its MP3's length (uint32 LE), the MP3 frames
_PIECE_SUFFIX = ".chapter"


def segment_key(
    cache: AudioCache,
    segment: PreparedSegment,
    profile: VoiceProfile,
    engine: Engine,
    earcon: bool,
    pause_after_ms: int,
) -> str:
    """The content key of ``segment`` spoken by ``engine`` and mastered as a chapter: its
    sentences' keys, the pauses, its chime and the pause after it, and the mastering code."""
    identity = {
        "sentences": [[cache.key(s, profile, engine) for s in block] for block in segment.blocks],
        "pauses": asdict(profile.pauses),
        "earcon": earcon,
        "after": pause_after_ms,
        "mastering": mastering_version(),
    }
    return hashlib.sha256(canonical(identity)).hexdigest()


class ChapterCache:
    """The cache as mastering's :class:`~newsaudio.audio.chapters.ChapterStore`. ``fell_back``
    tells whether a voice of this render failed and its fallback spoke: nothing is kept then."""

    def __init__(self, cache: AudioCache, fell_back: Callable[[], bool]) -> None:
        self.cache = cache
        self.fell_back = fell_back

    def measure(self, key: str) -> ChapterMeasure | None:
        """The chapter measure kept under ``key``, or None (missing or unreadable)."""
        path = self.cache.entry_path(key, _MEASURE_SUFFIX)
        try:
            data = path.read_bytes()
            magic, length = _HEADER.unpack_from(data)
            if magic != _MEASURE_MAGIC:
                raise ValueError("not a chapter measure")
            header = json.loads(data[_HEADER.size : _HEADER.size + length])
            arrays = data[_HEADER.size + length :]
            steps = np.frombuffer(arrays, dtype="<f8", count=int(header["steps"]))
            counts = np.frombuffer(arrays, dtype="<i8", offset=steps.nbytes)
            measure = ChapterMeasure(
                int(header["samples"]),
                steps.astype(np.float64),
                BlockPeaks(counts.astype(np.int64), bool(header["heard"])),
                tuple((str(t), float(a), float(b)) for t, a, b in header["sentences"]),
            )
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, struct.error) as exc:
            log.warning("audio cache: %s cannot be used (%s); speaking again", path, exc)
            path.unlink(missing_ok=True)
            return None
        touch(path)
        return measure

    def keep_measure(self, key: str, measure: ChapterMeasure) -> None:
        """Keep ``measure`` under ``key``; a failure is only logged."""
        if self.fell_back():
            return
        header = canonical(
            {
                "samples": measure.samples,
                "heard": measure.peaks.heard,
                "steps": len(measure.steps),
                "sentences": measure.sentences,
            }
        )
        data = b"".join(
            [
                _HEADER.pack(_MEASURE_MAGIC, len(header)),
                header,
                measure.steps.astype("<f8").tobytes(),
                measure.peaks.counts.astype("<i8").tobytes(),
            ]
        )
        self.cache.write_entry(self.cache.entry_path(key, _MEASURE_SUFFIX), data)

    def piece(self, key: str, mp3: Path) -> bool:
        """Copy the encoded chapter kept under ``key`` to ``mp3``; False when there is none (or
        it cannot be read, when it goes). A destination that cannot be written is the caller's
        error."""
        path = self.cache.entry_path(_name(key), _PIECE_SUFFIX)
        try:
            entry = path.open("rb")
        except FileNotFoundError:
            return False
        except OSError as exc:
            log.warning("audio cache: %s cannot be read (%s); encoding again", path, exc)
            return False
        with entry:
            try:
                magic, size = _HEADER.unpack(entry.read(_HEADER.size))
                if magic != _PIECE_MAGIC:
                    raise ValueError("not an encoded chapter")
            except (OSError, ValueError, struct.error) as exc:
                log.warning("audio cache: %s cannot be used (%s); encoding again", path, exc)
                path.unlink(missing_ok=True)
                return False
            with mp3.open("wb") as out:
                shutil.copyfileobj(entry, out)
                copied = out.tell()
        if copied != size:
            log.warning("audio cache: %s is truncated; encoding again", path)
            path.unlink(missing_ok=True)
            return False
        touch(path)
        return True

    def keep_piece(self, key: str, mp3: Path) -> None:
        """Keep the encoded chapter in ``mp3`` under ``key``, unless it would crowd out more than
        a quarter of the cache."""
        if self.fell_back():
            return
        try:
            size = mp3.stat().st_size
            if size > self.cache.max_bytes / 4:
                return
            with (
                atomic_path(self.cache.entry_path(_name(key), _PIECE_SUFFIX)) as tmp,
                tmp.open("wb") as entry,
                mp3.open("rb") as source,
            ):
                entry.write(_HEADER.pack(_PIECE_MAGIC, size))
                shutil.copyfileobj(source, entry)
            self.cache.added(_HEADER.size + size)
        except OSError as exc:
            log.warning("audio cache: cannot write to %s (%s)", self.cache.folder, exc)


def _name(key: str) -> str:
    """A file name for any key (an encoded chapter's adds its gain to a content key)."""
    return hashlib.sha256(key.encode()).hexdigest()
