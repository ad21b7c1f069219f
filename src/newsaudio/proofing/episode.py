"""An episode opened for proofing: its script as spoken, word by word, each sentence's place in
the MP3, and the corrections it was rendered with.

The script is prepared again from the episode's article, as a render prepares it (from the cache:
no diacritization when nothing changed), and the episode's corrections are applied to it, so what
is shown is what the MP3 says. A word is flagged when text preparation decided it with less
confidence than ``textprep.words.FLAG_BELOW`` and nobody decided it for sure (the lexicon, a
rule, the author, a proofreader's correction). Each sentence's place in the MP3 comes from the
episode's captions, which are timed by the same sample counts as its chapters.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from pathlib import Path

from newsaudio.config import Config
from newsaudio.errors import EXIT_INPUT, CorrectionError, FeedError
from newsaudio.pipeline import load_source, note_source, prepare_cached
from newsaudio.publishing.catalog import Catalog
from newsaudio.publishing.corrections import episode_corrections
from newsaudio.publishing.episode import EDITION_IDENTITY, Episode
from newsaudio.publishing.page import read_cues
from newsaudio.publishing.sources import EpisodeSource, episode_source, source_of
from newsaudio.reading.fetch import is_url
from newsaudio.speech.cache import AudioCache
from newsaudio.speech.voices import VoiceProfile, load_voice
from newsaudio.textprep import PreparedScript, PreparedSegment
from newsaudio.textprep.corrections import (
    Correction,
    Scope,
    apply_corrections,
    correct_sentence,
    lexicon_of,
    sentence_key,
)
from newsaudio.textprep.diacritize import strip_marks
from newsaudio.textprep.lexicon import fold
from newsaudio.textprep.words import WORD, SpokenWord

log = logging.getLogger(__name__)

_LETTERS = re.compile(r"\w+")


@dataclass(frozen=True)
class Sentence:
    """One sentence of the script: where it is (segment, block, sentence), as spoken and as
    shown, and where it is heard in the MP3 (milliseconds; None when the captions do not say)."""

    segment: int
    block: int
    number: int
    spoken: str
    shown: str
    start_ms: int | None = None
    end_ms: int | None = None

    @property
    def id(self) -> str:
        return f"{self.segment}-{self.block}-{self.number}"


@dataclass(frozen=True)
class Word:
    """One word of the script, as a proofreader sees it."""

    id: str
    sentence: Sentence
    index: int  # among the sentence's Arabic words
    word: SpokenWord
    corrected: Scope | None = None  # by one of the episode's corrections

    @property
    def flagged(self) -> bool:
        return self.word.flagged and self.corrected is None


@dataclass(frozen=True)
class ProofEpisode:
    """An episode, its source and its script, ready for proofing."""

    out_dir: Path
    episode: Episode
    source: EpisodeSource
    profile: VoiceProfile
    config: Config
    raw: PreparedScript  # as prepared, before the episode's corrections
    prepared: PreparedScript  # as spoken
    corrections: tuple[Correction, ...]
    sentences: tuple[Sentence, ...]
    words: tuple[Word, ...]
    revision: str  # changes whenever the episode's MP3 does

    @property
    def flagged(self) -> list[Word]:
        return [w for w in self.words if w.flagged]

    def word(self, word_id: str) -> Word:
        for word in self.words:
            if word.id == word_id:
                return word
        raise CorrectionError(f"{self.episode.slug}: no word {word_id!r} in the script")


def mp3_revision(out_dir: Path, episode: Episode) -> str:
    """What changes when the episode's MP3 is replaced: its size and modification time."""
    try:
        stat = (out_dir / episode.audio_file).stat()
    except OSError as exc:
        raise FeedError(f"{out_dir / episode.audio_file}: cannot be read ({exc})") from exc
    return f"{stat.st_size}-{stat.st_mtime_ns}"


def open_episode(
    out_dir: Path, target: str, config: Config, voice: str | None = None
) -> ProofEpisode:
    """The episode ``target`` names — a slug of ``out_dir``, or the article it was rendered from
    (a file or a URL) — opened for proofing."""
    cache = AudioCache.from_env()
    with Catalog.open(out_dir) as catalog:
        episode = catalog.get(target)
        article = None
        if episode is None:
            if not (is_url(target) or Path(target).is_file()):
                raise FeedError(
                    f"{out_dir}: no episode {target!r} (see `newsaudio episodes`), and no "
                    "article file of that name",
                    exit_code=EXIT_INPUT,
                )
            article = load_source(target)
            episode = catalog.by_identity(article.identity)
            if episode is None:
                raise FeedError(
                    f"{target}: has no episode in {out_dir}; render it first",
                    exit_code=EXIT_INPUT,
                )
        if (episode.identity or "").startswith(EDITION_IDENTITY):
            raise FeedError(
                f"{out_dir}: {episode.slug} is an edition; proof its articles' own episodes "
                "(`newsaudio render ARTICLE`), then make the edition again",
                exit_code=EXIT_INPUT,
            )
        corrections = episode_corrections(catalog, episode.slug)
    source = _source(out_dir, episode, target if article else None)
    profile = _voice(voice or source.voice, config)
    if article is not None:  # `proof SLUG` finds it from now on
        note_source(out_dir, episode.slug, source.source, profile, source.formats)
    else:
        article = load_source(source.source)
        if episode.identity and article.identity != episode.identity:
            raise FeedError(
                f"{source.source}: is no longer the article of {episode.slug}; run `newsaudio "
                f"proof ARTICLE --out {out_dir}` with its article",
                exit_code=EXIT_INPUT,
            )
    raw = prepare_cached(article, profile, config, cache)
    segments = apply_corrections(raw.segments, corrections, profile.case_endings)
    prepared = PreparedScript(raw.script, segments)
    sentences = _timed(_sentences(prepared), out_dir, episode)
    words = _words(raw, prepared, sentences, corrections, profile)
    return ProofEpisode(
        out_dir,
        episode,
        source,
        profile,
        config,
        raw,
        prepared,
        corrections,
        sentences,
        words,
        mp3_revision(out_dir, episode),
    )


