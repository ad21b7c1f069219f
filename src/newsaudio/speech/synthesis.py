"""Stage 4: speech for each prepared segment.

Sentences are synthesized one at a time and joined with the voice profile's pauses: a short pause
between sentences, a longer one between blocks (after a subheading, between paragraphs). Segments
are yielded one by one so callers can show progress on long articles.

A :class:`Cast` holds the voices of one render: the profile's own, one per role if the profile
names them (headline, subheading, body, closing), and each voice's fallback. When a voice's engine
fails (an online voice after its retries), the whole segment is spoken again by its fallback, and
so is everything that voice would have spoken after it: one voice per segment, no waiting on a
service that is down. The cast records which voices spoke, for the episode record.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from newsaudio.audio.resample import resample
from newsaudio.audio.segments import AudioChunk, SegmentAudio, SentenceSpan, to_segment
from newsaudio.errors import EngineError
from newsaudio.speech.cache import AudioCache, CachedEngine
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

    def __init__(self, profile: VoiceProfile, cache: AudioCache | None = None) -> None:
        self.profile = profile
        self.cache = cache
        self._engines: dict[str, Engine] = {}  # by profile file: roles sharing a profile share it
        main = self._voice(profile)
        self.roles: dict[Role, Voice] = {}
        for role in ROLES:
            name = getattr(profile.roles, role)
            self.roles[role] = self._voice(load_voice(name, profile.folder)) if name else main
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


def _role(segment: PreparedSegment, block_index: int) -> Role:
    """Which part of the script a block is: the first block of the headline segment is the
    headline, of a section its subheading; the rest is body (the lead, paragraphs)."""
    if segment.kind == "closing":
        return "closing"
    if block_index == 0:
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


def _speak(
    cast: Cast, segment: PreparedSegment, earcon: bool, used: dict[str, str]
) -> tuple[AudioChunk, list[SentenceSpan]]:
    pauses = cast.profile.pauses
    rate = 0
    pieces: list[Samples] = []
    spans: list[SentenceSpan] = []
    position = 0

    def add(piece: Samples) -> None:
        nonlocal position
        pieces.append(piece)
        position += len(piece)

    for index, block in enumerate(segment.blocks):
        if not block:
            continue
        if pieces:
            add(_silence(pauses.block_ms, rate))
        for number, sentence in enumerate(block):
            chunk = cast.say(_role(segment, index), sentence, used)
            rate = rate or chunk.sample_rate
            if number:
                add(_silence(pauses.sentence_ms, rate))
            samples = _at_rate(chunk, rate)
            first, last = _audible(samples)
            shown = segment.written_sentence(index, number)
            spans.append(SentenceSpan(shown, position + first, position + last))
            add(samples)
    if not pieces:
        raise EngineError(f"segment {segment.title!r} has no text to speak")
    speech = np.concatenate(pieces)
    if earcon:
        # The chime opens the segment, so the chapter starts at its first sound.
        chime = earcon_for(speech, rate)
        lead = np.concatenate((chime, _silence(pauses.sentence_ms, rate)))
        speech = np.concatenate((lead, speech))
        spans = [SentenceSpan(s.text, s.start + len(lead), s.end + len(lead)) for s in spans]
    return AudioChunk(speech, rate), spans


def speak_segment(cast: Cast, segment: PreparedSegment, earcon: bool = False) -> AudioChunk:
    """One segment's speech as PCM: sentences joined by sentence pauses, blocks by block pauses;
    with ``earcon``, the profile's chime first. A failed voice's fallback speaks it all again."""
    return _spoken(cast, segment, earcon)[0]


def _spoken(
    cast: Cast, segment: PreparedSegment, earcon: bool
) -> tuple[AudioChunk, list[SentenceSpan]]:
    while True:  # each retry follows one more failed voice to its fallback, so this ends
        used: dict[str, str] = {}
        try:
            spoken = _speak(cast, segment, earcon, used)
        except _FellBack:
            continue
        cast.record(used)
        return spoken


def synthesize_segment(cast: Cast, segment: PreparedSegment, earcon: bool = False) -> SegmentAudio:
    """One segment's audio, with where each sentence is heard, for assembly into the episode."""
    chunk, spans = _spoken(cast, segment, earcon)
    return SegmentAudio(segment.title, to_segment(chunk), tuple(spans))


def synthesize_script(cast: Cast, script: PreparedScript) -> Iterator[SegmentAudio]:
    """Each segment's audio, in order; with the profile's earcons, a chime opens every chapter
    after the first."""
    for number, segment in enumerate(script.segments):
        log.info("synthesizing %s segment %r", segment.kind, segment.title)
        yield synthesize_segment(cast, segment, earcon=cast.profile.earcons and number > 0)
