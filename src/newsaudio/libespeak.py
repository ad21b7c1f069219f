"""libespeak-ng through ctypes, from the ``espeakng-loader`` wheel (library and data inside).

eSpeak NG serves twice: text preparation asks it how a Latin word is pronounced (its English
phonemes), and the offline default engine speaks with it (each sentence from a pristine copy of
the library: ``libespeak_fork.py``). No system espeak-ng. The library keeps global state (one
voice, one callback), so every call goes through :data:`lock` and the library is initialized
once per process. Nothing here imports numpy: the fork server that speaks starts with this
module alone.
"""

from __future__ import annotations

import ctypes
import threading
from dataclasses import dataclass

import espeakng_loader

from newsaudio.errors import EXIT_INPUT, EngineError

# Constants from espeak-ng's speak_lib.h.
_AUDIO_OUTPUT_SYNCHRONOUS = 2
POS_CHARACTER = 1
CHARS_UTF8 = 1
RATE, PITCH, RANGE = 1, 3, 4
_espeakINITIALIZE_DONT_EXIT = 0x8000
_espeakPHONEMES_IPA = 0x02
EE_OK = 0

_SynthCallback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


@dataclass
class Library:
    lib: ctypes.CDLL
    sample_rate: int
    version: str  # libespeak-ng's own, e.g. "1.52.0"
    callback: object  # the ctypes callback must outlive every synthesis call
    chunks: list[bytes]  # 16-bit PCM, native byte order, as the callback receives it


lock = threading.Lock()
_library: Library | None = None


def load_library() -> Library:
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
    chunks: list[bytes] = []

    def on_audio(wav: ctypes._Pointer[ctypes.c_short], count: int, _events: int) -> int:
        if count > 0 and wav:
            chunks.append(ctypes.string_at(wav, count * ctypes.sizeof(ctypes.c_short)))
        return 0  # 0 = continue synthesis

    callback = _SynthCallback(on_audio)
    lib.espeak_SetSynthCallback(callback)
    version = (lib.espeak_Info(None) or b"unknown").decode("ascii", "replace")
    _library = Library(lib, sample_rate, version, callback, chunks)
    return _library


@dataclass(frozen=True)
class Settings:
    """What a voice profile sets in libespeak-ng: the voice's name and its rate, pitch, range."""

    voice: str
    rate: int
    pitch: int
    range: int


def configure(library: Library, settings: Settings) -> None:
    """Apply ``settings``. They are global in libespeak-ng: set them on every call in case another
    profile used the library in between (call with :data:`lock` held)."""
    lib = library.lib
    if lib.espeak_SetVoiceByName(settings.voice.encode()) != EE_OK:
        raise EngineError(
            f"espeak: unknown eSpeak NG voice {settings.voice!r}", exit_code=EXIT_INPUT
        )
    for parameter, value in (
        (RATE, settings.rate),
        (PITCH, settings.pitch),
        (RANGE, settings.range),
    ):
        lib.espeak_SetParameter(parameter, value, 0)


def speak(library: Library, text: str, settings: Settings) -> bytes:
    """``text`` spoken with ``settings``: 16-bit PCM at ``library.sample_rate``, native byte
    order. The sound depends on what this copy of the library spoke before (see
    ``libespeak_fork.py``)."""
    data = text.encode("utf-8") + b"\0"
    with lock:
        configure(library, settings)
        library.chunks.clear()
        status = library.lib.espeak_Synth(
            data, len(data), 0, POS_CHARACTER, 0, CHARS_UTF8, None, None
        )
        library.lib.espeak_Synchronize()
        pcm = b"".join(library.chunks)
        library.chunks.clear()
    if status != EE_OK or not pcm:
        raise EngineError(f"espeak: synthesis failed (status {status}) for {text[:40]!r}")
    return pcm


def text_to_phonemes(library: Library, text: str) -> list[str]:
    """The IPA of each clause of ``text`` in the voice last set (call with :data:`lock` held)."""
    remaining = ctypes.c_char_p(text.encode("utf-8"))
    clauses = []
    while remaining.value:
        out = library.lib.espeak_TextToPhonemes(
            ctypes.byref(remaining), CHARS_UTF8, _espeakPHONEMES_IPA
        )
        clauses.append(out.decode("utf-8"))
    return clauses


def english_phonemes(word: str) -> str:
    """eSpeak NG's English IPA for a Latin word ("Netflix" → "nˈɛtflɪks")."""
    library = load_library()
    with lock:  # the voice is global in libespeak-ng; engines set theirs on every call
        if library.lib.espeak_SetVoiceByName(b"en") != EE_OK:
            raise EngineError("espeak: eSpeak NG's English voice 'en' is missing")
        return " ".join(text_to_phonemes(library, word)).strip()
