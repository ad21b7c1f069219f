"""The early-checks class of the fault catalogue: what can be refused without audio is refused
before any work — nothing synthesized (the sentence cache stays empty), the output folder not
created or changed — in one line that says what would have been valid.

Each was late: a catalog that is a link was refused only after all synthesis ran (and in a batch
once per article); an unknown eSpeak NG voice in a profile failed at its first sentence, after
``--out`` was created, listing no voice; ``voice = 5`` in newsaudio.toml was "unknown voice '5'";
free space was never checked, although the scratch audio takes ~15 times the MP3's size."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from newsaudio.publishing.catalog import CATALOG_FILE
from tests.conftest import BRIEF, SAMPLE, run_cli, snapshot
from tests.faults.conftest import assert_refused, link_catalog, small_disk


def _article(folder: Path, name: str = "story") -> Path:
    path = folder / f"{name}.md"
    path.write_text(f"# خبر {name}\n\n{BRIEF}\n", encoding="utf-8")
    return path


def _nothing_spoken() -> bool:
    """No sentence in this test's sentence cache (tests/conftest.py gives each test its own)."""
    return not list(Path(os.environ["NEWSAUDIO_CACHE_DIR"]).rglob("*.pcm"))


def test_a_catalog_that_is_a_link_is_refused_before_anything_is_spoken(
    rendered_sample: Path, tmp_path: Path
) -> None:
    published = tmp_path / "out"
    shutil.copytree(rendered_sample, published)
    outside = tmp_path / "elsewhere.sqlite"
    link_catalog(published, outside)
    before = snapshot(published)
    articles = [_article(tmp_path, "one"), _article(tmp_path, "two")]
    result = run_cli("render", *articles, "--out", published, "--quiet", "--jobs", "1")
    assert result.exit_code == 4
    assert_refused(result.stderr, published / CATALOG_FILE, "is a link")  # once, not per article
    assert _nothing_spoken()
    assert snapshot(published) == before


def test_an_unknown_espeak_voice_in_a_profile_lists_the_valid_ones(tmp_path: Path) -> None:
    profile = tmp_path / "typo.toml"
    profile.write_text('engine = "espeak"\nvoice = "arr"\n', encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("render", _article(tmp_path), "--voice", profile, "--out", out)
    assert result.exit_code == 2
    assert_refused(
        result.stderr, profile, "voice = 'arr' is not an eSpeak NG voice (valid: ", " ar, "
    )
    assert not out.exists()
    assert _nothing_spoken()


def test_a_fallback_naming_no_profile_names_the_key(tmp_path: Path) -> None:
    profile = tmp_path / "online.toml"
    profile.write_text(
        'engine = "espeak"\nvoice = "ar"\nfallback = "ar-espeek"\n', encoding="utf-8"
    )
    out = tmp_path / "out"
    result = run_cli("render", _article(tmp_path), "--voice", profile, "--out", out)
    assert result.exit_code == 2
    assert_refused(
        result.stderr, f"{profile}: fallback: unknown voice 'ar-espeek' (available: ar-espeak"
    )
    assert not out.exists()


@pytest.mark.parametrize(
    ("setting", "problem"),
    [
        ("voice = 5", "voice must be text, not 5"),
        ('[feed]\nexplicit = "yes"', "feed.explicit must be true or false, not 'yes'"),
        ("[feed]\ntitle = 2025", "feed.title must be text, not 2025"),
    ],
    ids=["voice", "explicit", "title"],
)
def test_a_setting_of_the_wrong_type_says_which_type(
    setting: str, problem: str, tmp_path: Path
) -> None:
    config = tmp_path / "newsaudio.toml"
    config.write_text(setting + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("render", _article(tmp_path), "--config", config, "--out", out)
    assert result.exit_code == 2
    assert_refused(result.stderr, f"{config}: {problem}")
    assert not out.exists()


def test_no_room_for_the_scratch_audio_is_refused_before_speaking(tmp_path: Path) -> None:
    """8 MB free; the sample's scratch audio alone is 45 MB: refused with the size needed, before
    synthesis and before the folder is made (the disk filled up minutes later, with no size)."""
    with small_disk(tmp_path / "disk", 8 * 1024) as disk:
        out = disk / "out"
        result = run_cli("render", SAMPLE, "--out", out)
        assert not out.exists()
    assert result.exit_code == 4, result.stderr
    assert_refused(
        result.stderr, f"{out}: not enough free space", "MB are needed while it is made", "free"
    )
    assert _nothing_spoken()
