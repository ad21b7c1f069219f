"""The whole render of one article: article → script → text → speech → MP3 → tags → feed.

Nothing is written until the audio is ready. Every file is written to a temporary name in the output
folder (the episode is *staged*) and renamed into place together at the end (it is *placed*, see
publish.py), so a failed or interrupted render leaves the folder — earlier episodes and the feed
included — exactly as it was.
"""

from __future__ import annotations

import errno
import logging
import shutil
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

from newsaudio.audio.master import master_mp3
from newsaudio.audio.segments import MasteredAudio, Restart, SegmentStream, Sound
from newsaudio.config import Config
from newsaudio.errors import EXIT_INPUT, OutputError
from newsaudio.files import temporary_path
from newsaudio.publishing.captions import (
    SRT_SUFFIX,
    VTT_SUFFIX,
    format_srt,
    format_vtt,
    sentence_cues,
    sentence_places,
)
from newsaudio.publishing.corrections import stored_corrections, to_json
from newsaudio.publishing.episode import Episode, EpisodeChapter, as_utc, episode_guid
from newsaudio.publishing.feed import FEED_FILE, existing_channel
from newsaudio.publishing.navigation import with_navigation
from newsaudio.publishing.page import EpisodeMedia
from newsaudio.publishing.publish import (
    REQUIRED_FILES,
    StagedEpisode,
    file_names,
    publish_episode,
)
from newsaudio.publishing.sources import EpisodeSource, remember_source, source_of
from newsaudio.publishing.tags import EpisodeTags, mp3_duration_ms, write_tags
from newsaudio.publishing.transcript import format_json_chapters, format_transcript
from newsaudio.reading.article import Article
from newsaudio.reading.fetch import FetchPolicy, fetch, is_url, page_name, url_scheme_problem
from newsaudio.reading.load import load_article, parse_article
from newsaudio.reading.script import Script, build_script
from newsaudio.speech.cache import AudioCache
from newsaudio.speech.chapter_cache import ChapterCache
from newsaudio.speech.synthesis import Cast, synthesize_script
from newsaudio.speech.voices import VoiceProfile
from newsaudio.textprep import PreparedScript, TextOptions, prepare_script
from newsaudio.textprep.corrections import Correction, apply_corrections
from newsaudio.textprep.diacritize import Diacritizer
from newsaudio.textprep.lexicon import load_lexicon

log = logging.getLogger(__name__)

# Called as (step, done, total, label): step is "text" (sentences diacritized), "speech"
# (sentences spoken) or "audio" (seconds of audio encoded).
ProgressCallback = Callable[[str, int, int, str], None]
# The proofreader's corrections of a folder's episodes, by their article's identity.
Corrections = Mapping[str, tuple[Correction, ...]]


@dataclass(frozen=True)
class RenderResult:
    """What one render produced."""

    episode: Episode
    audio: Path
    transcript: Path
    feed: Path
    chapters: int
    # The talking book's sentences shown as spoken, not as written (None: no book).
    book_fallbacks: int | None = None


def text_options(profile: VoiceProfile, config: Config) -> TextOptions:
    """Text preparation as the voice profile and the project configure it."""
    return TextOptions(profile.case_endings, load_lexicon(config.lexicon_file))


# What a render takes: a file path, an http(s) URL, or an article read already (a followed feed's
# item, read by the client that fetches, rendered by a worker that does not).
Source = str | Path | Article


def source_name(source: Source) -> str:
    """How errors and summaries name ``source``: the path or URL given, or the article's."""
    return source.source if isinstance(source, Article) else str(source)


def load_source(source: Source, policy: FetchPolicy | None = None) -> Article:
    """The article at ``source``: a file path, or an http(s) URL that is fetched (within
    ``policy``, else the default limits); an :class:`Article` is itself."""
    if isinstance(source, Article):
        return source
    text = str(source)
    if is_url(text) or url_scheme_problem(text):
        page = fetch(text, policy or FetchPolicy())
        article = parse_article(text, page_name(page.final_url), page.text, page.content_type)
        return replace(article, origin=page.final_url)
    return load_article(Path(source))


def prepare_article(
    source: Source,
    profile: VoiceProfile,
    config: Config,
    diacritizer: Diacritizer | None = None,
) -> PreparedScript:
    """Read and prepare an article's spoken script (no synthesis)."""
    options = text_options(profile, config)
    return prepare_script(build_script(load_source(source)), options, diacritizer)


