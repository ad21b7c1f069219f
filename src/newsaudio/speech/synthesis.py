"""Speech for each prepared segment.

Sentences are synthesized one at a time and joined with the voice profile's pauses: a short pause
between sentences, a longer one between blocks (after a subheading, between paragraphs). Each
segment is handed over as a stream of sounds (:class:`~newsaudio.audio.segments.SegmentStream`):
a sentence as spoken, a pause, a chime, one after the other, so memory follows a sentence however
long the segment; nothing holds a whole segment's audio.

A :class:`Cast` holds the voices of one render: the profile's own, one per role if the profile
names them (headline, subheading, body, closing), and each voice's fallback. When a voice's engine
fails (an online voice after its retries), the whole segment is spoken again by its fallback (the
stream says :data:`~newsaudio.audio.segments.RESTART` and starts over), and so is everything that
voice would have spoken after it: one voice per segment, no waiting on a service that is down.
The cast records which voices spoke, for the episode record.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from newsaudio.audio.resample import resample
from newsaudio.audio.segments import (
    RESTART,
    AudioChunk,
    Restart,
    SegmentAudio,
    SegmentStream,
    SentenceSpan,
    Sound,
    to_segment,
)
from newsaudio.errors import EngineError
from newsaudio.speech.cache import AudioCache, CachedEngine
from newsaudio.speech.chapter_cache import segment_key
from newsaudio.speech.earcons import earcon_for
from newsaudio.speech.engines import Engine, get_engine
from newsaudio.speech.voices import ROLES, Role, VoiceProfile, load_voice
from newsaudio.textprep import PreparedScript, PreparedSegment

log = logging.getLogger(__name__)

Samples = npt.NDArray[np.int16]
_AUDIBLE = 328  # -40 dBFS in int16: below this an engine's chunk is lead-in or tail silence


@dataclass(frozen=True)
class Voice:
    """A profile with its engine, and the voice that stands in when that engine fails."""

    profile: VoiceProfile
    engine: Engine
    fallback: Voice | None = None

    @property
    def label(self) -> str:
        """The profile's name and the engine's identity, e.g. for an ID3 comment."""
        return f"{self.profile.name} ({self.engine.version})"


class _FellBack(Exception):
    """A voice failed and has a fallback: speak the segment again."""


class Cast:
    """The voices of one render, built before any audio so a missing voice fails first."""

    def __init__(
        self, profile: VoiceProfile, cache: AudioCache | None = None, fallbacks: bool = True
    ) -> None:
        """``fallbacks=False``: a failing voice fails, its fallback is not asked (trying a
        voice must not pass off another voice's sound as its own)."""
        self.profile = profile
        self.cache = cache
        self._engines: dict[str, Engine] = {}  # by profile file: roles sharing a profile share it
        main = self._voice(profile, fallbacks)
        self.roles: dict[Role, Voice] = {}
        for role in ROLES:
            name = getattr(profile.roles, role)
            voice = load_voice(name, profile.folder) if name else None
            self.roles[role] = self._voice(voice, fallbacks) if voice else main
        self._failed: set[str] = set()  # profiles whose engine failed in this render
        self._spoken: dict[str, str] = {}  # profile name -> label, in order of first use

    def _voice(self, profile: VoiceProfile, with_fallback: bool = True) -> Voice:
        fallback = None
        if with_fallback and profile.fallback:
            # A fallback's own fallback is not followed: one stand-in, no chains.
            fallback = self._voice(load_voice(profile.fallback, profile.folder), False)
        key = profile.source or profile.name
        if key not in self._engines:
            engine = get_engine(profile)
            self._engines[key] = CachedEngine(engine, profile, self.cache) if self.cache else engine
        return Voice(profile, self._engines[key], fallback)

    @property
    def main(self) -> Voice:
        """The profile's own voice (it speaks every role no other profile is given)."""
        return self.roles["body"] if not self.profile.roles.body else self._voice(self.profile)

    @property
    def single_voice(self) -> bool:
        """Whether one engine speaks every role."""
        return len({id(v.engine) for v in self.roles.values()}) == 1

    @property
    def fell_back(self) -> bool:
        """Whether a voice failed in this render and its fallback spoke."""
        return bool(self._failed)

    @property
    def spoken_by(self) -> list[str]:
        """Who spoke, e.g. ``["ar-gtts (gTTS 2.5.4, …)", "ar-espeak (espeak)"]``."""
        return list(self._spoken.values())

    @property
    def voices_used(self) -> list[str]:
        """The names of the profiles that spoke, in order of first use."""
        return list(self._spoken)

    @property
    def narrators(self) -> list[str]:
        """The ``narrator`` phrases of the profiles that spoke (the main voice's, when none did:
        the mastered MP3 came from the cache), in order of first use; empty where unset."""
        voices = [*self.roles.values(), *(v.fallback for v in self.roles.values() if v.fallback)]
        phrase = {v.profile.name: v.profile.narrator for v in voices}
        return [phrase.get(name, "") for name in self._spoken] or [self.main.profile.narrator]

    def speaker(self, role: Role) -> Voice:
        """Who speaks ``role`` now: its voice, or the fallback once that voice has failed."""
        voice = self.roles[role]
        if voice.profile.name in self._failed and voice.fallback:
            return voice.fallback
        return voice

    def say(self, role: Role, sentence: str, used: dict[str, str]) -> AudioChunk:
        """Speak one sentence in ``role``'s voice (at its volume), noting the voice in ``used``.

        Raises :class:`_FellBack` when the voice fails and has a fallback.
        """
        voice = self.speaker(role)
        try:
            chunk = voice.engine.synthesize(sentence)
        except EngineError as exc:
            if voice is not self.roles[role] or voice.fallback is None:
                raise
            log.warning(
                "%s failed (%s); %s speaks instead",
                voice.profile.name,
                exc,
                voice.fallback.profile.name,
            )
            self._failed.add(voice.profile.name)
            raise _FellBack from exc
        used[voice.profile.name] = voice.label
        if voice.profile.volume != 1.0:
            gained = np.clip(chunk.samples * voice.profile.volume, -32768, 32767)
            chunk = AudioChunk(gained.astype(np.int16), chunk.sample_rate)
        return chunk

    def record(self, used: dict[str, str]) -> None:
        """Note the voices that spoke a finished segment."""
        for name, label in used.items():
            self._spoken.setdefault(name, label)


def role_of(segment: PreparedSegment, block_index: int) -> Role:
    """Which part of the script a block is: the first block of the headline segment is the
    headline, of a section its subheading (when the title is spoken); the rest is body (the lead,
    paragraphs)."""
    if segment.kind == "closing":
        return "closing"
    if block_index == 0 and segment.spoken_title:
        return "headline" if segment.kind == "headline" else "subheading"
    return "body"


def _at_rate(chunk: AudioChunk, rate: int) -> Samples:
    """The chunk's samples at ``rate``: voices mixed in one segment share its first voice's rate."""
    if chunk.sample_rate == rate:
        return chunk.samples
    x = resample(chunk.samples.astype(np.float64), chunk.sample_rate, rate)
    return np.clip(np.round(x), -32768, 32767).astype(np.int16)


def _silence(ms: int, rate: int) -> Samples:
    return np.zeros(int(rate * ms / 1000), dtype=np.int16)


def _audible(samples: Samples) -> tuple[int, int]:
    """First and one-past-last sample louder than -40 dBFS: where speech starts and ends in an
    engine's chunk (engines pad with a little silence)."""
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > _AUDIBLE)
    return (int(loud[0]), int(loud[-1]) + 1) if loud.size else (0, len(samples))


