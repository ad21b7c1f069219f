"""Google's Arabic voice, online, through the ``gtts`` package.

gTTS speaks through Google Translate's *unofficial* web endpoint: there is no API key, no service
agreement and no stated quota. Google throttles heavy use (HTTP 429) and may change or close the
endpoint at any time; its terms of service govern what may be done with the audio. The article's
text is sent to Google. Use it with ``fallback = "ar-espeak"`` so an episode is still made when the
service refuses, and prefer the offline voices where that matters.

gTTS does the protocol: it splits long text at sentence and pause marks within the endpoint's
100-character limit and packs each piece into a request body. This module does the transport (so
it can time out, retry with backoff and be pointed at a local server in tests: profile
``[gtts] url`` or ``NEWSAUDIO_GTTS_URL``) and decodes each piece's MP3 with miniaudio (no ffmpeg).
Pieces are joined with short fades, so the joins do not click.

Time is bounded: each answer must arrive whole within ``timeout_s`` (a server trickling a byte
a second is cut off, not waited on per read), and a piece is tried at most ``tries`` times, so a
sentence costs at most tries × timeout_s plus the backoff before the voice gives up (and its
fallback speaks). Requests from one process are spaced by at least ``_MIN_INTERVAL_S``: the
service throttles bursts.
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
import re
import time
from typing import Any

import numpy as np
import numpy.typing as npt

from newsaudio.audio.segments import AudioChunk
from newsaudio.errors import ConfigError, EngineError
from newsaudio.speech.voices import VoiceProfile

log = logging.getLogger(__name__)

URL_ENV = "NEWSAUDIO_GTTS_URL"
# gtts.tts.gTTS._prepare_requests posts to this path on translate.google.<tld>.
_ENDPOINT = "https://translate.google.{tld}/_/TranslateWebserverUi/data/batchexecute"
# gtts.tts.gTTS.stream finds the audio in the line of the "jQ1olc" RPC, base64 in a JSON string.
_AUDIO = re.compile(r'jQ1olc","\[\\"(.*?)\\"]')
_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
_FADE_S = 0.008  # fade at each join: long enough to hide a step, too short to hear
_MAX_WAIT_S = 30.0  # cap on a server's Retry-After
_MIN_INTERVAL_S = 0.25  # between two requests of this process: no bursts at the service
_last_request = 0.0  # time.monotonic() of this process's last request


class _Retryable(Exception):
    """A failure another try may not meet: timeout, reset, 429, 5xx."""

    def __init__(self, problem: str, wait_s: float | None = None) -> None:
        super().__init__(problem)
        self.wait_s = wait_s  # what the server asked for (Retry-After), if anything


def check(profile: VoiceProfile) -> None:
    """The profile's voice is a language Google's voice speaks (gTTS's list, no network)."""
    from gtts.lang import tts_langs

    languages = tts_langs()
    if profile.voice not in languages:
        raise ConfigError(
            f"{profile.source or profile.name}: voice = {profile.voice!r} is not a language "
            f"Google's voice speaks (valid: {', '.join(sorted(languages))})"
        )


class GttsEngine:
    """Google Translate's voice: natural, online, unofficial."""

    name = "gtts"

    def __init__(self, profile: VoiceProfile) -> None:
        import gtts

        from newsaudio.network import http_client

        self.profile = profile
        options = profile.gtts
        self.url = options.url or os.environ.get(URL_ENV) or _ENDPOINT.format(tld=options.tld)
        self.version = f"gTTS {gtts.__version__}, Google Translate voice {profile.voice!r}"
        self._client = http_client(timeout=options.timeout_s)

    def synthesize(self, text: str) -> AudioChunk:
        """Speak one sentence: one request per piece gTTS splits it into, joined with fades."""
        from gtts import gTTS

        options = self.profile.gtts
        tts = gTTS(text, lang=self.profile.voice, slow=options.slow, lang_check=False)
        try:
            bodies = tts.get_bodies()
        except AssertionError as exc:  # gtts asserts when nothing speakable remains
            raise EngineError(f"gtts: nothing to speak in {text[:40]!r}") from exc
        pieces = [self._piece(body, text) for body in bodies]
        rate = pieces[0][1]
        if any(r != rate for _, r in pieces):
            raise EngineError(f"gtts: pieces of {text[:40]!r} came back at different sample rates")
        return AudioChunk(_join([samples for samples, _ in pieces], rate), rate)

    def _piece(self, body: str, text: str) -> tuple[npt.NDArray[np.int16], int]:
        """One request, retried with exponential backoff on failures worth retrying."""
        options = self.profile.gtts
        problem = ""
        for attempt in range(1, options.tries + 1):
            try:
                return _decode(self._post(body, text), text)
            except _Retryable as exc:
                problem = str(exc)
                wait = options.backoff_s * 2 ** (attempt - 1)
                if exc.wait_s is not None:
                    wait = min(max(wait, exc.wait_s), _MAX_WAIT_S)
                log.info("gtts: try %d of %d failed (%s)", attempt, options.tries, problem)
                if attempt < options.tries:
                    time.sleep(wait)
        raise EngineError(
            f"gtts: Google's voice failed {options.tries} times at {self.url} ({problem}) "
            f"speaking {text[:40]!r}"
        )

    def _post(self, body: str, text: str) -> bytes:
        """The MP3 of one request body of ``text``, which must arrive whole within
        ``timeout_s``."""
        import gtts
        import httpx

        from newsaudio.network import TookTooLong, deadline

        global _last_request
        time.sleep(max(0.0, _last_request + _MIN_INTERVAL_S - time.monotonic()))
        _last_request = time.monotonic()
        timeout_s = self.profile.gtts.timeout_s
        answered = False
        try:
            # The whole answer, headers and body, within timeout_s of the first byte sent.
            with (
                deadline(timeout_s),
                self._client.stream(
                    "POST", self.url, content=body, headers=gtts.gTTS.GOOGLE_TTS_HEADERS
                ) as response,
            ):
                answered = True
                if response.status_code in _RETRY_STATUS:
                    raise _Retryable(f"HTTP {response.status_code}", _retry_after(response))
                if response.status_code != 200:
                    # 4xx: the request itself is refused; another try would be refused too.
                    status = f"HTTP {response.status_code} {response.reason_phrase}".strip()
                    raise EngineError(f"gtts: {self.url} answered {status} speaking {text[:40]!r}")
                data = bytearray()
                for piece in response.iter_bytes():
                    data += piece
        except TookTooLong as exc:
            late = "the answer took longer than" if answered else "no answer within"
            raise _Retryable(f"{late} {timeout_s:g} s") from exc
        except httpx.TimeoutException as exc:
            raise _Retryable(f"no answer within {timeout_s:g} s") from exc
        except httpx.TransportError as exc:
            raise _Retryable(f"network error: {exc or type(exc).__name__}") from exc
        audio = b"".join(_audio_parts(data.decode("utf-8", "replace")))
        if not audio:
            # A captive portal's page or an empty answer: the service may be back on a later try.
            raise _Retryable("the answer held no audio")
        return audio


def _retry_after(response: Any) -> float | None:
    """Seconds the server asks us to wait (Retry-After in seconds), if it says."""
    try:
        return float(response.headers["retry-after"])
    except (KeyError, ValueError):
        return None


def _audio_parts(payload: str) -> list[bytes]:
    """The base64 audio in a batchexecute answer, decoded."""
    parts = []
    for match in _AUDIO.finditer(payload):
        try:
            parts.append(base64.b64decode(match.group(1), validate=True))
        except binascii.Error as exc:
            raise EngineError(f"gtts: the answer's audio is not base64 ({exc})") from exc
    return parts


def _decode(mp3: bytes, text: str) -> tuple[npt.NDArray[np.int16], int]:
    """MP3 → mono int16 PCM at the MP3's own rate (miniaudio; no ffmpeg)."""
    import miniaudio

    try:
        decoded = miniaudio.mp3_read_s16(mp3)
    except miniaudio.MiniaudioError as exc:
        raise EngineError(f"gtts: the audio for {text[:40]!r} is not valid MP3 ({exc})") from exc
    samples = np.asarray(decoded.samples, dtype=np.int16)
    if decoded.nchannels > 1:
        samples = samples.reshape(-1, decoded.nchannels).mean(axis=1).astype(np.int16)
    if not len(samples):
        raise EngineError(f"gtts: the audio for {text[:40]!r} is empty")
    return samples, decoded.sample_rate


def _join(pieces: list[npt.NDArray[np.int16]], rate: int) -> npt.NDArray[np.int16]:
    """Pieces end to end, each faded in and out at the joins so no step is heard as a click."""
    if len(pieces) == 1:
        return pieces[0]
    n = int(_FADE_S * rate)
    ramp = np.sin(np.linspace(0, np.pi / 2, n)) ** 2  # raised cosine: smooth at both ends
    shaped = []
    for i, piece in enumerate(pieces):
        x = piece.astype(np.float64)
        m = min(n, len(x) // 2)
        if i > 0:
            x[:m] *= ramp[:m]
        if i < len(pieces) - 1:
            x[len(x) - m :] *= ramp[:m][::-1]
        shaped.append(x)
    return np.round(np.concatenate(shaped)).astype(np.int16)