def prepare_cached(
    article: Article, profile: VoiceProfile, config: Config, cache: AudioCache | None
) -> PreparedScript:
    """An article's spoken script as a render prepares it (before the proofreader's
    corrections): from the cache when it was prepared before with the same settings."""
    return _prepare(build_script(article), text_options(profile, config), None, cache)


def render_article(
    source: Source,
    out_dir: Path,
    profile: VoiceProfile,
    config: Config,
    progress: ProgressCallback | None = None,
    diacritizer: Diacritizer | None = None,
    cache: AudioCache | None = None,
    feed: bool = True,
    formats: Collection[str] = (),
    corrections: Corrections | None = None,
) -> RenderResult:
    """Render ``source`` (file, URL or article) into ``out_dir``: MP3, transcript, episode
    record, feed.

    With a ``cache``, sentences spoken before with the same voice are reused, not synthesized, and
    a chapter whose sentences all are unchanged is reused as mastered. With ``feed=False`` the
    feed is left alone: a batch publishes it once, at the end. ``formats``: the talking book's
    files to add (``.epub``, ``.daisy.zip``, see :mod:`newsaudio.publishing.bookmaker`).
    ``corrections``: the folder's (by default read from its catalog).
    """
    if corrections is None:
        corrections = stored_corrections(out_dir)
    staged = stage_article(
        source, out_dir, profile, config, progress, diacritizer, cache, formats, corrections
    )
    episode = publish_episode(staged, config, feed=feed)
    note_source(out_dir, episode.slug, staged.origin or source_name(source), profile, formats)
    audio, chapters = out_dir / episode.audio_file, len(episode.chapters)
    log.info("rendered %s: %d chapters, %.1f s", audio, chapters, episode.duration_s)
    transcript = out_dir / episode.transcript_file
    return RenderResult(
        episode, audio, transcript, out_dir / FEED_FILE, chapters, staged.book_fallbacks
    )


def stage_article(
    source: Source,
    out_dir: Path,
    profile: VoiceProfile,
    config: Config,
    progress: ProgressCallback | None = None,
    diacritizer: Diacritizer | None = None,
    cache: AudioCache | None = None,
    formats: Collection[str] = (),
    corrections: Corrections | None = None,
) -> StagedEpisode:
    """Render ``source`` into temporary files in ``out_dir``, not yet in place and not in the
    catalog (see :func:`~newsaudio.publishing.publish.place_episode`); nothing is left behind if
    it fails. ``corrections``: the folder's, of which the article's own are applied."""
    report = progress or (lambda *_: None)
    cast = Cast(profile, cache)  # before reading or fetching: a missing voice fails at once
    existing_channel(out_dir / FEED_FILE)  # and a feed that is not ours to replace
    article = load_source(source)
    report("text", 0, 1, article.headline)
    options = text_options(profile, config)

    def preparing(done: int, total: int) -> None:
        report("text", done, total, article.headline)

    prepared = _prepare(build_script(article), options, diacritizer, cache, preparing)
    corrected = (corrections or {}).get(article.identity, ())
    if corrected:
        segments = apply_corrections(prepared.segments, corrected, options.case_endings)
        prepared = replace(prepared, segments=segments)
    total = sum(len(block) for segment in prepared.segments for block in segment.blocks)

    spoken_count = 0

    def counted(segment: SegmentStream) -> Iterator[Sound | Restart]:
        """The segment's sounds, the bar moving by sentences as mastering takes them."""
        nonlocal spoken_count
        before = spoken_count
        for sound in segment.sounds:
            if isinstance(sound, Restart):  # its fallback voice speaks the segment again
                spoken_count = before
            elif sound.sentences:
                spoken_count += len(sound.sentences)
                report("speech", spoken_count, total, segment.title)
            yield sound

    def spoken() -> Iterator[SegmentStream]:
        for segment in synthesize_script(cast, prepared):
            yield replace(segment, sounds=counted(segment))

    def mastering(done: int, total: int) -> None:
        report("audio", done, total, "MP3")

    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        # The MP3 is encoded beside its final place as a stream, never held in memory whole.
        stream = temporary_path(out_dir / f"{article.slug}.mp3")
        try:
            mastered = _master(spoken(), cast, cache, stream, mastering)
            prepared, mastered = with_navigation(prepared, mastered, lexicon=options.lexicon)
            # Nobody spoke when every chapter came from the cache: the cast's voice did, before.
            voice = "; ".join(cast.spoken_by) or cast.main.label
            staged = _stage(article, prepared, mastered, stream, out_dir, config, voice, corrected)
            if formats:
                narrators = cast.narrators
                staged = _with_book(
                    staged, article, prepared, mastered, stream, options, formats, narrators
                )
            return staged
        finally:
            stream.unlink(missing_ok=True)
    except OSError as exc:
        # --out naming a file is the command's mistake; a full or read-only disk is the folder's.
        usage = exc.errno in (errno.EEXIST, errno.ENOTDIR)
        raise OutputError(
            f"{out_dir}: cannot write the episode ({exc.strerror or exc})",
            exit_code=EXIT_INPUT if usage else None,
        ) from exc


