"""MP3 encoding with LAME inside the lameenc wheel: no system ffmpeg or lame."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import lameenc
import numpy as np

from newsaudio.audio.loudness import FloatArray
from newsaudio.errors import AudioError

SAMPLE_RATE = 44_100
BITRATE_KBPS = 96  # CBR mono: clean speech at a size podcast apps download quickly


def write_mp3(chunks: Iterable[FloatArray], path: Path) -> int:
    """Encode float samples (44.1 kHz mono) to ``path``: MP3, constant bitrate. Returns the number
    of samples encoded."""
    try:
        encoder = lameenc.Encoder()
        encoder.set_bit_rate(BITRATE_KBPS)
        encoder.set_in_sample_rate(SAMPLE_RATE)
        encoder.set_channels(1)
        # LAME -q3 (its default): the same error as -q2 on our speech (25.3 vs 25.2 dB SNR,
        # measured on the sample) in 60 % of the time; the encoder was half of a render.
        encoder.set_quality(3)
        total = 0
        with path.open("wb") as out:
            for chunk in chunks:
                pcm = np.clip(np.round(chunk * 32767), -32768, 32767).astype("<i2")
                out.write(encoder.encode(pcm.tobytes()))
                total += len(pcm)
            out.write(encoder.flush())
    except RuntimeError as exc:
        raise AudioError(f"MP3 encoding failed ({exc})") from exc
    return total
