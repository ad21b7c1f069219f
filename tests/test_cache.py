"""The sentence cache: re-renders speak only what changed, with the real engine; the cache is
capped, least recently used first, and a bad entry is a miss."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from newsaudio.audio.segments import AudioChunk
from newsaudio.config import Config
from newsaudio.errors import ConfigError
from newsaudio.pipeline import prepare_article, render_article
from newsaudio.speech import synthesis
from newsaudio.speech.cache import ENV_DIR, ENV_MAX_MB, AudioCache, CachedEngine
from newsaudio.speech.engines import get_engine
from newsaudio.speech.engines.base import Engine
from newsaudio.speech.voices import VoiceProfile, load_voice

from .conftest import SAMPLE, run_cli


class Counting:
    """The real engine, counting the sentences it is asked to speak."""

    def __init__(self, engine: Engine) -> None:
        self.engine, self.name, self.version = engine, engine.name, engine.version
        self.calls = 0

    def synthesize(self, text: str) -> AudioChunk:
        self.calls += 1
        return self.engine.synthesize(text)


def _sentences(path: Path, profile: VoiceProfile) -> set[str]:
    prepared = prepare_article(path, profile, Config())
    return {s for segment in prepared.segments for block in segment.blocks for s in block}


def test_rerender_speaks_only_what_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    article = tmp_path / "short.txt"
    article.write_text("\n".join(lines[2:11]), encoding="utf-8")  # headline and two sections
    profile = load_voice()
    counting = Counting(get_engine(profile))
    monkeypatch.setattr(synthesis, "get_engine", lambda _profile: counting)
    cache = AudioCache(tmp_path / "cache", 10**9)

    result = render_article(article, tmp_path / "out", profile, Config(), cache=cache)
    first = counting.calls
    assert first == len(_sentences(article, profile))
    mp3 = result.audio.read_bytes()

    counting.calls = 0
    render_article(article, tmp_path / "out", profile, Config(), cache=cache)
    assert counting.calls == 0  # unchanged: nothing synthesized, the mastered MP3 reused
    assert result.audio.read_bytes() == mp3

    before = _sentences(article, profile)
    edited = lines[2:11]
    edited[8] = edited[8].replace("كوريا الشمالية", "بيونغ يانغ", 1)  # one paragraph, one edit
    article.write_text("\n".join(edited), encoding="utf-8")
    changed = _sentences(article, profile) - before
    counting.calls = 0
    render_article(article, tmp_path / "out", profile, Config(), cache=cache)
    assert 1 <= counting.calls == len(changed) < first
    assert result.audio.read_bytes() != mp3


@pytest.mark.parametrize("kind", [".chapter", ".measure"])
def test_corrupt_chapter_entry_is_mastered_again(tmp_path: Path, kind: str) -> None:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    article = tmp_path / "short.txt"
    article.write_text("\n".join(lines[2:7]), encoding="utf-8")
    cache = AudioCache(tmp_path / "cache", 10**9)
    first = render_article(article, tmp_path / "out", load_voice(), Config(), cache=cache)
    mp3 = first.audio.read_bytes()
    entries = list((tmp_path / "cache").rglob(f"*{kind}"))
    assert len(entries) == first.chapters
    for entry in entries:
        entry.write_bytes(entry.read_bytes()[:-100])  # truncated
    again = render_article(article, tmp_path / "out", load_voice(), Config(), cache=cache)
    assert again.chapters == first.chapters
    assert again.audio.read_bytes() == mp3  # the same sentences, measured and encoded again


def _chunk(seconds: float = 0.1, value: int = 1000) -> AudioChunk:
    return AudioChunk(np.full(int(22050 * seconds), value, dtype=np.int16), 22050)


def test_entries_round_trip_and_leave_no_temporary_file(tmp_path: Path) -> None:
    cache = AudioCache(tmp_path, 10**9)
    cache.put("ab" * 32, _chunk())
    hit = cache.get("ab" * 32)
    assert hit is not None and hit.sample_rate == 22050
    assert np.array_equal(hit.samples, _chunk().samples)
    assert [p.suffix for p in tmp_path.rglob("*") if p.is_file()] == [".pcm"]


def test_corrupt_entry_is_a_miss(tmp_path: Path) -> None:
    profile = load_voice()
    cache = AudioCache(tmp_path, 10**9)
    counting = Counting(get_engine(profile))
    engine = CachedEngine(counting, profile, cache)
    engine.synthesize("مَرْحَبًا")
    for path in tmp_path.rglob("*.pcm"):
        path.write_bytes(b"NAS1\x00")  # truncated
    chunk = engine.synthesize("مَرْحَبًا")
    assert counting.calls == 2 and len(chunk.samples) > 0
    assert engine.synthesize("مَرْحَبًا").samples.size  # rewritten, now a hit
    assert counting.calls == 2


def test_least_recently_used_go_first(tmp_path: Path) -> None:
    entry = len(_chunk().samples) * 2 + 8
    cache = AudioCache(tmp_path, int(entry * 3.5))
    for i, key in enumerate(["aa" * 32, "bb" * 32, "cc" * 32]):
        cache.put(key, _chunk())
        path = next(tmp_path.rglob(f"{key}.pcm"))
        os.utime(path, (1000 + i, 1000 + i))
    assert cache.get("aa" * 32) is not None  # touched: now the most recent
    cache.put("dd" * 32, _chunk())  # over the cap: evict down to 90 %
    assert cache.get("bb" * 32) is None
    assert cache.get("aa" * 32) is not None and cache.get("dd" * 32) is not None
    assert cache.info().size_bytes <= cache.max_bytes


def test_key_follows_sound_not_names() -> None:
    profile = load_voice()
    engine = get_engine(profile)
    key = AudioCache.key("نَصٌّ", profile, engine)
    renamed = VoiceProfile.from_dict({**profile.to_dict(), "name": "other", "description": "x"})
    assert AudioCache.key("نَصٌّ", renamed, engine) == key
    faster = VoiceProfile.from_dict({**profile.to_dict(), "rate": profile.rate + 10})
    assert AudioCache.key("نَصٌّ", faster, engine) != key
    newer = Counting(engine)
    newer.version = engine.version + "+1"
    assert AudioCache.key("نَصٌّ", profile, newer) != key


def test_cap_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(ENV_DIR, str(tmp_path))
    monkeypatch.setenv(ENV_MAX_MB, "2")
    assert AudioCache.from_env().max_bytes == 2_000_000
    monkeypatch.setenv(ENV_MAX_MB, "lots")
    with pytest.raises(ConfigError, match=ENV_MAX_MB):
        AudioCache.from_env()


def test_cli_cache_info_clear_and_no_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_DIR, str(tmp_path / "cache"))
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    article = tmp_path / "short.txt"
    article.write_text("\n".join(lines[2:7]), encoding="utf-8")
    assert (
        run_cli("render", article, "--out", tmp_path / "out", "--quiet", "--no-cache").exit_code
        == 0
    )
    assert "entries: 0 " in run_cli("cache", "info").output
    assert run_cli("render", article, "--out", tmp_path / "out", "--quiet").exit_code == 0
    info = run_cli("cache", "info").output
    assert str(tmp_path / "cache") in info and "entries: 0 " not in info
    cleared = run_cli("cache", "clear")
    assert cleared.exit_code == 0 and "removed" in cleared.output
    assert "entries: 0 " in run_cli("cache", "info").output


def test_rerender_reuses_the_prepared_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Diacritizing is most of a warm re-render: an unchanged script is prepared once."""
    from newsaudio import pipeline

    calls = []
    real = pipeline.prepare_script
    monkeypatch.setattr(pipeline, "prepare_script", lambda *a: calls.append(1) or real(*a))
    cache = AudioCache(tmp_path / "cache", 10**9)
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    article = tmp_path / "short.txt"
    article.write_text("\n".join(lines[2:11]), encoding="utf-8")
    for _ in range(2):
        render_article(article, tmp_path / "out", load_voice(), Config(), cache=cache)
    assert calls == [1]
    article.write_text("\n".join(lines[2:9]), encoding="utf-8")  # the script changed
    render_article(article, tmp_path / "out", load_voice(), Config(), cache=cache)
    assert calls == [1, 1]
