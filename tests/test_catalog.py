"""The episode catalog: migration from episode records, rebuild from the MP3s' tags, damage
reported in one line, removal, reconciliation with the folder. Real renders, real files."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import time
from dataclasses import replace
from pathlib import Path

import feedparser
import pytest
from mutagen.id3 import ID3

from newsaudio.publishing.catalog import CATALOG_FILE, Catalog
from newsaudio.publishing.episode import Episode

from .conftest import BRIEF, html_text, read_feed, run_cli

# Keys an episode record had before the catalog (the release this one replaces).
LEGACY_KEYS = {
    "slug", "guid", "title", "description", "audio_file", "audio_bytes", "duration_s", "pub_date",
    "transcript_file", "source_url", "author", "chapters_file", "identity", "image", "voice",
}  # fmt: skip


@pytest.fixture(scope="module")
def two_episodes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with two rendered episodes: one with a URL and a date, one without."""
    folder = tmp_path_factory.mktemp("catalog")
    first, second = folder / "first.md", folder / "second.md"
    first.write_text(
        "---\nurl: https://example.com/news/1\ndate: 2025-05-07\n---\n"
        f"# الخبر الأول\n\n{BRIEF}\n\n## قسم ثان\n\n{BRIEF}\n",
        encoding="utf-8",
    )
    second.write_text(f"# الخبر الثاني\n\n{BRIEF}\n", encoding="utf-8")
    out = folder / "out"
    result = run_cli("render", first, second, "--out", out, "--quiet", "--voice", "ar-espeak")
    assert result.exit_code == 0, result.output
    return out


def _copy(folder: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(folder, out)
    return out


def _episodes(out: Path) -> list[Episode]:
    with Catalog.open(out) as catalog:
        return catalog.episodes()


def _feed_guids(out: Path) -> list[str]:
    return [e.id for e in read_feed(out / "feed.xml").entries]


def _make_legacy(out: Path) -> None:
    """The folder as the release before the catalog left it: no catalog, records with the old
    keys, MP3s without the GUID frame."""
    (out / CATALOG_FILE).unlink()
    for mp3 in out.glob("*.mp3"):
        tags = ID3(mp3)
        tags.delall("TXXX")
        tags.save(mp3, v1=0, v2_version=3)
        record_path = mp3.with_suffix(".episode.json")
        record = json.loads(record_path.read_text(encoding="utf-8"))
        record = {k: v for k, v in record.items() if k in LEGACY_KEYS}
        record["audio_bytes"] = mp3.stat().st_size
        record_path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")


def test_catalog_holds_what_the_render_wrote(two_episodes: Path) -> None:
    episodes = _episodes(two_episodes)
    assert [e.slug for e in episodes] == ["second", "first"]  # newest first
    first = episodes[1]
    assert first.source_url == "https://example.com/news/1"
    assert [c.title for c in first.chapters] == ["الخبر الأول", "قسم ثان", "الخاتمة"]
    assert first.audio_bytes == (two_episodes / "first.mp3").stat().st_size
    assert first.rendered is not None and first.voice and first.voice.startswith("ar-espeak")
    assert str(ID3(two_episodes / "first.mp3")["TXXX:GUID"]) == first.guid
    assert sorted(_feed_guids(two_episodes)) == sorted(e.guid for e in episodes)
    description = feedparser.parse((two_episodes / "feed.xml").read_bytes()).entries[1].description
    shown = html_text(description)
    assert "\n\n00:00 الخبر الأول\n00:" in shown and shown.endswith("الخاتمة")


def test_folder_from_before_the_catalog_migrates_on_first_use(
    two_episodes: Path, tmp_path: Path
) -> None:
    out = _copy(two_episodes, tmp_path)
    _make_legacy(out)
    guids = {p.name: json.loads(p.read_text())["guid"] for p in out.glob("*.episode.json")}
    result = run_cli("episodes", "--out", out)
    assert result.exit_code == 0, result.output
    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == ["second", "first"]
    episodes = _episodes(out)
    assert {f"{e.slug}.episode.json": e.guid for e in episodes} == guids
    # Chapters the old records lacked come from the JSON chapters files.
    assert [len(e.chapters) for e in episodes] == [2, 3]
    assert run_cli("feed", "--out", out).exit_code == 0
    assert sorted(_feed_guids(out)) == sorted(guids.values())
    assert sorted(p.name for p in out.glob("*.episode.json")) == sorted(guids)  # kept as backups


@pytest.mark.parametrize("damage", ["garbage", "truncated", "other schema", "newer schema"])
def test_damaged_catalog_is_one_line_and_rebuild_recovers_from_tags(
    damage: str, two_episodes: Path, tmp_path: Path
) -> None:
    out = _copy(two_episodes, tmp_path)
    before = {e.slug: e for e in _episodes(out)}
    feed_before = (out / "feed.xml").read_bytes()
    path = out / CATALOG_FILE
    if damage == "garbage":
        path.write_bytes(b"not a database at all\n" * 100)
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[:1500])
    else:
        path.unlink()
        with sqlite3.connect(path) as db:
            db.execute("CREATE TABLE episodes (slug TEXT)")
            if damage == "newer schema":
                db.execute("PRAGMA user_version = 99")
    # The records are gone too: only the MP3s' tags are left to rebuild from.
    for record in out.glob("*.episode.json"):
        record.unlink()

    for command in (["episodes"], ["feed"]):
        result = run_cli(*command, "--out", out)
        assert result.exit_code == 4  # the folder's state
        assert len(result.stderr.splitlines()) == 1, result.stderr
        if damage != "newer schema":
            assert "newsaudio feed --rebuild" in result.stderr
        assert (out / "feed.xml").read_bytes() == feed_before  # never silently emptied
    if damage == "garbage":
        story = tmp_path / "third.md"
        story.write_text(f"# الخبر الثالث\n\n{BRIEF}\n", encoding="utf-8")
        result = run_cli("render", story, "--out", out, "--quiet")
        assert result.exit_code == 4
        assert result.stderr.count("\n") == 1 and "newsaudio feed --rebuild" in result.stderr
        assert not list(out.glob("third*")) and not list(out.glob(".*.part"))
    if damage == "newer schema":
        return  # a newer release's catalog is not ours to rebuild

    result = run_cli("feed", "--rebuild", "--out", out)
    assert result.exit_code == 0, result.output
    assert "(2 episodes)" in result.stdout
    assert list(out.glob(f"{CATALOG_FILE}.damaged-*"))  # set aside for a post-mortem
    after = {e.slug: e for e in _episodes(out)}
    assert after.keys() == before.keys()
    for slug, old in before.items():
        new = after[slug]
        assert (new.guid, new.title, new.audio_bytes, new.source_url) == (
            old.guid,
            old.title,
            old.audio_bytes,
            old.source_url,
        )
        assert new.duration_s == pytest.approx(old.duration_s, abs=0.01)
        assert new.chapters == old.chapters
        assert new.pub_date.date() == old.pub_date.date()  # ID3 dates hold the day
    assert sorted(_feed_guids(out)) == sorted(e.guid for e in before.values())


