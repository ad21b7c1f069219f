"""Casting voices for a render: roles, fallback when a voice fails, earcons, who spoke."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from newsaudio.audio.segments import RESTART, Sound
from newsaudio.errors import EngineError
from newsaudio.speech.earcons import chime, earcon_for
from newsaudio.speech.synthesis import Cast, speak, speak_segment
from newsaudio.speech.voices import GttsOptions, Pauses, Roles, VoiceProfile, load_voice
from newsaudio.textprep import PreparedSegment

from .local_server import Reply, local_server
from .test_gtts import RATE as GTTS_RATE
from .test_gtts import ok

SECTION = PreparedSegment("section", "قسم", (("عُنْوَانٌ فَرْعِيٌّ.",), ("جُمْلَةٌ أُولَى.", "جُمْلَةٌ ثَانِيَةٌ.")))


def gtts_profile(url: str, **settings: object) -> VoiceProfile:
    options = GttsOptions(url=url, timeout_s=0.5, tries=2, backoff_s=0.01)
    return VoiceProfile(name="online", engine="gtts", voice="ar", gtts=options, **settings)  # type: ignore[arg-type]


def test_default_voice_speaks_everything() -> None:
    cast = Cast(load_voice())
    audio = speak_segment(cast, SECTION)
    assert audio.sample_rate == 22050
    assert cast.voices_used == ["ar-espeak"]


def test_online_voice_falls_back_for_the_segment_and_after() -> None:
    with local_server(lambda *_: Reply(status=503)) as server:
        cast = Cast(gtts_profile(server.url(), fallback="ar-espeak"))
        first = speak_segment(cast, SECTION)
        asked = len(server.requests)
        speak_segment(cast, SECTION)
    assert first.sample_rate == 22050  # eSpeak NG's rate: the fallback spoke all of it
    assert cast.voices_used == ["ar-espeak"]
    assert asked == 2  # one sentence's two tries, then no more waiting on the service
    assert len(server.requests) == asked


def test_without_fallback_the_failure_is_one_line() -> None:
    with local_server(lambda *_: Reply(status=429)) as server:
        cast = Cast(gtts_profile(server.url()))
        with pytest.raises(EngineError, match=r"failed 2 times .*HTTP 429"):
            speak_segment(cast, SECTION)


def test_online_voice_that_answers_is_recorded() -> None:
    with local_server(ok) as server:
        cast = Cast(gtts_profile(server.url(), fallback="ar-espeak"))
        audio = speak_segment(cast, SECTION)
    assert audio.sample_rate == GTTS_RATE
    assert cast.voices_used == ["online"]
    assert cast.spoken_by[0].startswith("online (gTTS ")


def test_roles_mix_voices_at_one_rate(tmp_path: Path) -> None:
    """Subheading by the online voice (24 kHz), body by eSpeak NG (22.05 kHz): one segment, one
    rate — the first voice's — with every sentence in it."""
    with local_server(ok) as server:
        (tmp_path / "online.toml").write_text(
            f'engine = "gtts"\nvoice = "ar"\n[gtts]\nurl = "{server.url()}"\n', encoding="utf-8"
        )
        profile = VoiceProfile(
            name="mixed",
            engine="espeak",
            voice="ar",
            roles=Roles(subheading="online"),
            pauses=Pauses(sentence_ms=100, block_ms=200),
            source=str(tmp_path / "mixed.toml"),
        )
        cast = Cast(profile)
        audio = speak_segment(cast, SECTION)
    body = speak_segment(
        Cast(load_voice()), PreparedSegment("section", "b", ((), SECTION.blocks[1]))
    )
    assert audio.sample_rate == GTTS_RATE
    assert cast.voices_used == ["online", "mixed"]
    # 0.4 s subheading + 0.2 s pause + the body, resampled from 22.05 to 24 kHz.
    expected = 0.4 + 0.2 + body.duration_s + (0.1 - 0.35)  # body was timed with 350 ms pauses
    assert audio.duration_s == pytest.approx(expected, abs=0.08)


def test_earcon_opens_the_segment() -> None:
    cast = Cast(load_voice("ar-podcast"))
    plain = speak_segment(cast, SECTION)
    chimed = speak_segment(cast, SECTION, earcon=True)
    rate = chimed.sample_rate
    pause = cast.profile.pauses.sentence_ms / 1000
    assert chimed.duration_s == pytest.approx(plain.duration_s + 0.45 + pause, abs=0.002)
    sound = chimed.samples[: int(0.45 * rate)].astype(np.float64)
    assert np.abs(sound[: int(0.02 * rate)]).max() > 100  # the chapter starts with the chime
    # Gentle: under the speech's level, and no louder than its peaks.
    assert np.abs(sound).max() < np.abs(plain.samples).max()
    gap = chimed.samples[int(0.45 * rate) : int((0.45 + pause) * rate)]
    assert not gap.any()


def test_chime_is_smooth_and_ends_in_silence() -> None:
    sound = chime(22050)
    assert np.abs(sound).max() == pytest.approx(1.0)
    assert abs(sound[0]) < 0.01 and sound[-1] == 0.0
    speech = (np.sin(np.arange(22050) / 5) * 8000).astype(np.int16)
    quieter = earcon_for(speech, 22050)
    assert np.sqrt(np.mean(quieter.astype(float) ** 2)) < np.sqrt(
        np.mean(speech.astype(float) ** 2)
    )


def test_failure_mid_segment_respeaks_the_whole_segment() -> None:
    """The first sentence came from Google, the second failed: the fallback speaks all three, so
    a chapter is never half one voice and half another."""

    def respond(request: object, number: int) -> Reply:
        return ok(request, number) if number == 0 else Reply(status=503)  # type: ignore[arg-type]

    with local_server(respond) as server:
        cast = Cast(gtts_profile(server.url(), fallback="ar-espeak"))
        audio = speak_segment(cast, SECTION)
    assert audio.sample_rate == 22050
    assert cast.voices_used == ["ar-espeak"]


def test_failure_mid_segment_restarts_the_stream() -> None:
    """Streamed, the sentence Google spoke is already handed over when the next one fails: the
    stream says RESTART, then the fallback speaks the whole segment."""

    def respond(request: object, number: int) -> Reply:
        return ok(request, number) if number == 0 else Reply(status=503)  # type: ignore[arg-type]

    with local_server(respond) as server:
        cast = Cast(gtts_profile(server.url(), fallback="ar-espeak"))
        stream = list(speak(cast, SECTION))
    assert stream.count(RESTART) == 1
    cut = stream.index(RESTART)
    before = [s for s in stream[:cut] if isinstance(s, Sound)]
    after = [s for s in stream[cut + 1 :] if isinstance(s, Sound)]
    assert before and all(s.sample_rate == GTTS_RATE for s in before)
    assert all(s.sample_rate == 22050 for s in after)
    assert len([span for s in after for span in s.sentences]) == 3
    assert cast.voices_used == ["ar-espeak"]
