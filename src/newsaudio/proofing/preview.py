"""A sentence spoken with another form of one of its words, to hear before choosing it.

The sentence is corrected exactly as applying the correction would correct it, and spoken by the
voice that speaks it in the episode, through the sentence cache: applying the form afterwards
finds the sentence already spoken. It comes back as WAV at the loudness of an episode, so it
sounds as loud as the sentence played from the MP3 beside it.
"""

from __future__ import annotations

import io
import wave

import numpy as np

from newsaudio.audio.loudness import dual_mono_loudness
from newsaudio.audio.master import TARGET_LUFS
from newsaudio.proofing.episode import ProofEpisode
from newsaudio.proofing.fixes import Fix, corrections_for, in_episode
from newsaudio.speech.synthesis import Cast, role_of
from newsaudio.textprep.corrections import apply_corrections


def corrected_sentence(proof: ProofEpisode, fix: Fix) -> str:
    """The fixed word's sentence as it would be spoken with ``fix`` applied (checked first)."""
    (made,) = corrections_for(proof, [fix])
    sentence = proof.word(fix.word).sentence
    segment = proof.raw.segments[sentence.segment]
    (corrected,) = apply_corrections(
        [segment], (*proof.corrections, in_episode(made)), proof.profile.case_endings
    )
    return corrected.blocks[sentence.block][sentence.number]


def preview_wav(proof: ProofEpisode, cast: Cast, fix: Fix) -> bytes:
    """The fixed word's sentence, spoken with ``fix`` applied, as a WAV file."""
    text = corrected_sentence(proof, fix)
    sentence = proof.word(fix.word).sentence
    role = role_of(proof.prepared.segments[sentence.segment], sentence.block)
    chunk = cast.say(role, text, {})
    samples = chunk.samples.astype(np.float64) / 32768.0
    loudness = dual_mono_loudness(samples, chunk.sample_rate)
    if np.isfinite(loudness):
        samples = samples * 10 ** ((TARGET_LUFS - loudness) / 20)
    pcm = np.clip(np.round(samples * 32767), -32768, 32767).astype("<i2")
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(chunk.sample_rate)
        wav.writeframes(pcm.tobytes())
    return out.getvalue()