def _prepare(
    script: Script,
    options: TextOptions,
    diacritizer: Diacritizer | None,
    cache: AudioCache | None,
    progress: Callable[[int, int], None] | None = None,
) -> PreparedScript:
    """The script's prepared text; from the cache when the same script was prepared before with
    the same options, code and model (diacritizing is most of a warm re-render's time)."""
    if cache is None:
        return prepare_script(script, options, diacritizer, progress)
    key = cache.prepared_key(script, options)
    prepared = cache.get_prepared(key, script)
    if prepared is None:
        prepared = prepare_script(script, options, diacritizer, progress)
        cache.put_prepared(key, prepared)
    return prepared


def _master(
    segments: Iterator[SegmentStream],
    cast: Cast,
    cache: AudioCache | None,
    mp3: Path,
    progress: Callable[[int, int], None] | None = None,
) -> MasteredAudio:
    """The episode's MP3 in ``mp3``. With a cache, chapters mastered before are neither spoken,
    measured nor encoded again (an unchanged article: none; a corrected word: its chapter). Only
    a single-voice cast's chapters are kept (a role voice's changes are not in the keys), and
    none once a fallback voice spoke: the next render should try the chosen voice again."""
    store = None
    if cache is not None and cast.single_voice:
        store = ChapterCache(cache, lambda: cast.fell_back)
    return master_mp3(segments, cast.profile.pauses.segment_ms, mp3, store, progress)


def _stage(
    article: Article,
    prepared: PreparedScript,
    mastered: MasteredAudio,
    stream: Path,
    out_dir: Path,
    config: Config,
    voice: str,
    corrections: tuple[Correction, ...] = (),
) -> StagedEpisode:
    """Write the episode's files under temporary names beside their places, named and dated as a
    new article's (placing settles both against the catalog)."""
    slug = article.slug
    transcript = format_transcript(prepared)
    source = article.meta.source or config.feed.author
    pub_date = as_utc(article.meta.date) if article.meta.date else _now()
    files: dict[str, Path] = {}
    try:
        for suffix in REQUIRED_FILES:
            files[suffix] = temporary_path(out_dir / f"{slug}{suffix}")
        # Players measure the MP3 stream (encoder delay and padding included): the last chapter
        # ends where they think the file ends.
        duration_ms = mp3_duration_ms(stream)
        last = mastered.chapters[-1]
        chapters = (
            *mastered.chapters[:-1],
            replace(last, end_ms=max(duration_ms, last.start_ms + 1)),
        )
        tags = EpisodeTags(
            title=article.headline,
            artist=source,
            album=config.feed.title,
            date=pub_date,
            transcript=transcript,
            chapters=chapters,
            description=_description(article),
            url=article.meta.url,
            voice=voice,
            guid=episode_guid(slug, article.meta.url),
            corrections=to_json(corrections),
        )
        audio = files[".mp3"]
        write_tags(audio, tags)
        # The tag goes into the empty file first and the stream after it: tagging a finished MP3
        # would move all of it (mutagen maps the whole file; a long article's is ~1 GB).
        with audio.open("ab") as out, stream.open("rb") as encoded:
            shutil.copyfileobj(encoded, out, 1 << 20)
        episode = Episode(
            slug=slug,
            guid=tags.guid,
            title=article.headline,
            description=_description(article),
            audio_bytes=audio.stat().st_size,
            duration_s=duration_ms / 1000,
            pub_date=pub_date,
            source_url=article.meta.url,
            author=article.meta.author or source,
            identity=article.identity,
            image=article.meta.image,
            voice=voice,
            chapters=tuple(EpisodeChapter(c.title, c.start_ms, c.end_ms) for c in chapters),
            rendered=_now(),
            **file_names(slug),
        )
        # Captions and chapters come from the same sample counts (one timing source).
        cues = sentence_cues(
            ((m.text, m.start_ms, m.end_ms) for m in mastered.sentences),
            sentence_places([(0, prepared)]),
        )
        files[".txt"].write_text(transcript, encoding="utf-8")
        files[".chapters.json"].write_text(format_json_chapters(chapters), encoding="utf-8")
        files[VTT_SUFFIX].write_text(format_vtt(cues), encoding="utf-8")
        files[SRT_SUFFIX].write_text(format_srt(cues), encoding="utf-8")
    except BaseException:
        for path in files.values():
            path.unlink(missing_ok=True)
        raise
    media = EpisodeMedia(chapters, tuple(cues))
    dated = article.meta.date is not None
    return StagedEpisode(out_dir, episode, files, tags, media, dated, origin=article.origin)


