"""Checks that need no audio, run before any work: a render that can be refused at the start must
not first spend minutes on speech, nor change the output folder.

- The output folder (:func:`check_before_work`): a catalog or its WAL files that are links (SQLite
  would write a database elsewhere), a ``feed.xml`` that is another tool's or cannot be read.
- The voice (:func:`check_before_work`): every profile it names for roles and fallbacks exists and
  loads, every engine is known and accepts its voice, with the valid ones listed.
- Settings are checked for their keys and types when they are read (``config.load_config``,
  ``speech.voices.VoiceProfile.from_dict``).
- Free space (:func:`check_free_space`): once the text is prepared its length is known, and the
  scratch audio it needs is estimated before synthesis begins.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from newsaudio.audio.mp3 import BITRATE_KBPS, SAMPLE_RATE
from newsaudio.errors import OutputError
from newsaudio.publishing.catalog import check_folder
from newsaudio.publishing.feed import FEED_FILE, existing_channel
from newsaudio.speech.engines import check_voices
from newsaudio.speech.voices import VoiceProfile
from newsaudio.textprep import PreparedScript

# What a second of speech takes on disk while its episode is made: the float32 scratch audio at
# 44.1 kHz (176,400 bytes) beside the 96 kbps MP3 (12,000 bytes), 15.7 times the MP3 alone.
BYTES_PER_SECOND = 4 * SAMPLE_RATE + BITRATE_KBPS * 1000 // 8
# eSpeak NG speaks a voweled word in 0.73-0.80 s at rate 140 (the sample and a brief with three
# profiles, pauses taken out), in proportion at other rates; natural voices (Piper, Google) are
# faster than that whatever their rate says.
_SECONDS_PER_WORD_AT_140 = 0.8
_MARGIN = 1.1  # and a chime or a breath more per chapter than the pauses say


def check_before_work(out_dir: Path, profile: VoiceProfile) -> None:
    """Refuse now what would fail later: the output folder not ours to write, a voice that cannot
    speak. Reads only; nothing is created."""
    check_folder(out_dir)
    existing_channel(out_dir / FEED_FILE)
    check_voices(profile)


def speech_seconds(prepared: PreparedScript, profile: VoiceProfile, rate: int) -> float:
    """About how long ``prepared`` takes to say at ``rate`` (words per minute, the slowest of the
    cast's) with ``profile``'s pauses: a generous estimate, to reserve room with."""
    words = sentences = blocks = 0
    for segment in prepared.segments:
        for block in segment.blocks:
            blocks += 1
            sentences += len(block)
            words += sum(len(sentence.split()) for sentence in block)
    segments = len(prepared.segments)
    pauses = profile.pauses
    paused_ms = (
        (sentences - blocks) * pauses.sentence_ms
        + (blocks - segments) * pauses.block_ms
        + segments * (pauses.segment_ms + 1000)
    )
    speech = words * _SECONDS_PER_WORD_AT_140 * 140 / rate
    return _MARGIN * (speech + paused_ms / 1000)


def check_free_space(
    folder: Path, prepared: PreparedScript, profile: VoiceProfile, rate: int
) -> None:
    """Refuse (exit 4) to start speaking ``prepared`` into ``folder`` when its file system is
    read-only, or has no room for the scratch audio and the MP3 (saying how much is needed)."""
    existing = next(p for p in (folder, *folder.parents) if p.exists())
    if hasattr(os, "statvfs"):  # POSIX
        stat = os.statvfs(existing)
        if stat.f_flag & os.ST_RDONLY:
            raise OutputError(f"{folder}: cannot write the episode (Read-only file system)")
        free = stat.f_bavail * stat.f_frsize
    else:
        free = shutil.disk_usage(existing).free
    need = round(speech_seconds(prepared, profile, rate) * BYTES_PER_SECOND)
    if need > free:
        raise OutputError(
            f"{folder}: not enough free space for this episode: about {_size(need)} are needed "
            f"while it is made (the scratch audio takes ~15 times the MP3's size), {_size(free)} "
            "are free"
        )


def _size(n: int) -> str:
    """Bytes for a person.

    >>> _size(1_234_567_890), _size(45_600_000)
    ('1.2 GB', '45.6 MB')
    """
    return f"{n / 1e9:.1f} GB" if n >= 1e9 else f"{n / 1e6:.1f} MB"
