"""Voice profiles: TOML <-> dataclass."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsaudio.errors import ConfigError
from newsaudio.voices import VoiceProfile, load_voice


def test_default_profile() -> None:
    profile = load_voice()
    assert profile.name == "ar-espeak"
    assert profile.engine == "espeak"
    assert profile.pauses.sentence_ms < profile.pauses.block_ms < profile.pauses.segment_ms


def test_round_trip() -> None:
    profile = load_voice()
    assert VoiceProfile.from_dict(profile.to_dict()) == profile


def test_unknown_voice_lists_available(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text('engine = "espeak"\nvoice = "ar"\n')
    with pytest.raises(ConfigError, match=r"unknown voice 'b'.*available: a\)"):
        load_voice("b", tmp_path)


def test_typo_in_profile_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text('engine = "espeak"\nvoice = "ar"\nrat = 120\n')
    with pytest.raises(ConfigError, match="unknown setting"):
        load_voice("a", tmp_path)
