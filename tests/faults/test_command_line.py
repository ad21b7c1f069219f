"""The command-line class of the fault catalogue: mistakes in how newsaudio is called are one
line, before any work (nothing read, fetched or written), listing what would have been valid."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import BRIEF, run_cli
from tests.faults.conftest import assert_refused


def _article(folder: Path) -> Path:
    path = folder / "story.md"
    path.write_text(f"# خبر قصير\n\n{BRIEF}\n", encoding="utf-8")
    return path


def test_an_unknown_voice_lists_the_voices(tmp_path: Path) -> None:
    result = run_cli("render", _article(tmp_path), "--voice", "nobody", "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert_refused(result.stderr, "unknown voice 'nobody' (available: ar-espeak, ")
    assert not (tmp_path / "out").exists()


def test_an_out_of_range_rate_names_the_range_before_any_work(tmp_path: Path) -> None:
    profile = tmp_path / "fast.toml"
    profile.write_text('engine = "espeak"\nvoice = "ar"\nrate = 99999\n', encoding="utf-8")
    url = "http://127.0.0.1:9/never-fetched.html"  # would fail if anything were fetched first
    result = run_cli("render", url, "--voice", profile, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert_refused(result.stderr, profile, "rate = 99999 is out of range (from 80 to 450")
    assert not (tmp_path / "out").exists()


def test_a_glob_that_matches_nothing(tmp_path: Path) -> None:
    pattern = tmp_path / "*.txt"  # as a shell passes it on when nothing matches
    result = run_cli("render", pattern, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert_refused(result.stderr, pattern, "no file matches this pattern")


def test_nothing_to_render_is_a_usage_error() -> None:
    result = run_cli("render")
    assert result.exit_code == 2
    assert "give article files, folders or URLs" in result.stderr
