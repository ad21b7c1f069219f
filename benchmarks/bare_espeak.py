"""The least a TTS tool can do: the raw article text through libespeak-ng in one call, then MP3.

The baseline for benchmarks/render.py: no parsing, no diacritization, no loudness, no tags. The MP3
has newsaudio's format (mono, 44.1 kHz, 96 kbps CBR, LAME -q2; LAME resamples eSpeak NG's
22,050 Hz), or with --native the engine's own rate.

    python benchmarks/bare_espeak.py ARTICLE OUT.mp3 [--native]
"""

import ctypes
import sys

import espeakng_loader
import lameenc

lib = ctypes.CDLL(espeakng_loader.get_library_path())
rate = lib.espeak_Initialize(2, 0, espeakng_loader.get_data_path().encode(), 0x8000)  # synchronous
pcm = bytearray()
CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)
on_audio = CALLBACK(lambda wav, n, _: pcm.extend(ctypes.string_at(wav, 2 * n)) or 0)
lib.espeak_SetSynthCallback(on_audio)
lib.espeak_SetVoiceByName(b"ar")
with open(sys.argv[1], encoding="utf-8") as article:
    text = article.read().encode("utf-8") + b"\0"
lib.espeak_Synth(text, ctypes.c_size_t(len(text)), 0, 1, 0, 1, None, None)  # 1 = UTF-8 chars
encoder = lameenc.Encoder()
encoder.set_bit_rate(96)
encoder.set_in_sample_rate(rate)
encoder.set_out_sample_rate(rate if "--native" in sys.argv else 44100)
encoder.set_channels(1)
encoder.set_quality(3)
with open(sys.argv[2], "wb") as out:
    out.write(encoder.encode(bytes(pcm)) + encoder.flush())