def _with_book(
    staged: StagedEpisode,
    article: Article,
    prepared: PreparedScript,
    mastered: MasteredAudio,
    stream: Path,
    options: TextOptions,
    formats: Collection[str],
    narrators: list[str],
) -> StagedEpisode:
    """``staged`` with the article's talking book (``render --epub`` / ``--daisy``): the text as
    written, each sentence with its clip in the episode's MP3 (``stream``, untagged), read by
    ``narrators`` (``Cast.narrators``)."""
    # Imported here: most renders make no book, and EPUB and DAISY take a while to import.
    from newsaudio.publishing.bookmaker import make_book, make_part, stage_book

    episode = staged.episode
    try:
        part = make_part(
            "a01",
            "article",
            prepared,
            [
                replace(c, start_ms=e.start_ms, end_ms=e.end_ms)
                for c, e in zip(mastered.chapters, episode.chapters, strict=True)
            ],
            mastered.sentences,
            lexicon=options.lexicon,
        )
        book = make_book(
            title=article.headline,
            slug=episode.slug,
            issued=episode.pub_date.date(),
            identity=article.identity,
            publisher=episode.author or staged.tags.artist,
            narrators=narrators,
            audio_file=episode.audio_file,
            duration_ms=round(episode.duration_s * 1000),
            parts=[part],
            description=episode.description,
        )
        books = stage_book(book, stream, staged.out_dir, formats, episode.rendered or _now())
    except BaseException:
        staged.discard()
        raise
    names = file_names(episode.slug, {*staged.files, *books})
    episode = replace(episode, **names)
    return replace(
        staged, files={**staged.files, **books}, episode=episode, book_fallbacks=book.fallbacks
    )


def note_source(
    out_dir: Path, slug: str, source: str | Path, profile: VoiceProfile, formats: Collection[str]
) -> None:
    """Keep, privately, what rendering the episode again takes (``newsaudio proof``)."""
    voice = profile.source if Path(profile.source).is_file() else profile.name
    remember_source(out_dir, slug, EpisodeSource(source_of(source), voice, tuple(formats)))


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def _description(article: Article) -> str:
    """The lead, else the first paragraph, else the headline: what a listener reads in the app."""
    if article.lead:
        return " ".join(article.lead)
    for section in article.sections:
        if section.paragraphs:
            return section.paragraphs[0]
    return article.headline


# --- Spoken pieces of a larger publication (an edition) ------------------------------------------


@dataclass(frozen=True)
class SpokenScript:
    """A script prepared, spoken and mastered into an untagged MP3: one piece of an edition."""

    prepared: PreparedScript
    mastered: MasteredAudio
    voice: str  # who spoke, as an episode records it
    narrators: tuple[str, ...] = ()  # who spoke, as a talking book names them (Cast.narrators)


def speak_script(
    script: Script,
    mp3: Path,
    profile: VoiceProfile,
    config: Config,
    cache: AudioCache | None = None,
    diacritizer: Diacritizer | None = None,
) -> SpokenScript:
    """Prepare, speak and master ``script`` into ``mp3`` (no tag), reusing the cache as a render
    does: the prepared text, the sentences, and the mastered chapters of an unchanged script. Its
    chapters over three minutes get navigation points, however long the script is: it is a piece
    of a longer publication."""
    cast = Cast(profile, cache)
    options = text_options(profile, config)
    prepared = _prepare(script, options, diacritizer, cache)
    mastered = _master(synthesize_script(cast, prepared), cast, cache, mp3)
    prepared, mastered = with_navigation(prepared, mastered, long=True, lexicon=options.lexicon)
    voice = "; ".join(cast.spoken_by) or cast.main.label
    return SpokenScript(prepared, mastered, voice, tuple(cast.narrators))
