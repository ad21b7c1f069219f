"""Several renders into one folder at once, and renders killed with SIGKILL at every step that
makes them visible: the feed, the catalog and the earlier episodes stay valid. Real processes,
real engine (the fast screen-reader voice, short articles)."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import feedparser
import pytest

from newsaudio.publishing.catalog import Catalog
from newsaudio.publishing.episode import Episode

from .conftest import BRIEF, read_feed, run_cli

VOICE = "ar-espeak-screenreader"
# Batches of two articles competing for slugs; the 20 rounds of the fault catalogue are single
# renders (below). More with NEWSAUDIO_STRESS_ROUNDS=20 (minutes, not for every run).
ROUNDS = int(os.environ.get("NEWSAUDIO_STRESS_ROUNDS", "1"))
KILL_AT = Path(__file__).with_name("kill_at.py")
# A render's renames, in order: the side files (captions first, chapters, transcript), the MP3,
# its record, the page, the feed; then the catalog commits. Killing before the first and after
# these reaches every distinct state of the folder.
KILL_POINTS = ["before:1", "after:next.srt", "after:next.mp3", "after:feed.xml"]
# And at moments in between (start-up, text preparation, synthesis), in seconds after the start.
# NEWSAUDIO_KILL_AFTER_S="0.3,0.6,0.9,..." tries more moments.
KILL_AFTER_S = [float(s) for s in os.environ.get("NEWSAUDIO_KILL_AFTER_S", "1.0,2.5").split(",")]


def _article(path: Path, title: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"# {title}\n\n{BRIEF}\n", encoding="utf-8")
    return path


def _render_cmd(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "newsaudio.cli", "render", *map(str, args), "--quiet"]


def check_folder(out: Path) -> list[Episode]:
    """The folder is valid: the feed is strict XML that every parser reads whole, every item's
    MP3 exists, the catalog opens and each of its episodes has all its files."""
    parsed = read_feed(out / "feed.xml")
    for entry in parsed.entries:
        name = entry.enclosures[0].href.rsplit("/", 1)[-1]
        assert (out / name).is_file(), name
        assert not name.startswith(".")
    with Catalog.open(out) as catalog:
        episodes = catalog.episodes()
    for episode in episodes:
        assert episode.audio_bytes == (out / episode.audio_file).stat().st_size
        for name in episode.files:
            assert (out / name).is_file(), name
    assert {e.audio_file for e in episodes} == {
        p.name for p in out.glob("*.mp3") if not p.name.startswith(".")
    }
    return episodes


def test_renders_at_once_all_reach_the_feed(tmp_path: Path) -> None:
    """Each round, two processes render two articles each into one folder; every article has a
    name another one shares, so they also compete for slugs."""
    out = tmp_path / "out"
    for n in range(ROUNDS):
        jobs = []
        for side in ("a", "b"):
            story = _article(tmp_path / f"{side}{n}" / "story.md", f"خبر {side} في الجولة {n}")
            other = _article(tmp_path / f"{side}{n}" / f"only-{side}.md", f"خبر آخر {side}")
            jobs.append(
                subprocess.Popen(
                    _render_cmd(story, other, "--out", out, "--voice", VOICE),
                    stderr=subprocess.PIPE,
                    text=True,
                )
            )
        for job in jobs:
            _, stderr = job.communicate(timeout=120)
            assert job.returncode == 0, stderr
        episodes = check_folder(out)
        slugs = sorted(e.slug for e in episodes)
        assert len(slugs) == 4 * (n + 1) == len(set(slugs))
        titles = {e.title for e in episodes}
        assert {f"خبر a في الجولة {n}", f"خبر b في الجولة {n}"} <= titles
        entries = feedparser.parse((out / "feed.xml").read_bytes()).entries
        assert sorted(e.id for e in entries) == sorted(e.guid for e in episodes)


@pytest.fixture(scope="module")
def earlier(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with one episode already published."""
    out = tmp_path_factory.mktemp("earlier") / "out"
    story = _article(out.parent / "earlier.md", "الخبر السابق")
    result = run_cli("render", story, "--out", out, "--quiet", "--voice", VOICE)
    assert result.exit_code == 0, result.output
    return out


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_render_killed_at_any_moment_leaves_the_folder_valid(earlier: Path, tmp_path: Path) -> None:
    before = {p.name: _digest(p) for p in earlier.glob("earlier*")}
    (earlier_episode,) = check_folder(earlier)
    runs: dict[str, tuple[Path, subprocess.Popen[str]]] = {}
    points: list[str] = [*KILL_POINTS, *(f"time:{s}" for s in KILL_AFTER_S)]
    for point in points:
        out = tmp_path / point.replace(":", "-").replace(".", "-") / "out"
        shutil.copytree(earlier, out)
        story = _article(out.parent / "next.md", "الخبر التالي")
        args = _render_cmd(story, "--out", out, "--voice", VOICE, "--no-cache")
        if not point.startswith("time:"):
            args[1:3] = [str(KILL_AT), point]  # python kill_at.py POINT render ...
        runs[point] = (out, subprocess.Popen(args, stderr=subprocess.PIPE, text=True))
    started = time.monotonic()
    for seconds in KILL_AFTER_S:
        time.sleep(max(0.0, started + seconds - time.monotonic()))
        runs[f"time:{seconds}"][1].send_signal(signal.SIGKILL)

    killed: list[str] = []
    for point, (out, job) in runs.items():
        job.communicate(timeout=120)
        timed = point.startswith("time:")
        # A named point is always reached; a render may finish before a timed kill.
        assert job.returncode == -signal.SIGKILL or (timed and job.returncode == 0), point
        killed.append(point if job.returncode else f"{point} (finished first)")
        episodes = check_folder(out)
        assert {p.name: _digest(p) for p in out.glob("earlier*")} == before, point
        assert earlier_episode in episodes, point
        feed_ids = [e.id for e in feedparser.parse((out / "feed.xml").read_bytes()).entries]
        assert earlier_episode.guid in feed_ids, point
        # Killed after the MP3 was in place: the next open adopts the complete episode.
        in_place = point in {"after:next.mp3", "after:feed.xml"} or job.returncode == 0
        assert ("next" in {e.slug for e in episodes}) == in_place or timed, point

    print("killed at:", ", ".join(killed))
    # The next render of the same article takes its own slug, not "next-2", and all is well.
    for point in ("before:1", "after:next.mp3"):
        out = runs[point][0]
        result = run_cli(
            "render", out.parent / "next.md", "--out", out, "--quiet", "--voice", VOICE
        )
        assert result.exit_code == 0, result.output
        assert sorted(e.slug for e in check_folder(out)) == ["earlier", "next"], point


@pytest.mark.slow
def test_twenty_rounds_of_two_renders_into_one_folder(tmp_path: Path) -> None:
    """The fault catalogue's concurrency case: 20 rounds, two single-article renders at once into
    one folder, both articles named alike; after each round the folder is valid and complete."""
    out = tmp_path / "out"
    for n in range(20):
        jobs = [
            subprocess.Popen(
                _render_cmd(
                    _article(tmp_path / f"{side}{n}" / "story.md", f"خبر {side} رقم {n}"),
                    "--out",
                    out,
                    "--voice",
                    VOICE,
                ),
                stderr=subprocess.PIPE,
                text=True,
            )
            for side in ("a", "b")
        ]
        for job in jobs:
            _, stderr = job.communicate(timeout=120)
            assert job.returncode == 0, stderr
        episodes = check_folder(out)
        assert len({e.slug for e in episodes}) == len(episodes) == 2 * (n + 1)
    assert len(read_feed(out / "feed.xml").entries) == 40
