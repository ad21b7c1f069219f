"""Installed Piper voices: where they live, which are known, and how one is downloaded.

Voices live in the user data folder (``platformdirs``; ``NEWSAUDIO_DATA_DIR`` overrides it), as
``voices/<name>.onnx`` with its ``<name>.onnx.json``. Only ``newsaudio voices install`` downloads;
rendering never does.

A download resumes after a dropped connection (HTTP Range), is checked against the size and MD5
the repository's ``voices.json`` lists (or the shipped sizes in ``data/piper_voices.toml`` when that
list cannot be fetched), and is renamed into place only when both files are complete and valid.
No wait is endless: each answer's headers come within ``timeout_s`` of asking (however slowly a
server trickles them), and its body brings at least 64 kB in every ``timeout_s`` after that, else
the try fails and the next one resumes where it stopped.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, BinaryIO

from newsaudio.errors import EXIT_INPUT, EngineError
from newsaudio.resources import data_toml

log = logging.getLogger(__name__)

DATA_DIR_ENV = "NEWSAUDIO_DATA_DIR"
BASE_URL_ENV = "NEWSAUDIO_PIPER_VOICES_URL"
DEFAULT_BASE_URL = "https://huggingface.co/rhasspy/piper-voices/resolve/main"
# ar_JO-kareem-medium: language family, region, speaker, quality (the repository's naming).
_VOICE_NAME = re.compile(
    r"^(?P<family>[a-z]{2,3})_(?P<region>[A-Z]{2})-(?P<speaker>[A-Za-z0-9_]+)"
    r"-(?P<quality>x_low|low|medium|high)$"
)
_PART = ".part"
# A download may be slow (63 MB on a poor line) but never stalled: this much in every timeout_s.
_MIN_BYTES_PER_WINDOW = 64 * 1024

# Called as (file name, bytes so far, total bytes or None when unknown).
DownloadProgress = Callable[[str, int, "int | None"], None]


@dataclass(frozen=True)
class Expected:
    """What a downloaded file must be; None: not known, not checked."""

    size: int | None = None
    md5: str | None = None


@dataclass(frozen=True)
class KnownVoice:
    """A voice listed in ``data/piper_voices.toml``."""

    name: str
    description: str
    onnx_bytes: int


def data_dir() -> Path:
    """newsaudio's user data folder."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_data_dir("newsaudio"))


def store_dir() -> Path:
    """The folder of installed Piper voices."""
    return data_dir() / "voices"


def installed_voice(name: str) -> tuple[Path, Path] | None:
    """The model and config of installed voice ``name``, or None."""
    model = store_dir() / f"{name}.onnx"
    config = store_dir() / f"{name}.onnx.json"
    return (model, config) if model.is_file() and config.is_file() else None


def installed_voices() -> list[str]:
    """Names of the installed voices, sorted."""
    folder = store_dir()
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.onnx") if installed_voice(p.stem))


@cache
def known_voices() -> tuple[KnownVoice, ...]:
    """The Arabic voices newsaudio lists (data/piper_voices.toml)."""
    return tuple(
        KnownVoice(name, **entry) for name, entry in data_toml("piper_voices.toml").items()
    )


def repository_paths(name: str) -> tuple[str, str]:
    """The voice's model and config paths inside the Piper voices repository."""
    match = _VOICE_NAME.match(name)
    if not match:
        raise EngineError(
            f"{name!r} is not a Piper voice name (like ar_JO-kareem-medium)", exit_code=EXIT_INPUT
        )
    folder = "/".join(
        (
            match["family"],
            f"{match['family']}_{match['region']}",
            match["speaker"],
            match["quality"],
        )
    )
    return f"{folder}/{name}.onnx", f"{folder}/{name}.onnx.json"


def install(
    name: str,
    progress: DownloadProgress | None = None,
    *,
    tries: int = 3,
    timeout_s: float = 30.0,
    backoff_s: float = 1.0,
) -> Path:
    """Download voice ``name`` into the store; returns the model path.

    Raises :class:`EngineError` with one line naming the URL and the problem.
    """
    from newsaudio.network import http_client

    model_path, config_path = repository_paths(name)
    base = os.environ.get(BASE_URL_ENV, DEFAULT_BASE_URL).rstrip("/")
    folder = store_dir()
    folder.mkdir(parents=True, exist_ok=True)
    parts = [folder / (Path(path).name + _PART) for path in (config_path, model_path)]
    try:
        # Hugging Face answers with a redirect to its file CDN.
        with http_client(timeout=timeout_s, follow_redirects=True) as client:
            expected = _expected_files(client, base, name, (model_path, config_path), timeout_s)
            for path, part in zip((config_path, model_path), parts, strict=True):
                url = f"{base}/{path}"
                _download(client, url, part, expected[path], progress, tries, backoff_s, timeout_s)
                if part is parts[0]:
                    _check_config(part, url)
    except EngineError:
        # A partial model stays for the next try to resume; the small config is fetched again.
        parts[0].unlink(missing_ok=True)
        raise
    # Config first: a voice counts as installed once its model is in place.
    for part in parts:
        os.replace(part, part.with_name(part.name[: -len(_PART)]))
    log.info("installed Piper voice %s in %s", name, folder)
    return folder / Path(model_path).name