def test_rebuild_without_guid_frames_derives_guids_as_the_pipeline_does(
    two_episodes: Path, tmp_path: Path
) -> None:
    out = _copy(two_episodes, tmp_path)
    before = {e.slug: e.guid for e in _episodes(out)}
    _make_legacy(out)
    for record in out.glob("*.episode.json"):
        record.unlink()
    assert run_cli("feed", "--rebuild", "--out", out).exit_code == 0
    assert {e.slug: e.guid for e in _episodes(out)} == before


def test_remove_deletes_files_and_feed_item(two_episodes: Path, tmp_path: Path) -> None:
    out = _copy(two_episodes, tmp_path)
    (out / "first.vtt").write_text("WEBVTT\n", encoding="utf-8")  # captions, once written
    with Catalog.open(out) as catalog, catalog.transaction():
        first = catalog.get("first")
        assert first is not None
        catalog.upsert(replace(first, vtt_file="first.vtt"))
    result = run_cli("episodes", "remove", "first", "--out", out)
    assert result.exit_code == 0, result.output
    assert not list(out.glob("first*"))
    assert [e.slug for e in _episodes(out)] == ["second"]
    assert len(_feed_guids(out)) == 1
    result = run_cli("episodes", "remove", "first", "--out", out)
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ") and "no episode 'first'" in result.stderr


def test_catalog_follows_the_folder(two_episodes: Path, tmp_path: Path) -> None:
    """An MP3 deleted by hand leaves the feed; a foreign MP3 never enters it; stale temporary
    files of killed renders are cleaned, fresh ones (a live render's) kept."""
    out = _copy(two_episodes, tmp_path)
    (out / "second.mp3").unlink()
    shutil.copy(out / "first.mp3", out / "jingle.mp3")
    tags = ID3(out / "jingle.mp3")
    tags.delall("TXXX")
    tags.delall("TENC")
    tags.save()
    stale, fresh = out / ".gone.mp3.abc.part", out / ".live.mp3.def.part"
    stale.write_bytes(b"x")
    fresh.write_bytes(b"x")
    os.utime(stale, (time.time() - 7200, time.time() - 7200))
    assert run_cli("feed", "--out", out).exit_code == 0
    assert [e.slug for e in _episodes(out)] == ["first"]
    assert len(_feed_guids(out)) == 1
    assert not stale.exists() and fresh.exists()


def test_max_episodes_keeps_newest_in_feed_and_all_files(
    two_episodes: Path, tmp_path: Path
) -> None:
    out = _copy(two_episodes, tmp_path)
    config = tmp_path / "newsaudio.toml"
    config.write_text("[feed]\nmax_episodes = 1\n", encoding="utf-8")
    assert run_cli("feed", "--out", out, "--config", config).exit_code == 0
    assert _feed_guids(out) == [_episodes(out)[0].guid]
    assert (out / "first.mp3").is_file() and (out / "second.mp3").is_file()


def test_missing_folder_is_one_line(tmp_path: Path) -> None:
    result = run_cli("episodes", "--out", tmp_path / "nowhere")
    assert result.exit_code == 2
    assert result.stderr.strip() == f"Error: {tmp_path / 'nowhere'}: no such output folder"