def _sounds(cast: Cast, segment: PreparedSegment, used: dict[str, str]) -> Iterator[Sound]:
    """The segment's sentences as each is spoken, with the pauses between them."""
    pauses = cast.profile.pauses
    rate = 0
    for index, block in enumerate(segment.blocks):
        if not block:
            continue
        if rate:
            yield Sound(_silence(pauses.block_ms, rate), rate)
        for number, sentence in enumerate(block):
            chunk = cast.say(role_of(segment, index), sentence, used)
            rate = rate or chunk.sample_rate
            if number:
                yield Sound(_silence(pauses.sentence_ms, rate), rate)
            samples = _at_rate(chunk, rate)
            first, last = _audible(samples)
            shown = segment.written_sentence(index, number)
            yield Sound(samples, rate, (SentenceSpan(shown, first, last),))
    if not rate:
        raise EngineError(f"segment {segment.title!r} has no text to speak")


# The chime's level follows the speech it introduces: measured on this much of it (a segment
# shorter than this is measured whole), which is held back until the chime is made.
EARCON_MEASURE_S = 60.0


def _chimed(sounds: Iterator[Sound], pause_ms: int) -> Iterator[Sound]:
    """``sounds`` after a chime and a sentence pause (the chapter starts at its first sound)."""
    held: list[Sound] = []
    length = 0
    for sound in sounds:
        held.append(sound)
        length += len(sound.samples)
        if length >= EARCON_MEASURE_S * sound.sample_rate:
            break
    if not held:
        return
    rate = held[0].sample_rate
    speech = np.concatenate([h.samples for h in held])
    yield Sound(earcon_for(speech, rate), rate)
    del speech
    yield Sound(_silence(pause_ms, rate), rate)
    yield from held
    held.clear()
    yield from sounds


