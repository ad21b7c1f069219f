"""The read-only class of the fault catalogue: commands that list never write. `newsaudio
episodes` deleted the side files of a hand-deleted MP3, adopted MP3s, created catalog.sqlite (and
SQLite's WAL files) next to another tool's feed and failed on a read-only folder; `feed` created
the catalog before it refused a foreign feed. Listing now leaves every byte and every time as it
was, and says what a repair would do; `episodes repair`, render and feed repair, and say so."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from mutagen.id3 import ID3

from newsaudio.publishing.catalog import CATALOG_FILE
from tests.conftest import read_feed, run_cli
from tests.faults.conftest import small_disk

_FOREIGN_FEED = (
    '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>'
    "<generator>Other Podcaster 2.1</generator><item><title>a</title></item></channel></rss>"
)


def _state(folder: Path) -> dict[str, tuple[str, int]]:
    """Every entry under ``folder`` (and the folder itself: its time changes when an entry is
    added or removed) by content hash and modification time."""
    state = {".": ("", folder.stat().st_mtime_ns)}
    for path in sorted(folder.rglob("*")):
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
        state[str(path.relative_to(folder))] = (digest, path.stat().st_mtime_ns)
    return state


@pytest.fixture
def tampered(rendered_sample: Path, tmp_path: Path) -> Path:
    """The sample's folder after hands were in it: a second episode's MP3 deleted (its side files
    left), one MP3 copied in under another name, the sample's MP3 touched."""
    out = tmp_path / "out"
    shutil.copytree(rendered_sample, out)
    for suffix in (".mp3", ".txt", ".vtt", ".episode.json"):
        shutil.copy(out / f"kursk-ar{suffix}", out / f"gone{suffix}")
    tags = ID3(out / "gone.mp3")
    tags.delall("TXXX")  # another episode, with a GUID of its own
    tags.save()
    assert run_cli("feed", "--out", out).exit_code == 0  # recorded: two episodes
    (out / "gone.mp3").unlink()
    shutil.copy(out / "kursk-ar.mp3", out / "copied.mp3")
    os.utime(out / "kursk-ar.mp3")
    return out


def test_listing_changes_nothing_and_says_what_a_repair_would_do(tampered: Path) -> None:
    before = _state(tampered)
    result = run_cli("episodes", "--out", tampered)
    assert result.exit_code == 0, result.stderr
    assert _state(tampered) == before
    assert sorted(line.split("\t")[0] for line in result.stdout.splitlines()) == [
        "copied",
        "kursk-ar",
    ]
    assert "gone.mp3 is gone: episode gone is not listed" in result.stderr
    assert "kursk-ar.mp3: changed since it was rendered" in result.stderr
    assert "copied.mp3: not in the catalog" in result.stderr
    assert "Nothing was changed" in result.stderr

    repaired = run_cli("episodes", "repair", "--out", tampered)
    assert repaired.exit_code == 0, repaired.stderr
    assert "gone.mp3 is gone: episode gone dropped" in repaired.stdout
    assert "removed gone.txt, gone.vtt, gone.episode.json" in repaired.stdout
    assert "3 repaired" in repaired.stdout
    assert not list(tampered.glob("gone*"))
    assert len(read_feed(tampered / "feed.xml").entries) == 2
    again = run_cli("episodes", "repair", "--out", tampered)
    assert "nothing repaired" in again.stdout


def test_listing_next_to_another_tools_feed_creates_no_catalog(tmp_path: Path) -> None:
    out = tmp_path / "theirs"
    out.mkdir()
    (out / "feed.xml").write_text(_FOREIGN_FEED, encoding="utf-8")
    before = _state(out)
    listed = run_cli("episodes", "--out", out)
    assert listed.exit_code == 0 and "No episodes" in listed.stderr
    assert _state(out) == before
    for command in (["feed"], ["feed", "--rebuild"], ["episodes", "repair"]):
        refused = run_cli(*command, "--out", out)
        assert refused.exit_code == 2 and "another tool's feed" in refused.stderr
        assert _state(out) == before  # refused before the catalog was created


def test_listing_a_read_only_folder(rendered_sample: Path, tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk", 8 * 1024) as disk:
        out = disk / "out"
        shutil.copytree(rendered_sample, out)
        (out / f"{CATALOG_FILE}-wal").unlink(missing_ok=True)
        (out / f"{CATALOG_FILE}-shm").unlink(missing_ok=True)
        before = _state(out)
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        result = run_cli("episodes", "--out", out)
        assert result.exit_code == 0, result.stderr
        assert result.stdout.startswith("kursk-ar\t")
        assert _state(out) == before