def _source(out_dir: Path, episode: Episode, given: str | None) -> EpisodeSource:
    """Where the episode came from: the article given, else as noted when it was rendered."""
    noted = episode_source(out_dir, episode.slug)
    if given is not None:
        formats = noted.formats if noted else _formats(episode)
        return EpisodeSource(source_of(given), noted.voice if noted else "", formats)
    if noted is None:
        raise FeedError(
            f"{out_dir}: where episode {episode.slug!r} came from is not known on this machine "
            f"(rendered elsewhere, or the cache was cleared); run `newsaudio proof ARTICLE --out "
            f"{out_dir}` with its article",
            exit_code=EXIT_INPUT,
        )
    if not is_url(noted.source) and not Path(noted.source).is_file():
        raise FeedError(
            f"{noted.source}: the article of {episode.slug} is gone; run `newsaudio proof "
            f"ARTICLE --out {out_dir}` with where it is now",
            exit_code=EXIT_INPUT,
        )
    return noted


def _formats(episode: Episode) -> tuple[str, ...]:
    return (".epub",) * bool(episode.epub_file) + (".daisy.zip",) * bool(episode.daisy_file)


def _voice(voice: str, config: Config) -> VoiceProfile:
    """The profile that spoke the episode: its file, else a profile of that name, else the
    project's voice."""
    if voice and Path(voice).is_file():
        return load_voice(voice)
    name = Path(voice).stem if voice else config.voice
    return load_voice(name)


def _sentences(prepared: PreparedScript) -> list[Sentence]:
    return [
        Sentence(i, b, n, spoken, segment.written_sentence(b, n))
        for i, segment in enumerate(prepared.segments)
        for b, block in enumerate(segment.blocks)
        for n, spoken in enumerate(block)
    ]


def _letters(text: str) -> str:
    return fold("".join(_LETTERS.findall(strip_marks(text))))


def _timed(sentences: list[Sentence], out_dir: Path, episode: Episode) -> tuple[Sentence, ...]:
    """The sentences with their times from the episode's captions: one cue per sentence, or a
    few for a long one (split at its pauses), in order."""
    vtt = out_dir / (episode.vtt_file or f"{episode.slug}.vtt")
    try:
        cues = list(read_cues(vtt)) if vtt.is_file() else []
    except FeedError as exc:
        log.warning("%s", exc)
        cues = []
    timed, next_cue = [], 0
    for sentence in sentences:
        wanted, heard, first = _letters(sentence.shown), "", next_cue
        while next_cue < len(cues) and len(heard) < len(wanted):
            piece = _letters(cues[next_cue].text)
            if not wanted.startswith(heard + piece):
                break
            heard += piece
            next_cue += 1
        if heard and heard == wanted:
            start, end = cues[first].start_ms, cues[next_cue - 1].end_ms
            timed.append(replace(sentence, start_ms=start, end_ms=end))
        else:
            next_cue = first  # not heard (or the captions differ): leave the cues to the next
            timed.append(sentence)
    return tuple(timed)


def _words(
    raw: PreparedScript,
    prepared: PreparedScript,
    sentences: tuple[Sentence, ...],
    corrections: tuple[Correction, ...],
    profile: VoiceProfile,
) -> tuple[Word, ...]:
    """Every Arabic word of the script, with the scope of the correction that covers it."""
    article = lexicon_of([c for c in corrections if c.scope == "article"])
    words = []
    for sentence in sentences:
        segment = prepared.segments[sentence.segment]
        before = raw.segments[sentence.segment].blocks[sentence.block][sentence.number]
        key = sentence_key(sentence.spoken)
        own = lexicon_of(c for c in corrections if c.scope == "sentence" and c.sentence == key)
        by_article = correct_sentence(before, article, profile.case_endings)[1]
        by_sentence = correct_sentence(before, own, profile.case_endings)[1]
        for index, word in enumerate(_spoken_words(segment, sentence)):
            scope: Scope | None = (
                "sentence" if index in by_sentence else "article" if index in by_article else None
            )
            words.append(Word(f"{sentence.id}-{index}", sentence, index, word, scope))
    return tuple(words)


def _spoken_words(segment: PreparedSegment, sentence: Sentence) -> tuple[SpokenWord, ...]:
    """The sentence's words as text preparation gave them, else read off the sentence (words
    without a confidence: nothing to flag)."""
    if segment.words:
        given = segment.words[sentence.block][sentence.number]
        if len(given) == len(WORD.findall(sentence.spoken)):
            return given
    return tuple(
        SpokenWord(strip_marks(w), w, 1.0, (), "rule") for w in WORD.findall(sentence.spoken)
    )
