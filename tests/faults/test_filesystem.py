"""The file-system class of the fault catalogue: a full disk while writing the scratch file, the
MP3 and the feed; a read-only folder; links to outside the folder; a damaged, foreign or
hand-edited feed and catalog; MP3s truncated or deleted behind newsaudio's back. Every time:
exit code 4 (or 2 for a folder that is not ours to write), one line naming the file and the
reason, the folder's earlier files byte-identical, the feed valid with the right items, nothing
written outside the folder."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from newsaudio.publishing.catalog import CATALOG_FILE
from tests.conftest import BRIEF, read_feed, run_cli, snapshot
from tests.faults.conftest import (
    assert_refused,
    assert_unharmed,
    fill,
    link_catalog,
    run_limited,
    small_disk,
)


@pytest.fixture
def published(rendered_sample: Path, tmp_path: Path) -> Path:
    """An output folder with one episode (the sample), to be kept unharmed."""
    out = tmp_path / "out"
    shutil.copytree(rendered_sample, out)
    return out


def _article(folder: Path, name: str = "story") -> Path:
    path = folder / f"{name}.md"
    # Dated: an undated article is said in a warning line, and these tests expect one line.
    path.write_text(f"---\ndate: 2025-04-28\n---\n# خبر {name}\n\n{BRIEF}\n", encoding="utf-8")
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_disk_full_while_writing_the_scratch_file(published: Path, tmp_path: Path) -> None:
    before = snapshot(published)
    # Larger than the MP3 (~0.2 MB), smaller than the float32 scratch file (~2.6 MB).
    result = run_limited(
        "render", _article(tmp_path), "--out", published, "--no-cache", file_size=1_000_000
    )
    assert result.returncode == 4, result.stderr
    assert_refused(result.stderr, published, "File too large")
    assert_unharmed(published, before, items=1)


def test_disk_full_while_copying_the_mp3_keeps_the_cache_entry(
    published: Path, tmp_path: Path
) -> None:
    """A cached episode is copied to the folder without mastering (no scratch file): the copy
    fails, and the good cache entry must stay (it was deleted as 'cannot be used')."""
    cache, article = tmp_path / "cache", _article(tmp_path)
    first = run_limited("render", article, "--out", tmp_path / "warm", cache=cache)
    assert first.returncode == 0, first.stderr
    entries = {p.name: _digest(p) for p in cache.rglob("*") if p.is_file()}
    before = snapshot(published)
    result = run_limited("render", article, "--out", published, cache=cache, file_size=50_000)
    assert result.returncode == 4, result.stderr
    assert result.stderr.splitlines()[-1].startswith(f"Error: {published}: cannot write")
    assert {p.name: _digest(p) for p in cache.rglob("*") if p.is_file()} == entries
    assert_unharmed(published, before, items=1)


def test_disk_full_while_writing_the_feed(published: Path, tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk", 8 * 1024) as disk:
        out = disk / "out"
        shutil.copytree(published, out)
        before = snapshot(out)
        # Room for the catalog's shared memory (32 kB) and the feed (11 kB), not the page (24 kB).
        filler = fill(disk, 48 * 1024)
        result = run_limited("feed", "--out", out)
        assert result.returncode == 4, result.stderr
        assert_refused(result.stderr, out, "No space left on device")
        filler.unlink()
        assert_unharmed(out, before, items=1)
        assert run_limited("feed", "--out", out).returncode == 0  # space again: all is well


def test_a_full_disk_is_never_called_a_damaged_catalog(published: Path) -> None:
    """SQLite's 'database or disk is full' was reported as a damaged catalog, and following the
    advice (feed --rebuild) moved the healthy catalog aside."""
    (published / "catalog.sqlite-wal").unlink(missing_ok=True)
    for command in (["feed"], ["feed", "--rebuild"]):
        result = run_limited(*command, "--out", published, file_size=1)
        assert result.returncode == 4, result.stderr
        assert "damaged" not in result.stderr and "rebuild" not in result.stderr, result.stderr
    assert not list(published.glob("*.damaged-*"))
    assert run_cli("episodes", "--out", published).exit_code == 0


def test_a_read_only_folder(published: Path, tmp_path: Path) -> None:
    article = _article(tmp_path)
    with small_disk(tmp_path / "disk", 8 * 1024) as disk:
        out = disk / "out"
        shutil.copytree(published, out)
        before = snapshot(out)
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        result = run_limited("render", article, "--out", out)
        assert result.returncode == 4, result.stderr
        assert_refused(result.stderr, out, "Read-only file system")
        assert snapshot(out) == before


def test_a_catalog_that_links_outside_is_refused(published: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.sqlite"
    link_catalog(published, outside)
    kept = _digest(outside)
    before = snapshot(published)
    result = run_cli("render", _article(tmp_path), "--out", published)
    assert result.exit_code == 4
    assert_refused(result.stderr, published / CATALOG_FILE, "is a link")
    assert _digest(outside) == kept  # the database outside the folder was written before
    assert_unharmed(published, before, items=1)


def test_an_mp3_that_links_outside_is_not_followed(published: Path, tmp_path: Path) -> None:
    """(A feed.xml that is a link is refused: test_feeds.py.)"""
    outside_mp3 = tmp_path / "other.mp3"
    outside_mp3.write_bytes(b"someone else's file")
    (published / "story.mp3").symlink_to(outside_mp3)
    mp3 = _digest(outside_mp3)
    result = run_cli("render", _article(tmp_path), "--out", published)
    assert result.exit_code == 0, result.stderr
    assert _digest(outside_mp3) == mp3
    assert (published / "story.mp3").is_symlink()  # not ours: left, and not in the feed
    assert len(read_feed(published / "feed.xml").entries) == 2


def test_a_feed_that_cannot_be_read_is_refused_with_the_fix(
    published: Path, tmp_path: Path
) -> None:
    (published / "feed.xml").write_text("<rss><channel><item>cut off", encoding="utf-8")
    before = snapshot(published)
    result = run_cli("render", _article(tmp_path), "--out", published)
    assert result.exit_code == 4
    assert_refused(result.stderr, published / "feed.xml", "move it aside")
    assert snapshot(published) == before


def test_another_tools_feed_is_refused_before_any_work(published: Path, tmp_path: Path) -> None:
    (published / "feed.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>'
        "<generator>Other Podcaster 2.1</generator><item><title>a</title></item>"
        "</channel></rss>",
        encoding="utf-8",
    )
    before = snapshot(published)
    result = run_cli("render", _article(tmp_path), "--out", published)
    assert result.exit_code == 2
    assert_refused(result.stderr, "another tool's feed", "Other Podcaster 2.1")
    assert snapshot(published) == before


def test_items_added_by_hand_are_kept(published: Path, tmp_path: Path) -> None:
    feed = published / "feed.xml"
    hand = (
        "<item><title>حلقة خاصة</title><guid>special-1</guid>"
        '<enclosure url="https://cdn.example.org/special.mp3" length="1" type="audio/mpeg"/>'
        "</item>"
    )
    feed.write_text(feed.read_text(encoding="utf-8").replace("</channel>", hand + "</channel>"))
    assert run_cli("render", _article(tmp_path), "--out", published).exit_code == 0
    titles = [e.title for e in read_feed(feed).entries]
    assert len(titles) == 3 and "حلقة خاصة" in titles
    assert run_cli("episodes", "remove", "story", "--out", published).exit_code == 0
    titles = [e.title for e in read_feed(feed).entries]  # ours goes with its MP3, theirs stays
    assert len(titles) == 2 and "حلقة خاصة" in titles


def test_a_truncated_mp3_is_not_republished(published: Path) -> None:
    mp3 = published / "kursk-ar.mp3"
    with mp3.open("r+b") as file:
        file.truncate(mp3.stat().st_size // 3)
    result = run_limited("feed", "--out", published)
    assert result.returncode == 0
    assert "kursk-ar.mp3: shorter than its chapters (truncated?)" in result.stderr
    assert read_feed(published / "feed.xml").entries == []


def test_a_deleted_mp3_is_reported_and_its_files_go(published: Path) -> None:
    (published / "kursk-ar.mp3").unlink()
    result = run_limited("feed", "--out", published)
    assert result.returncode == 0
    assert "kursk-ar.mp3 is gone: episode kursk-ar dropped" in result.stderr
    assert sorted(p.name for p in published.glob("kursk-ar*")) == []
    assert read_feed(published / "feed.xml").entries == []


def test_a_damaged_catalog_is_refused_and_the_episodes_come_back(published: Path) -> None:
    (published / CATALOG_FILE).write_bytes(b"not a database" * 100)
    for suffix in ("-wal", "-shm"):
        (published / f"{CATALOG_FILE}{suffix}").unlink(missing_ok=True)
    result = run_cli("feed", "--out", published)
    assert result.exit_code == 4
    assert_refused(result.stderr, "damaged", "newsaudio feed --rebuild")
    assert run_cli("feed", "--rebuild", "--out", published).exit_code == 0
    with sqlite3.connect(published / CATALOG_FILE) as db:
        assert db.execute("SELECT count(*) FROM episodes").fetchone()[0] == 1
    assert len(read_feed(published / "feed.xml").entries) == 1
