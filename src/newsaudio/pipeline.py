"""The whole render of one article: article → script → text → speech → MP3 → tags → feed.

Nothing is written until the audio is ready. Every file is written to a temporary name in the output
folder and renamed into place together at the end, so a failed or interrupted render leaves the
folder — earlier episodes and the feed included — exactly as it was.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

from newsaudio.article import Article, load_article
from newsaudio.audio import MasteredAudio, SegmentAudio, master_mp3
from newsaudio.cache import AudioCache, CachedEngine
from newsaudio.config import Config
from newsaudio.engines import Engine, get_engine
from newsaudio.errors import OutputError
from newsaudio.feed import (
    FEED_FILE,
    Episode,
    as_utc,
    episode_guid,
    episode_json,
    episode_path,
    load_episodes,
    read_episode,
    render_feed,
)
from newsaudio.files import atomic_path
from newsaudio.resources import data_bytes
from newsaudio.script import build_script
from newsaudio.synthesis import synthesize_script
from newsaudio.tags import EpisodeTags, mp3_duration_ms, write_tags
from newsaudio.textprep import PreparedScript, TextOptions, prepare_script
from newsaudio.textprep.diacritize import Diacritizer
from newsaudio.textprep.lexicon import load_lexicon
from newsaudio.transcript import format_json_chapters, format_transcript
from newsaudio.voices import VoiceProfile

log = logging.getLogger(__name__)

COVER_FILE = "cover.png"
# Called as (step, done, total, label): step is "text", "speech" or "audio".
ProgressCallback = Callable[[str, int, int, str], None]


@dataclass(frozen=True)
class RenderResult:
    """What one render produced."""

    episode: Episode
    audio: Path
    transcript: Path
    feed: Path
    chapters: int


def text_options(profile: VoiceProfile, config: Config) -> TextOptions:
    """Text preparation as the voice profile and the project configure it."""
    return TextOptions(profile.case_endings, load_lexicon(config.lexicon_file))


def prepare_article(
    path: Path, profile: VoiceProfile, config: Config, diacritizer: Diacritizer | None = None
) -> PreparedScript:
    """Read and prepare an article's spoken script (no synthesis)."""
    options = text_options(profile, config)
    return prepare_script(build_script(load_article(path)), options, diacritizer)


def render_article(
    path: Path,
    out_dir: Path,
    profile: VoiceProfile,
    config: Config,
    progress: ProgressCallback | None = None,
    diacritizer: Diacritizer | None = None,
    cache: AudioCache | None = None,
) -> RenderResult:
    """Render ``path`` into ``out_dir``: MP3, transcript, episode record, updated feed.

    With a ``cache``, sentences spoken before with the same voice are reused, not synthesized, and
    an episode whose sentences all are unchanged reuses its mastered MP3.
    """
    report = progress or (lambda *_: None)
    article = load_article(path)
    report("text", 0, 1, article.headline)
    prepared = prepare_script(build_script(article), text_options(profile, config), diacritizer)
    report("text", 1, 1, article.headline)

    engine = get_engine(profile)
    cached = CachedEngine(engine, profile, cache) if cache is not None else None
    total = len(prepared.segments)

    def spoken() -> Iterator[SegmentAudio]:
        for done, segment in enumerate(
            synthesize_script(cached or engine, prepared, profile.pauses), 1
        ):
            report("speech", done, total, segment.title)
            yield segment
        report("audio", 0, 1, "loudness, MP3, tags")
        if cached is not None:
            log.info(
                "%s: %d sentences synthesized, %d from the cache",
                path,
                cached.synthesized,
                cached.reused,
            )

    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        # The MP3 is encoded beside its final place as a stream, never held in memory whole.
        fd, name = tempfile.mkstemp(prefix=f".{article.slug}.", suffix=".mp3.part", dir=out_dir)
        os.close(fd)
        mp3 = Path(name)
        try:
            mastered = _master(spoken(), prepared, profile, engine, cache, mp3)
            if cached is not None and not cached.synthesized + cached.reused:
                log.info("%s: audio unchanged; the mastered MP3 came from the cache", path)
            return _publish(article, prepared, mastered, mp3, out_dir, config)
        finally:
            mp3.unlink(missing_ok=True)
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot write the episode ({exc.strerror or exc})") from exc