def _expected_files(
    client: Any, base: str, name: str, paths: tuple[str, str], timeout_s: float
) -> dict[str, Expected]:
    """Sizes and MD5s from the repository's voices.json, else the shipped sizes."""
    import httpx

    from newsaudio.network import TookTooLong, deadline

    try:
        with deadline(timeout_s):
            response = client.get(f"{base}/voices.json")
        response.raise_for_status()
        files = response.json()[name]["files"]
        return {
            p: Expected(int(files[p]["size_bytes"]), str(files[p]["md5_digest"])) for p in paths
        }
    except (httpx.HTTPError, TookTooLong, ValueError, KeyError, TypeError) as exc:
        log.info("voices.json unavailable at %s (%s); checking shipped sizes only", base, exc)
    known = {v.name: v for v in known_voices()}
    size = known[name].onnx_bytes if name in known else None
    return {paths[0]: Expected(size), paths[1]: Expected()}


def _download(
    client: Any,
    url: str,
    part: Path,
    expected: Expected,
    progress: DownloadProgress | None,
    tries: int,
    backoff_s: float,
    timeout_s: float,
) -> None:
    """Fetch ``url`` into ``part``, resuming after dropped connections, then verify it."""
    import httpx

    from newsaudio.network import TookTooLong, deadline

    report = progress or (lambda *_: None)
    problem = ""
    for attempt in range(1, tries + 1):
        problem = ""
        have = part.stat().st_size if part.exists() else 0
        headers = {"Range": f"bytes={have}-"} if have else {}
        waiting = f"the server's answer took longer than {timeout_s:g} s"
        try:
            with deadline(timeout_s):  # the answer's status and headers
                request = client.build_request("GET", url, headers=headers)
                response = client.send(request, stream=True)
            waiting = f"the server sent less than 64 kB in {timeout_s:g} s"
            with contextlib.closing(response):
                if response.status_code == 416 and have and have == expected.size:
                    break  # the previous attempt had it all
                if response.status_code == 404:
                    raise EngineError(
                        f"{url}: not found (HTTP 404); is the voice name right?",
                        exit_code=EXIT_INPUT,
                    )
                if response.status_code not in (200, 206):
                    problem = f"HTTP {response.status_code}"
                    raise _Retry
                if response.status_code == 200:
                    have = 0  # the server ignored the Range: start over
                length = response.headers.get("content-length")
                total = have + int(length) if length else expected.size
                with part.open("ab" if have else "wb") as out:
                    blocks = response.iter_bytes()
                    while window := _receive(blocks, out, timeout_s):  # as received: a cut keeps
                        have += window
                        report(part.name[: -len(_PART)], have, total)
                if total is not None and have != total:
                    problem = f"connection closed at {have} of {total} bytes"
                    raise _Retry
            break
        except (httpx.TransportError, TookTooLong, _Retry) as exc:
            if isinstance(exc, TookTooLong):
                problem = waiting
            problem = problem or str(exc) or type(exc).__name__
            log.info("%s: try %d of %d failed (%s)", url, attempt, tries, problem)
            if attempt < tries:
                time.sleep(backoff_s * 2 ** (attempt - 1))
    else:
        raise EngineError(f"{url}: download failed after {tries} tries ({problem})")
    _verify(part, url, expected)


def _receive(blocks: Iterator[bytes], out: BinaryIO, timeout_s: float) -> int:
    """Write the next blocks of a download to ``out``: at least 64 kB, or the rest when it is less;
    0 at the end. :class:`~newsaudio.network.TookTooLong` when they take over ``timeout_s``."""
    from newsaudio.network import deadline

    window = 0
    with deadline(timeout_s):
        for block in blocks:
            out.write(block)
            window += len(block)
            if window >= _MIN_BYTES_PER_WINDOW:
                break
    return window


class _Retry(Exception):
    """An attempt failed in a way another attempt may fix."""


def _verify(part: Path, url: str, expected: Expected) -> None:
    """Size and MD5 as expected, else the partial file is removed and the install fails."""
    size = part.stat().st_size
    if expected.size is not None and size != expected.size:
        part.unlink()
        raise EngineError(f"{url}: wrong size ({size} bytes, expected {expected.size})")
    if expected.md5 is not None:
        digest = hashlib.md5(usedforsecurity=False)
        with part.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
        if digest.hexdigest() != expected.md5:
            part.unlink()
            raise EngineError(
                f"{url}: corrupt download (MD5 {digest.hexdigest()}, expected {expected.md5})"
            )


def _check_config(path: Path, url: str) -> None:
    """A Piper voice config is JSON with the audio sample rate."""
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
        int(config["audio"]["sample_rate"])
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise EngineError(f"{url}: not a Piper voice config ({exc})") from exc
