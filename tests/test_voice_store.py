"""Installing Piper voices, against a local stand-in for the Piper voices repository."""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from newsaudio.errors import EngineError
from newsaudio.speech import voice_store

from .local_server import Handler, Reply, Request, Responder, local_server

NAME = "ar_JO-kareem-low"
MODEL = bytes(range(256)) * 400  # 100 kB stands in for the 60 MB model
CONFIG = json.dumps({"audio": {"sample_rate": 16000}, "espeak": {"voice": "ar"}}).encode()
MODEL_PATH = f"ar/ar_JO/kareem/low/{NAME}.onnx"
CONFIG_PATH = MODEL_PATH + ".json"


def catalog(model: bytes = MODEL, config: bytes = CONFIG) -> bytes:
    """The repository's voices.json entry for the voice."""
    files = {
        path: {"size_bytes": len(data), "md5_digest": hashlib.md5(data).hexdigest()}
        for path, data in ((MODEL_PATH, model), (CONFIG_PATH, config))
    }
    return json.dumps({NAME: {"files": files}}).encode()


def repository(
    files: dict[str, bytes],
    drop_first_model: bool = False,
    with_catalog: bool = True,
    model_requests: list[int] | None = None,
) -> Responder:
    """A responder serving ``files`` by path, with Range support like Hugging Face's CDN; the
    start offset of each model request goes to ``model_requests``."""
    served = {"/voices.json": catalog()} if with_catalog else {}
    served.update({f"/{path}": data for path, data in files.items()})
    model_requests = [] if model_requests is None else model_requests

    def respond(request: Request, _: int) -> Reply:
        body = served.get(request.path)
        if body is None:
            return Reply(status=404)
        start = int(request.headers.get("Range", "bytes=0-")[6:].rstrip("-") or 0)
        status = 206 if start else 200
        if request.path.endswith(".onnx"):
            model_requests.append(start)
            if drop_first_model and len(model_requests) == 1:
                return Reply(body=body, drop_after=len(body) // 3)
        return Reply(status=status, body=body[start:])

    return respond


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NEWSAUDIO_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def install(url: str, monkeypatch: pytest.MonkeyPatch, **kwargs: object) -> Path:
    monkeypatch.setenv("NEWSAUDIO_PIPER_VOICES_URL", url)
    return voice_store.install(NAME, backoff_s=0.01, **kwargs)


def test_install_places_both_files(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, int, int | None]] = []
    with local_server(repository({MODEL_PATH: MODEL, CONFIG_PATH: CONFIG})) as server:
        path = install(server.url(), monkeypatch, progress=lambda *a: seen.append(a))
    assert path == data_dir / "voices" / f"{NAME}.onnx"
    assert path.read_bytes() == MODEL
    assert voice_store.installed_voice(NAME) == (path, path.with_name(f"{NAME}.onnx.json"))
    assert voice_store.installed_voices() == [NAME]
    assert seen[-1] == (f"{NAME}.onnx", len(MODEL), len(MODEL))
    assert not list((data_dir / "voices").glob("*.part"))


def test_dropped_connection_resumes(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    starts: list[int] = []
    files = {MODEL_PATH: MODEL, CONFIG_PATH: CONFIG}
    with local_server(repository(files, drop_first_model=True, model_requests=starts)) as server:
        path = install(server.url(), monkeypatch)
    assert path.read_bytes() == MODEL
    first, second = starts
    assert first == 0 and second == len(MODEL) // 3  # the second asked only for the rest


def test_corrupt_file_is_refused(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corrupt = bytes(reversed(MODEL))  # right size, wrong bytes
    with (
        local_server(repository({MODEL_PATH: corrupt, CONFIG_PATH: CONFIG})) as server,
        pytest.raises(EngineError, match=r"\.onnx: corrupt download \(MD5"),
    ):
        install(server.url(), monkeypatch)
    assert voice_store.installed_voice(NAME) is None
    assert not list((data_dir / "voices").iterdir())  # nothing half-written left behind


def test_wrong_size_is_refused(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with (
        local_server(repository({MODEL_PATH: MODEL[:-10], CONFIG_PATH: CONFIG})) as server,
        pytest.raises(EngineError, match=r"wrong size \(102390 bytes, expected 102400\)"),
    ):
        install(server.url(), monkeypatch)
    assert voice_store.installed_voice(NAME) is None


def test_without_catalog_the_shipped_size_is_checked(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {MODEL_PATH: MODEL, CONFIG_PATH: CONFIG}
    with (
        local_server(repository(files, with_catalog=False)) as server,
        pytest.raises(EngineError, match="expected 63201294"),
    ):
        install(server.url(), monkeypatch)


def test_config_that_is_not_json_is_refused(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = b"<html>not found</html>"
    respond = repository({MODEL_PATH: MODEL, CONFIG_PATH: bad}, with_catalog=False)
    with (
        local_server(respond) as server,
        pytest.raises(EngineError, match=r"\.onnx\.json: not a Piper voice config"),
    ):
        install(server.url(), monkeypatch)
    assert voice_store.installed_voice(NAME) is None


def test_server_down_gives_up_after_bounded_tries(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with (
        local_server(lambda *_: Reply(status=503)) as server,
        pytest.raises(EngineError, match=r"download failed after 2 tries \(HTTP 503\)"),
    ):
        install(server.url(), monkeypatch, tries=2)


def _trickle(head: bytes, body: bytes, stop: threading.Event) -> Callable[[Handler], None]:
    """A route that sends ``head`` at once, then ``body`` one byte every 0.1 s."""

    def send(handler: Handler) -> None:
        with contextlib.suppress(OSError):
            handler.wfile.write(head)
            for byte in body:
                if stop.is_set():
                    return
                handler.wfile.write(bytes([byte]))
                handler.wfile.flush()
                time.sleep(0.1)

    return send


@pytest.mark.parametrize(
    "where, problem",
    [
        ("headers", "the server's answer took longer than 1 s"),
        ("body", "the server sent less than 64 kB in 1 s"),
    ],
)
def test_a_trickling_server_cannot_hold_an_install(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, where: str, problem: str
) -> None:
    """Issue 24's waits: every read came within the 30 s timeout, so a server sending a byte a
    second (headers or model) held `voices install` for ever."""
    head = f"HTTP/1.1 200 OK\r\nContent-Length: {len(MODEL)}\r\n\r\n".encode()
    stop = threading.Event()
    files = {CONFIG_PATH: CONFIG}
    with local_server(repository(files)) as server:
        trickled = _trickle(b"", head, stop) if where == "headers" else _trickle(head, MODEL, stop)
        server.routes[f"/{MODEL_PATH}"] = trickled
        start = time.monotonic()
        with pytest.raises(EngineError) as caught:
            install(server.url(), monkeypatch, tries=1, timeout_s=1.0)
        stop.set()
    assert str(caught.value).endswith(f"download failed after 1 tries ({problem})")
    assert time.monotonic() - start < 5


def test_bad_name() -> None:
    with pytest.raises(EngineError, match="not a Piper voice name"):
        voice_store.repository_paths("kareem")


def test_known_arabic_voices() -> None:
    names = [v.name for v in voice_store.known_voices()]
    assert names == ["ar_JO-kareem-low", "ar_JO-kareem-medium"]
    assert voice_store.repository_paths("ar_JO-kareem-medium") == (
        "ar/ar_JO/kareem/medium/ar_JO-kareem-medium.onnx",
        "ar/ar_JO/kareem/medium/ar_JO-kareem-medium.onnx.json",
    )