def _master(
    segments: Iterator[SegmentAudio],
    prepared: PreparedScript,
    profile: VoiceProfile,
    engine: Engine,
    cache: AudioCache | None,
    mp3: Path,
) -> MasteredAudio:
    """The episode's MP3 in ``mp3``; from the cache when the same sentences were mastered before."""
    if cache is None:
        return master_mp3(segments, profile.pauses.segment_ms, mp3)
    key = cache.episode_key(prepared, profile, engine)
    mastered = cache.get_episode(key, mp3)
    if mastered is not None:
        return mastered
    mastered = master_mp3(segments, profile.pauses.segment_ms, mp3)
    cache.put_episode(key, mastered, mp3)
    return mastered


def _publish(
    article: Article,
    prepared: PreparedScript,
    mastered: MasteredAudio,
    mp3: Path,
    out_dir: Path,
    config: Config,
) -> RenderResult:
    """Write the episode's files and the updated feed, all renamed into place together."""
    slug = article.slug
    audio_path = out_dir / f"{slug}.mp3"
    transcript_path = out_dir / f"{slug}.txt"
    chapters_path = out_dir / f"{slug}.chapters.json"
    record_path = episode_path(out_dir, slug)
    feed_path = out_dir / FEED_FILE
    transcript = format_transcript(prepared)
    previous = read_episode(record_path) if record_path.is_file() else None
    pub_date = _pub_date(article, previous)
    source = article.meta.source or config.feed.author

    with contextlib.ExitStack() as stack:
        # Each atomic_path renames on exit; ExitStack exits in reverse order, so the feed (entered
        # first) is replaced last, after the files it points to.
        feed_tmp = stack.enter_context(atomic_path(feed_path))
        record_tmp = stack.enter_context(atomic_path(record_path))
        transcript_tmp = stack.enter_context(atomic_path(transcript_path))
        chapters_tmp = stack.enter_context(atomic_path(chapters_path))
        audio_tmp = stack.enter_context(atomic_path(audio_path))

        # Players measure the MP3 stream (encoder delay and padding included): the last chapter
        # ends where they think the file ends.
        duration_ms = mp3_duration_ms(mp3)
        last = mastered.chapters[-1]
        chapters = (
            *mastered.chapters[:-1],
            replace(last, end_ms=max(duration_ms, last.start_ms + 1)),
        )
        write_tags(
            audio_tmp,
            EpisodeTags(
                title=article.headline,
                artist=source,
                album=config.feed.title,
                date=pub_date,
                transcript=transcript,
                chapters=chapters,
                description=_description(article),
                url=article.meta.url,
            ),
        )
        # The tag goes into the empty file first and the stream after it: tagging a finished MP3
        # would move all of it (mutagen maps the whole file; a long article's MP3 is ~1 GB).
        with audio_tmp.open("ab") as out, mp3.open("rb") as stream:
            shutil.copyfileobj(stream, out, 1 << 20)
        episode = Episode(
            slug=slug,
            guid=previous.guid if previous else episode_guid(slug, article.meta.url),
            title=article.headline,
            description=_description(article),
            audio_file=audio_path.name,
            audio_bytes=audio_tmp.stat().st_size,
            duration_s=duration_ms / 1000,
            pub_date=pub_date,
            transcript_file=transcript_path.name,
            chapters_file=chapters_path.name,
            source_url=article.meta.url,
            author=article.meta.author or source,
        )
        transcript_tmp.write_text(transcript, encoding="utf-8")
        chapters_tmp.write_text(format_json_chapters(chapters), encoding="utf-8")
        record_tmp.write_text(episode_json(episode), encoding="utf-8")
        others = [e for e in load_episodes(out_dir) if e.slug != slug]
        feed_tmp.write_text(render_feed([*others, episode], config.feed), encoding="utf-8")
        cover_path = out_dir / COVER_FILE
        if not config.feed.image and not cover_path.exists():
            # The feed's default itunes:image points here; podcast apps reject a feed without art.
            stack.enter_context(atomic_path(cover_path)).write_bytes(data_bytes(COVER_FILE))
    log.info("rendered %s: %d chapters, %.1f s", audio_path, len(chapters), duration_ms / 1000)
    return RenderResult(episode, audio_path, transcript_path, feed_path, len(chapters))


def _pub_date(article: Article, previous: Episode | None) -> datetime:
    """The article's own date; else, on a re-render, the first render's date (so podcast apps do
    not announce it as new); else now."""
    if article.meta.date:
        return as_utc(article.meta.date)
    if previous:
        return previous.pub_date
    return datetime.now(timezone.utc).replace(microsecond=0)


def _description(article: Article) -> str:
    """The lead, else the first paragraph, else the headline: what a listener reads in the app."""
    if article.lead:
        return " ".join(article.lead)
    for section in article.sections:
        if section.paragraphs:
            return section.paragraphs[0]
    return article.headline
