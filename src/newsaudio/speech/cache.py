"""A content-addressed cache of synthesized audio: a re-render speaks only what changed.

A sentence's audio is keyed by the SHA-256 of the prepared sentence text, the voice profile's sound
settings and the engine's name and version (canonical JSON); a script's prepared text by the
script, the text options and the text-preparation code; mastered chapters (``chapter_cache.py``)
by their sentences' keys, the pauses and the mastering code: an unchanged article skips
synthesis, loudness and encoding altogether; an edited one speaks only the changed sentences and
encodes only their chapters. The folder is
``$NEWSAUDIO_CACHE_DIR``, else the user cache folder (platformdirs); it is capped at
``$NEWSAUDIO_CACHE_MAX_MB`` (default 500 MB), least recently used entries going first — a hit
touches the entry's modification time. Entries are written atomically, so concurrent renders can
share the folder; an entry that cannot be read is a miss, never an error, and the cache never fails
a render.

:class:`CachedEngine` wraps an engine with the same ``synthesize`` contract, so synthesis does not
know the cache exists.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import struct
from dataclasses import asdict, dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from newsaudio.audio.segments import AudioChunk
from newsaudio.errors import ConfigError
from newsaudio.files import atomic_path
from newsaudio.resources import CACHE_ENV, user_cache_folder
from newsaudio.speech.engines.base import Engine
from newsaudio.speech.voices import VoiceProfile

if TYPE_CHECKING:
    from newsaudio.reading.script import Script
    from newsaudio.textprep import PreparedScript, TextOptions

log = logging.getLogger(__name__)

ENV_DIR = CACHE_ENV
ENV_MAX_MB = "NEWSAUDIO_CACHE_MAX_MB"
DEFAULT_MAX_MB = 500  # about 3,000 eSpeak NG sentences: a few weeks of a newsroom's articles
_MAGIC = b"NAS1"  # sentence entry: magic, sample rate (uint32 LE), int16 LE samples
_HEADER = struct.Struct("<4sI")
_SUFFIX = ".pcm"
# Kinds of entries, by suffix; ".episode" (whole mastered episodes, before chapters were kept) is
# still known, so that entries older versions left are evicted.
_KINDS = (".pcm", ".measure", ".chapter", ".json", ".episode")
_PREPARED_SUFFIX = ".text.json"  # a script's prepared (diacritized) segments
_PREPARED_FORMAT = 2  # 2: every field of PreparedSegment, words included
_EVICT_TO = 0.9  # evict down to 90 % of the cap, so the next writes do not evict again at once
# Profile settings that cannot change how one sentence sounds (pauses fall between sentences).
_NOT_SOUND = ("name", "description", "narrator", "pauses", "spoken_structure")


@dataclass(frozen=True)
class CacheInfo:
    """What ``newsaudio cache info`` shows."""

    folder: Path
    entries: int
    size_bytes: int
    max_bytes: int


class AudioCache:
    """Synthesized sentences and mastered episodes on disk, by content key."""

    def __init__(self, folder: Path, max_bytes: int) -> None:
        self.folder = folder
        self.max_bytes = max_bytes
        self._size: int | None = None  # known after the first write scans the folder

    @classmethod
    def from_env(cls) -> AudioCache:
        """The user's cache, as the environment configures it."""
        raw = os.environ.get(ENV_MAX_MB, str(DEFAULT_MAX_MB))
        try:
            max_mb = float(raw)
        except ValueError:
            max_mb = -1
        if max_mb < 0:
            raise ConfigError(f"{ENV_MAX_MB} must be a number of megabytes, not {raw!r}")
        return cls(user_cache_folder() / "audio", int(max_mb * 1_000_000))

    @staticmethod
    def key(text: str, profile: VoiceProfile, engine: Engine) -> str:
        """The content key of ``text`` spoken by ``engine`` with ``profile``'s settings."""
        settings = {k: v for k, v in profile.to_dict().items() if k not in _NOT_SOUND}
        identity = {
            "text": text,
            "voice": settings,
            "engine": engine.name,
            "version": engine.version,
        }
        return hashlib.sha256(canonical(identity)).hexdigest()

    def entry_path(self, key: str, suffix: str = _SUFFIX) -> Path:
        """Where the entry ``key`` of the kind ``suffix`` is kept (the key a hex digest)."""
        return self.folder / key[:2] / f"{key}{suffix}"

    def get(self, key: str) -> AudioChunk | None:
        """The cached audio for ``key``, or None (missing or unreadable)."""
        path = self.entry_path(key)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.warning("audio cache: cannot read %s (%s)", path, exc)
            return None
        chunk = _decode(data)
        if chunk is None:
            log.warning("audio cache: %s is corrupt; synthesizing again", path)
            path.unlink(missing_ok=True)
            return None
        touch(path)
        return chunk

    def put(self, key: str, chunk: AudioChunk) -> None:
        """Store ``chunk`` under ``key``; a failure (disk full, read-only) is only logged."""
        data = _HEADER.pack(_MAGIC, chunk.sample_rate) + chunk.samples.astype("<i2").tobytes()
        self.write_entry(self.entry_path(key), data)

    @staticmethod
    def prepared_key(script: Script, options: TextOptions) -> str:
        """The content key of ``script`` prepared with ``options``: its segments, the case-ending
        policy, every lexicon entry, and the text-preparation code, data and model."""
        identity = {
            "segments": [
                [s.kind, s.title, list(s.blocks), s.spoken_title] for s in script.segments
            ],
            "case_endings": options.case_endings,
            "lexicon": [
                sorted(options.lexicon.arabic.items()),
                sorted(options.lexicon.latin.items()),
            ],
            "text": _text_version(),
            "format": _PREPARED_FORMAT,
        }
        return hashlib.sha256(canonical(identity)).hexdigest()

    def get_prepared(self, key: str, script: Script) -> PreparedScript | None:
        """``script``'s prepared segments stored under ``key``, or None."""
        from newsaudio.textprep import PreparedScript, PreparedSegment
        from newsaudio.textprep.trace import Change
        from newsaudio.textprep.words import SpokenWord

        def word(data: dict[str, Any]) -> SpokenWord:
            return SpokenWord(**{**data, "alternatives": tuple(data["alternatives"])})

        path = self.entry_path(key, _PREPARED_SUFFIX)
        try:
            rows = json.loads(path.read_text(encoding="utf-8"))
            segments = tuple(
                PreparedSegment(
                    row["kind"],
                    row["title"],
                    _tuples(row["blocks"]),
                    tuple(Change(**change) for change in row["changes"]),
                    _tuples(row["written"]),
                    tuple(
                        tuple(tuple(word(w) for w in sentence) for sentence in block)
                        for block in row["words"]
                    ),
                    spoken_title=bool(row.get("spoken_title", True)),
                )
                for row in rows
            )
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("audio cache: %s cannot be used (%s); preparing again", path, exc)
            path.unlink(missing_ok=True)
            return None
        touch(path)
        return PreparedScript(script, segments)

    def put_prepared(self, key: str, prepared: PreparedScript) -> None:
        """Keep ``prepared``'s segments, every field of them, under ``key``; a failure is only
        logged. (A field left out would make a cached render differ from an uncached one.)"""
        data = json.dumps([asdict(s) for s in prepared.segments], ensure_ascii=False)
        self.write_entry(self.entry_path(key, _PREPARED_SUFFIX), data.encode("utf-8"))

    def write_entry(self, path: Path, data: bytes) -> None:
        """Write an entry (at :meth:`entry_path`) atomically; a failure is only logged."""
        try:
            with atomic_path(path) as tmp:
                tmp.write_bytes(data)
            self.added(len(data))
        except OSError as exc:
            log.warning("audio cache: cannot write to %s (%s)", self.folder, exc)

    def added(self, size: int) -> None:
        """Count ``size`` bytes just written; evict when the cache is over its cap."""
        if self._size is None:
            self._size = self.info().size_bytes
        else:
            self._size += size
        if self._size > self.max_bytes:
            self._evict()

    def _entries(self) -> list[tuple[float, int, Path]]:
        """(modification time, size, path) of every entry."""
        entries = []
        for path in self.folder.glob("*/*"):
            if path.suffix not in _KINDS:
                continue  # a write in progress
            try:
                stat = path.stat()
            except FileNotFoundError:  # evicted by another render meanwhile
                continue
            entries.append((stat.st_mtime, stat.st_size, path))
        return entries

    def _evict(self) -> None:
        """Remove least recently used entries until the cache is under 90 % of its cap."""
        entries = sorted(self._entries())
        size = sum(e[1] for e in entries)
        for _, entry_size, path in entries:
            if size <= self.max_bytes * _EVICT_TO:
                break
            path.unlink(missing_ok=True)
            size -= entry_size
        self._size = size

    def info(self) -> CacheInfo:
        entries = self._entries()
        return CacheInfo(self.folder, len(entries), sum(e[1] for e in entries), self.max_bytes)

    def clear(self) -> int:
        """Remove every entry; returns how many there were."""
        entries = self._entries()
        for _, _, path in entries:
            path.unlink(missing_ok=True)
        self._size = 0
        return len(entries)


