"""Voice profiles: TOML <-> dataclass."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsaudio.errors import ConfigError
from newsaudio.speech.voices import VoiceProfile, list_voices, load_voice


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
    with pytest.raises(ConfigError, match=r"unknown voice 'b' \(available: a, ar-espeak, "):
        load_voice("b", tmp_path)


def test_typo_in_profile_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text('engine = "espeak"\nvoice = "ar"\nrat = 120\n')
    with pytest.raises(ConfigError, match="unknown setting"):
        load_voice("a", tmp_path)


def test_every_shipped_profile_loads() -> None:
    names = [p.name for p in list_voices()]
    assert names[0] == "ar-espeak"
    assert {"ar-espeak-screenreader", "ar-podcast", "ar-gtts", "ar-piper-kareem"} <= set(names)
    profiles = {p.name: p for p in list_voices()}
    assert profiles["ar-podcast"].earcons and not profiles["ar-espeak-screenreader"].earcons
    assert profiles["ar-espeak-screenreader"].rate > profiles["ar-espeak"].rate
    assert profiles["ar-gtts"].fallback == "ar-espeak"
    assert profiles["ar-piper-kareem"].voice == "ar_JO-kareem-medium"


def test_every_profile_round_trips() -> None:
    for profile in list_voices():
        assert VoiceProfile.from_dict(profile.to_dict()) == profile


def test_profile_by_path(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(
        'engine = "espeak"\nvoice = "ar"\nrate = 180\n[roles]\nheadline = "ar-podcast"\n'
    )
    profile = load_voice(str(path))
    assert (profile.name, profile.rate, profile.roles.headline) == ("mine", 180, "ar-podcast")
    assert profile.folder == tmp_path


def test_missing_profile_path(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nope\.toml: voice profile not found"):
        load_voice(str(tmp_path / "nope.toml"))


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('rate = "fast"', r"a\.toml: rate must be a whole number, not 'fast'"),
        ("earcons = 1", r"a\.toml: earcons must be true or false, not 1"),
        ('case_endings = "some"', r"a\.toml: case_endings must be one of pausal, full, none"),
        ("[gtts]\ntries = 0", r"a\.toml: gtts\.tries = 0 is out of range \(from 1 to 10\)"),
        ("[gtts]\ntimeout = 3", r"a\.toml: unknown setting gtts\.timeout"),
        ("[piper]\nlength_scale = 'slow'", r"a\.toml: piper\.length_scale must be a number"),
        ('[roles]\nanchor = "x"', r"a\.toml: unknown setting roles\.anchor"),
        ("roles = 3", r"a\.toml: roles must be a table"),
        ("[pauses]\nsentence_ms = -5", r"a\.toml: pauses\.sentence_ms = -5 is out of range"),
        ("volume = 0", r"a\.toml: volume must be above 0"),
        # Before any work: an engine given these fails (or clamps silently) only once it speaks.
        ("rate = 99999", r"a\.toml: rate = 99999 is out of range \(from 80 to 450 words per"),
        ("pitch = 500", r"a\.toml: pitch = 500 is out of range \(from 0 to 100\)"),
    ],
)
def test_bad_profile_names_file_and_key(tmp_path: Path, toml: str, message: str) -> None:
    (tmp_path / "a.toml").write_text(f'engine = "espeak"\nvoice = "ar"\n{toml}\n')
    with pytest.raises(ConfigError, match=message) as caught:
        load_voice("a", tmp_path)
    assert "\n" not in str(caught.value)


def test_name_lookup_falls_back_to_voices_folder(tmp_path: Path) -> None:
    """A profile outside voices/ may name the shipped ones (roles, fallback)."""
    assert load_voice("ar-espeak", tmp_path).name == "ar-espeak"


def test_a_voices_folder_in_the_current_directory_adds_and_never_hides(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Any ./voices folder (a newsroom's notes, another tool's) used to hide every built-in
    profile: `unknown voice 'ar-espeak' (available: none)`."""
    (tmp_path / "voices").mkdir()
    (tmp_path / "voices" / "notes.md").write_text("not profiles")
    monkeypatch.chdir(tmp_path)
    assert load_voice().name == "ar-espeak"
    (tmp_path / "voices" / "ar-espeak.toml").write_text(
        'engine = "espeak"\nvoice = "ar"\nrate = 200\n'
    )
    (tmp_path / "voices" / "mine.toml").write_text('engine = "espeak"\nvoice = "ar"\n')
    names = [p.name for p in list_voices()]
    assert {"mine", "ar-espeak", "ar-podcast", "ar-gtts"} <= set(names)
    assert load_voice().rate == 200  # the newsroom's own wins over the built-in of that name
