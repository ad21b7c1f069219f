"""eSpeak NG through its C API, from the ``espeakng-loader`` wheel (library and data inside).

Arabic text is respelled first for eSpeak NG's reading rules (``espeak_spelling``).

No system espeak-ng, no subprocess: libespeak-ng is loaded with ctypes and synthesizes into a
callback, in synchronous mode. The library keeps global state (one voice, one callback), so all
calls go through one lock and the library is initialized once per process.
"""

from __future__ import annotations

import ctypes
import hashlib
import logging
import threading
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import espeakng_loader
import numpy as np

from newsaudio.engines import espeak_spelling as spelling_module
from newsaudio.engines.base import AudioChunk
from newsaudio.engines.espeak_spelling import espeak_spelling
from newsaudio.errors import EngineError
from newsaudio.voices import VoiceProfile

log = logging.getLogger(__name__)

# Constants from espeak-ng's speak_lib.h.
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_POS_CHARACTER = 1
_espeakCHARS_UTF8 = 1
_espeakRATE, _espeakPITCH, _espeakRANGE = 1, 3, 4
_espeakINITIALIZE_DONT_EXIT = 0x8000
_espeakPHONEMES_IPA = 0x02
_EE_OK = 0

_SynthCallback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


@dataclass
class _Library:
    lib: ctypes.CDLL
    sample_rate: int
    version: str  # libespeak-ng's own, e.g. "1.52.0"
    callback: object  # the ctypes callback must outlive every synthesis call
    chunks: list[np.ndarray]


_lock = threading.Lock()
_library: _Library | None = None


def load_library() -> _Library:
    """Load and initialize libespeak-ng once per process."""
    global _library
    if _library is not None:
        return _library
    try:
        lib = ctypes.CDLL(espeakng_loader.get_library_path())
        data_path = espeakng_loader.get_data_path()
    except (OSError, RuntimeError) as exc:
        raise EngineError(f"espeak: cannot load libespeak-ng from espeakng-loader ({exc})") from exc
    lib.espeak_Info.restype = ctypes.c_char_p
    lib.espeak_Info.argtypes = [ctypes.c_void_p]
    lib.espeak_Initialize.restype = ctypes.c_int
    lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
    lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
    lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
    lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
    lib.espeak_TextToPhonemes.argtypes = [
        ctypes.POINTER(ctypes.c_char_p),
        ctypes.c_int,
        ctypes.c_int,
    ]
    lib.espeak_Synth.argtypes = [
        ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
        ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p,
    ]  # fmt: skip
    # buflength 0 = the library's default; DONT_EXIT keeps a data error from killing Python.
    sample_rate = lib.espeak_Initialize(
        _AUDIO_OUTPUT_SYNCHRONOUS, 0, data_path.encode(), _espeakINITIALIZE_DONT_EXIT
    )
    if sample_rate <= 0:
        raise EngineError(f"espeak: libespeak-ng failed to initialize with data at {data_path}")
    chunks: list[np.ndarray] = []

    def on_audio(wav: ctypes._Pointer[ctypes.c_short], count: int, _events: int) -> int:
        if count > 0 and wav:
            chunks.append(np.ctypeslib.as_array(wav, shape=(count,)).copy())
        return 0  # 0 = continue synthesis

    callback = _SynthCallback(on_audio)
    lib.espeak_SetSynthCallback(callback)
    version = (lib.espeak_Info(None) or b"unknown").decode("ascii", "replace")
    _library = _Library(lib, sample_rate, version, callback, chunks)
    return _library


class EspeakEngine:
    """The offline default engine."""

    name = "espeak"

    def __init__(self, profile: VoiceProfile) -> None:
        self.profile = profile
        self._library = load_library()
        # The library, its voice data (shipped in the loader's wheel) and our respelling rules
        # decide the sound: any of them changing must invalidate cached sentences.
        respelling = Path(spelling_module.__file__).read_bytes()
        self.version = (
            f"libespeak-ng {self._library.version}; "
            f"espeakng-loader {metadata.version('espeakng-loader')}; "
            f"respelling {hashlib.sha256(respelling).hexdigest()[:12]}"
        )

    def _configure(self) -> None:
        """Apply the profile. Settings are global in libespeak-ng: set them on every call in case
        another profile used the library in between (call with the lock held)."""
        lib, profile = self._library.lib, self.profile
        if lib.espeak_SetVoiceByName(profile.voice.encode()) != _EE_OK:
            raise EngineError(f"espeak: unknown eSpeak NG voice {profile.voice!r}")
        for parameter, value in (
            (_espeakRATE, profile.rate),
            (_espeakPITCH, profile.pitch),
            (_espeakRANGE, profile.range),
        ):
            lib.espeak_SetParameter(parameter, value, 0)

    def phonemes(self, text: str) -> str:
        """The IPA eSpeak NG reads for ``text`` (after our respelling): for tests and diagnosis."""
        remaining = ctypes.c_char_p(self._spell(text).encode("utf-8"))
        clauses = []
        with _lock:
            self._configure()
            while remaining.value:
                out = self._library.lib.espeak_TextToPhonemes(
                    ctypes.byref(remaining), _espeakCHARS_UTF8, _espeakPHONEMES_IPA
                )
                clauses.append(out.decode("utf-8"))
        return " | ".join(clauses)

    def _spell(self, text: str) -> str:
        return espeak_spelling(text) if self.profile.voice.startswith("ar") else text

    def synthesize(self, text: str) -> AudioChunk:
        """Speak one sentence with the profile's voice, rate and pitch."""
        library = self._library
        data = self._spell(text).encode("utf-8") + b"\0"
        with _lock:
            self._configure()
            library.chunks.clear()
            status = library.lib.espeak_Synth(
                data, len(data), 0, _POS_CHARACTER, 0, _espeakCHARS_UTF8, None, None
            )
            library.lib.espeak_Synchronize()
            if status != _EE_OK or not library.chunks:
                raise EngineError(f"espeak: synthesis failed (status {status}) for {text[:40]!r}")
            samples = np.concatenate(library.chunks).astype(np.int16, copy=False)
            library.chunks.clear()
        log.debug("espeak: %d samples for %d characters", len(samples), len(text))
        return AudioChunk(samples, library.sample_rate)


def english_phonemes(word: str) -> str:
    """eSpeak NG's English IPA for a Latin word ("Netflix" → "nˈɛtflɪks"): the grapheme-to-phoneme
    step text preparation uses to write unknown Latin names in Arabic letters, for every engine."""
    library = load_library()
    remaining = ctypes.c_char_p(word.encode("utf-8"))
    clauses = []
    with _lock:  # the voice is global in libespeak-ng; engines set theirs on every call
        if library.lib.espeak_SetVoiceByName(b"en") != _EE_OK:
            raise EngineError("espeak: eSpeak NG's English voice 'en' is missing")
        while remaining.value:
            out = library.lib.espeak_TextToPhonemes(
                ctypes.byref(remaining), _espeakCHARS_UTF8, _espeakPHONEMES_IPA
            )
            clauses.append(out.decode("utf-8"))
    return " ".join(clauses).strip()
