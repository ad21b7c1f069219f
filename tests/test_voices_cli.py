"""The voices commands through the CLI: list, install, try; --voice with a path."""

from __future__ import annotations

import hashlib
import json
import wave
from pathlib import Path

import pytest
import soundfile

from .conftest import BRIEF, SAMPLE, run_cli
from .local_server import Reply, Request, local_server


def test_voices_lists_profiles_installed_and_known(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSAUDIO_DATA_DIR", str(tmp_path))
    (tmp_path / "voices").mkdir()
    for suffix in (".onnx", ".onnx.json"):
        (tmp_path / "voices" / f"ar_JO-kareem-low{suffix}").write_bytes(b"x")
    result = run_cli("voices")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("ar-espeak\tespeak\t")
    assert any(line.startswith("ar-piper-kareem\tpiper\t") for line in lines)
    assert "  ar_JO-kareem-low" in lines
    assert any(line.startswith("  ar_JO-kareem-medium\t63 MB\t") for line in lines)
    assert any(line.startswith("  ar_JO-kareem-low\tinstalled\t") for line in lines)


def test_voices_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model, config = b"onnx" * 1000, json.dumps({"audio": {"sample_rate": 22050}}).encode()
    base = "ar/ar_JO/kareem/medium/ar_JO-kareem-medium"
    files = {f"/{base}.onnx": model, f"/{base}.onnx.json": config}
    catalog = {
        "ar_JO-kareem-medium": {
            "files": {
                path[1:]: {"size_bytes": len(data), "md5_digest": hashlib.md5(data).hexdigest()}
                for path, data in files.items()
            }
        }
    }
    files["/voices.json"] = json.dumps(catalog).encode()

    def respond(request: Request, _: int) -> Reply:
        return Reply(body=files[request.path]) if request.path in files else Reply(status=404)

    monkeypatch.setenv("NEWSAUDIO_DATA_DIR", str(tmp_path))
    with local_server(respond) as server:
        monkeypatch.setenv("NEWSAUDIO_PIPER_VOICES_URL", server.url())
        result = run_cli("voices", "install", "ar_JO-kareem-medium")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "voices" / "ar_JO-kareem-medium.onnx").read_bytes() == model


def test_voices_install_failure_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSAUDIO_DATA_DIR", str(tmp_path))
    with local_server(lambda *_: Reply(status=404)) as server:
        monkeypatch.setenv("NEWSAUDIO_PIPER_VOICES_URL", server.url())
        result = run_cli("voices", "install", "ar_JO-kareem-medium")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "HTTP 404" in result.stderr


@pytest.mark.parametrize("suffix", [".wav", ".mp3"])
def test_voices_try_writes_a_sample(tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"sample{suffix}"
    result = run_cli("voices", "try", "ar-espeak-screenreader", "جملة قصيرة.", "--out", out)
    assert result.exit_code == 0, result.stderr
    assert "spoken by ar-espeak-screenreader" in result.stdout
    audio, rate = soundfile.read(out)
    assert rate == 44100 and 0.5 < len(audio) / rate < 4
    if suffix == ".wav":
        with wave.open(str(out)) as wav:
            assert (wav.getnchannels(), wav.getsampwidth()) == (1, 2)


def test_voices_try_refuses_other_formats(tmp_path: Path) -> None:
    result = run_cli("voices", "try", "ar-espeak", "--out", tmp_path / "x.ogg")
    assert result.exit_code == 2
    assert "x.ogg: the sample is written as MP3 or WAV" in result.stderr


def test_render_with_a_missing_piper_voice_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSAUDIO_DATA_DIR", str(tmp_path))
    result = run_cli("render", SAMPLE, "--voice", "ar-piper-kareem", "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert result.stderr.strip().endswith("run: newsaudio voices install ar_JO-kareem-medium")
    assert not (tmp_path / "out").exists()


def test_voice_profile_by_path_with_a_bad_key(tmp_path: Path) -> None:
    profile = tmp_path / "mine.toml"
    profile.write_text('engine = "espeak"\nvoice = "ar"\n[gtts]\ntrys = 3\n', encoding="utf-8")
    result = run_cli("render", SAMPLE, "--voice", profile, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert result.stderr.strip() == f"Error: {profile}: unknown setting gtts.trys"


def _online_profile(folder: Path, url: str) -> Path:
    """A Google voice at ``url``, tried once, falling back to eSpeak NG."""
    profile = folder / "online.toml"
    profile.write_text(
        f'engine = "gtts"\nvoice = "ar"\nfallback = "ar-espeak"\n'
        f'[gtts]\nurl = "{url}"\ntries = 1\n',
        encoding="utf-8",
    )
    return profile


def test_render_falls_back_when_the_online_voice_is_down(tmp_path: Path) -> None:
    story = tmp_path / "story.md"
    story.write_text(f"# عنوان الخبر\n\n{BRIEF}\n", encoding="utf-8")
    with local_server(lambda *_: Reply(status=503)) as server:
        profile = _online_profile(tmp_path, server.url())
        result = run_cli("render", story, "--voice", profile, "--out", tmp_path / "out", "-q")
    assert result.exit_code == 0, result.stderr
    assert len(server.requests) == 1  # one failure, then the fallback for the rest
    assert soundfile.info(tmp_path / "out" / "story.mp3").duration > 1


def test_voices_try_fails_when_the_online_voice_cannot_be_reached(tmp_path: Path) -> None:
    """A sample is of the voice asked for or nothing: its fallback's sound under the online
    voice's name would mislead the producer comparing voices."""
    out = tmp_path / "online-sample.mp3"
    with local_server(lambda *_: Reply(status=503)) as server:
        profile = _online_profile(tmp_path, server.url())
        result = run_cli("voices", "try", profile, "جملة قصيرة.", "--out", out)
    assert result.exit_code == 3, result.stdout
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: ")
    assert "503" in result.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == [profile]