def speak(cast: Cast, segment: PreparedSegment, earcon: bool = False) -> Iterator[Sound | Restart]:
    """One segment's speech, sound by sound: sentences joined by sentence pauses, blocks by block
    pauses; with ``earcon``, the profile's chime first. When a voice fails and has a fallback,
    :data:`RESTART` says that what came so far is void, and the fallback speaks it all again."""
    while True:  # each retry follows one more failed voice to its fallback, so this ends
        used: dict[str, str] = {}
        sounds = _sounds(cast, segment, used)
        if earcon:
            sounds = _chimed(sounds, cast.profile.pauses.sentence_ms)
        try:
            yield from sounds
        except _FellBack:
            yield RESTART
            continue
        cast.record(used)
        return


def _collected(stream: Iterator[Sound | Restart]) -> tuple[AudioChunk, list[SentenceSpan]]:
    """A segment's whole audio and its sentences' places, from its stream (short segments only:
    voice samples and tests)."""
    pieces: list[Samples] = []
    spans: list[SentenceSpan] = []
    position = rate = 0
    for sound in stream:
        if isinstance(sound, Restart):
            pieces, spans, position = [], [], 0
            continue
        rate = sound.sample_rate
        spans += [
            SentenceSpan(s.text, position + s.start, position + s.end) for s in sound.sentences
        ]
        pieces.append(sound.samples)
        position += len(sound.samples)
    return AudioChunk(np.concatenate(pieces), rate), spans


def speak_segment(cast: Cast, segment: PreparedSegment, earcon: bool = False) -> AudioChunk:
    """One segment's speech as PCM, whole (see :func:`speak`)."""
    return _collected(speak(cast, segment, earcon))[0]


def synthesize_segment(cast: Cast, segment: PreparedSegment, earcon: bool = False) -> SegmentAudio:
    """One segment's audio, whole, with where each sentence is heard."""
    chunk, spans = _collected(speak(cast, segment, earcon))
    return SegmentAudio(segment.title, to_segment(chunk), tuple(spans))


def synthesize_script(cast: Cast, script: PreparedScript) -> Iterator[SegmentStream]:
    """Each segment's audio as a stream, in order; with the profile's earcons, a chime opens every
    chapter after the first. A segment is spoken as its sounds are taken — mastering leaves those
    of a chapter it has in the cache — and, with a cache and one voice, carries its content key."""
    last = len(script.segments) - 1
    for number, segment in enumerate(script.segments):
        log.info("synthesizing %s segment %r", segment.kind, segment.title)
        earcon = cast.profile.earcons and number > 0
        key = ""
        if cast.cache is not None and cast.single_voice:
            after = cast.profile.pauses.segment_ms if number < last else 0
            key = segment_key(cast.cache, segment, cast.profile, cast.main.engine, earcon, after)
        yield SegmentStream(segment.title, speak(cast, segment, earcon), key)
