"""Google's online voice against a local stand-in for its endpoint: no test needs the internet."""

from __future__ import annotations

import base64
import json
import urllib.parse

import lameenc
import numpy as np
import pytest

from newsaudio.errors import EngineError
from newsaudio.speech.engines import get_engine
from newsaudio.speech.engines.gtts import _join
from newsaudio.speech.voices import GttsOptions, VoiceProfile

from .local_server import Reply, Request, local_server

RATE = 24_000  # what Google's voice sends


def mp3(seconds: float = 0.4, frequency: float = 220.0) -> bytes:
    """A real MP3 (LAME) of a tone, as the endpoint would send speech."""
    t = np.arange(int(seconds * RATE)) / RATE
    pcm = (0.3 * np.sin(2 * np.pi * frequency * t) * 32767).astype("<i2")
    encoder = lameenc.Encoder()
    encoder.set_in_sample_rate(RATE)
    encoder.set_channels(1)
    encoder.set_bit_rate(48)
    return bytes(encoder.encode(pcm.tobytes()) + encoder.flush())


def batchexecute(audio: bytes) -> bytes:
    """The endpoint's answer: the audio as base64 in the jQ1olc RPC's line."""
    encoded = base64.b64encode(audio).decode()
    return (
        ")]}'\n\n123\n"
        f'[["wrb.fr","jQ1olc","[\\"{encoded}\\"]",null,null,null,"generic"]]\n'
        '[["di",42],["af.httprm",41,"1",5]]\n'
    ).encode()


def ok(_: Request, __: int) -> Reply:
    return Reply(body=batchexecute(mp3()))


def engine_for(url: str, **options: object) -> object:
    settings = {"url": url, "timeout_s": 0.5, "tries": 3, "backoff_s": 0.01, **options}
    profile = VoiceProfile(name="g", engine="gtts", voice="ar", gtts=GttsOptions(**settings))
    return get_engine(profile)


def test_speaks_through_the_endpoint() -> None:
    with local_server(ok) as server:
        chunk = engine_for(server.url()).synthesize("مَرْحَبًا بِكُمْ.")
    assert chunk.sample_rate == RATE
    assert chunk.samples.dtype == np.int16
    assert 0.3 < chunk.duration_s < 0.6
    (request,) = server.requests
    assert request.method == "POST"
    rpc = json.loads(urllib.parse.parse_qs(request.body.decode())["f.req"][0])[0][0]
    assert rpc[0] == "jQ1olc"
    assert json.loads(rpc[1])[:2] == ["مَرْحَبًا بِكُمْ.", "ar"]


def test_long_sentence_is_split_and_joined() -> None:
    sentence = "، ".join(["جُمْلَةٌ طَوِيلَةٌ جِدًّا فِي نَشْرَةِ الْأَخْبَارِ"] * 6) + "."
    with local_server(ok) as server:
        chunk = engine_for(server.url()).synthesize(sentence)
    pieces = len(server.requests)
    assert pieces > 1  # gTTS's limit is 100 characters per request
    # Every piece's audio is there, end to end (each MP3 is 0.4 s plus codec padding).
    assert pieces * 0.4 <= chunk.duration_s < pieces * 0.5


def test_joins_are_faded() -> None:
    """A step at a join would click: the samples at each join ramp to near zero."""
    loud = np.full(4000, 20000, dtype=np.int16)
    joined = _join([loud, loud], RATE)
    assert abs(int(joined[3999])) < 200 and abs(int(joined[4000])) < 200
    assert np.max(np.abs(np.diff(joined.astype(np.int32)))) < 2000


def test_429_then_success() -> None:
    def respond(_: Request, number: int) -> Reply:
        return Reply(status=429) if number == 0 else ok(_, number)

    with local_server(respond) as server:
        chunk = engine_for(server.url()).synthesize("نَصٌّ.")
    assert len(server.requests) == 2
    assert chunk.duration_s > 0.3


def test_connection_reset_is_retried() -> None:
    def respond(_: Request, number: int) -> Reply:
        return Reply(reset=True) if number == 0 else ok(_, number)

    with local_server(respond) as server:
        chunk = engine_for(server.url()).synthesize("نَصٌّ.")
    assert len(server.requests) == 2
    assert chunk.duration_s > 0.3


def test_timeout_fails_after_bounded_tries() -> None:
    def slow(_: Request, __: int) -> Reply:
        return Reply(body=batchexecute(mp3()), delay_s=2.0)

    with local_server(slow) as server:
        engine = engine_for(server.url(), timeout_s=0.2, tries=2)
        with pytest.raises(EngineError, match=r"failed 2 times .*no answer within 0.2 s"):
            engine.synthesize("نَصٌّ.")
    assert len(server.requests) == 2


def test_server_errors_fail_with_one_line() -> None:
    with local_server(lambda *_: Reply(status=503)) as server, pytest.raises(EngineError) as caught:
        engine_for(server.url()).synthesize("نَصٌّ.")
    assert len(server.requests) == 3
    assert "\n" not in str(caught.value) and "HTTP 503" in str(caught.value)


@pytest.mark.parametrize(
    "body",
    [batchexecute(b"\x00garbage, not an MP3" * 50), b"<html>sorry</html>"],
    ids=["garbage-audio", "no-audio"],
)
def test_garbage_is_an_error_not_a_retry(body: bytes) -> None:
    with (
        local_server(lambda *_: Reply(body=body)) as server,
        pytest.raises(EngineError, match=r"gtts: .*(MP3|empty|no audio)"),
    ):
        engine_for(server.url()).synthesize("نَصٌّ.")
    assert len(server.requests) == 1


def test_endpoint_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    with local_server(ok) as server:
        monkeypatch.setenv("NEWSAUDIO_GTTS_URL", server.url())
        profile = VoiceProfile(name="g", engine="gtts", voice="ar")
        assert get_engine(profile).synthesize("نَصٌّ.").duration_s > 0.3