def touch(path: Path) -> None:
    """Mark the entry at ``path`` used now: the least recently used entries are evicted first."""
    with contextlib.suppress(OSError):
        os.utime(path)


def canonical(value: object) -> bytes:
    return json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    ).encode("utf-8")


@cache
def mastering_version() -> str:
    """What decides an episode's sound besides its sentences: the code that joins, masters and
    encodes it, and LAME's version. Read as files: the cache sits below synthesis."""
    package = Path(__file__).parents[1]
    digest = hashlib.sha256(metadata.version("lameenc").encode())
    for path in [package / "speech" / "synthesis.py", *sorted((package / "audio").glob("*.py"))]:
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


@cache
def _text_version() -> str:
    """What decides a script's prepared text besides the script: the text-preparation code and
    language data, and the diacritization model's package."""
    package = Path(__file__).parents[1]
    digest = hashlib.sha256(metadata.version("text2tashkeel").encode())
    for path in sorted([*(package / "textprep").glob("*.py"), *(package / "data").iterdir()]):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def _tuples(rows: list[list[str]]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(row) for row in rows)


def _decode(data: bytes) -> AudioChunk | None:
    if len(data) <= _HEADER.size or (len(data) - _HEADER.size) % 2:
        return None
    magic, rate = _HEADER.unpack_from(data)
    if magic != _MAGIC or not rate:
        return None
    return AudioChunk(np.frombuffer(data, dtype="<i2", offset=_HEADER.size), rate)


class CachedEngine:
    """``engine``, answering from ``cache`` when it can: the :class:`Engine` contract unchanged.

    ``synthesized`` counts the sentences the engine really spoke (cache misses).
    """

    def __init__(self, engine: Engine, profile: VoiceProfile, cache: AudioCache) -> None:
        self.engine = engine
        self.profile = profile
        self.cache = cache
        self.name = engine.name
        self.version = engine.version
        self.synthesized = 0
        self.reused = 0

    def synthesize(self, text: str) -> AudioChunk:
        key = self.cache.key(text, self.profile, self.engine)
        chunk = self.cache.get(key)
        if chunk is not None:
            self.reused += 1
            return chunk
        chunk = self.engine.synthesize(text)
        self.synthesized += 1
        self.cache.put(key, chunk)
        return chunk
