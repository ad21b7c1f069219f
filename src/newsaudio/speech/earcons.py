"""Earcons: a short, gentle chime that tells a listener a new section begins.

Generated here with numpy (nothing to download, nothing to license): two soft bell-like notes a
fifth apart, rising, 0.45 s in all. Its level follows the speech it introduces — about 8 dB under
the speech's RMS level — so it stays gentle whichever engine spoke and before loudness
normalization; it is never louder than the voice.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

# (frequency in Hz, start in seconds): C5 then G5, a rising fifth, heard as "next".
_NOTES = ((523.25, 0.0), (783.99, 0.12))
_NOTE_S = 0.33  # each note rings this long
_DECAY_PER_S = 9.0  # exponential decay: a soft bell, not a beep
_ATTACK_S = 0.006  # a few ms of attack: no click at the onset
_LEVEL_DB = -8.0  # the chime's RMS relative to the speech's RMS
_SPEECH_FLOOR = 0.01  # samples quieter than this (of full scale) are pauses, not speech


def chime(sample_rate: int) -> FloatArray:
    """The earcon at ``sample_rate``, peak 1.0.

    >>> round(len(chime(22050)) / 22050, 2)
    0.45
    """
    total_s = _NOTES[-1][1] + _NOTE_S
    t = np.arange(int(total_s * sample_rate)) / sample_rate
    out = np.zeros_like(t)
    for frequency, start in _NOTES:
        local = t - start
        on = local >= 0
        envelope = np.exp(-_DECAY_PER_S * local[on]) * np.minimum(1.0, local[on] / _ATTACK_S)
        # A quiet octave overtone gives the sine a little warmth.
        tone = np.sin(2 * np.pi * frequency * local[on]) + 0.15 * np.sin(
            4 * np.pi * frequency * local[on]
        )
        out[on] += envelope * tone
    # Fade the tail to exact silence over the last 20 ms.
    tail = int(0.02 * sample_rate)
    out[-tail:] *= np.linspace(1.0, 0.0, tail)
    peak: FloatArray = out / np.max(np.abs(out))
    return peak


def earcon_for(speech: npt.NDArray[np.int16], sample_rate: int) -> npt.NDArray[np.int16]:
    """The chime as int16 at a level matched to ``speech`` (its voiced samples' RMS)."""
    x = speech.astype(np.float64) / 32768.0
    voiced = x[np.abs(x) > _SPEECH_FLOOR]
    speech_rms = float(np.sqrt(np.mean(voiced**2))) if voiced.size else 0.1
    sound = chime(sample_rate)
    sound_rms = float(np.sqrt(np.mean(sound**2)))
    gain = speech_rms * 10 ** (_LEVEL_DB / 20) / sound_rms
    return np.round(np.clip(sound * gain, -1.0, 1.0) * 32767).astype(np.int16)
