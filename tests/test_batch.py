"""Many articles at once: folders and lists in, a process pool (or a Dask cluster) renders them,
the feed is written once at the end, a failed article changes nothing, Ctrl-C stops cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import feedparser
import pytest

import newsaudio.pipeline
import newsaudio.publishing.publish
from newsaudio.batch import Job, run_cluster
from newsaudio.config import Config
from newsaudio.publishing.catalog import Catalog
from newsaudio.publishing.tags import mp3_duration_ms, read_tags
from newsaudio.speech.voices import load_voice

from .conftest import BRIEF, run_cli, sigint_as_usual

TITLES = ["الخبر الأول", "الخبر الثاني", "الخبر الثالث"]


def write_articles(folder: Path, count: int = 3) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(count):
        path = folder / f"story-{number}.md"
        title = TITLES[number] if number < len(TITLES) else f"خبر رقم {number}"
        path.write_text(f"# {title}\n\n{BRIEF}\n", encoding="utf-8")
        paths.append(path)
    return paths


def feed_titles(out: Path) -> list[str]:
    parsed = feedparser.parse((out / "feed.xml").read_bytes())
    assert not parsed.bozo
    return sorted(e.title for e in parsed.entries)


def test_a_folder_renders_in_two_workers(tmp_path: Path) -> None:
    write_articles(tmp_path / "in")
    (tmp_path / "in" / "notes.pdf").write_bytes(b"%PDF")  # not an article file: not picked up
    out = tmp_path / "out"
    result = run_cli("render", tmp_path / "in", "--out", out, "--jobs", "2", "--quiet")
    assert result.exit_code == 0, result.stderr
    assert feed_titles(out) == sorted(TITLES)
    assert sorted(p.name for p in out.glob("*.mp3")) == [f"story-{n}.mp3" for n in range(3)]


def test_the_feed_is_written_once_and_a_failure_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles = write_articles(tmp_path / "in", 2)
    empty = tmp_path / "in" / "empty.txt"
    empty.write_text("")
    calls = []
    real = newsaudio.publishing.publish.publish_feed
    monkeypatch.setattr(
        newsaudio.publishing.publish, "publish_feed", lambda *a: calls.append(1) or real(*a)
    )
    out = tmp_path / "out"
    result = run_cli("render", articles[0], empty, articles[1], "--out", out, "--jobs", "1")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"Error: {empty}: is empty"
    assert calls == [1]
    assert feed_titles(out) == sorted(TITLES[:2])
    assert not any(p.name.startswith("empty") for p in out.iterdir())


def test_an_empty_folder_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    result = run_cli("render", tmp_path / "in", "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert result.stderr.strip().startswith(
        f"Error: {tmp_path / 'in'}: is a folder with no article"
    )


def test_ctrl_c_stops_the_workers_and_keeps_what_finished(tmp_path: Path) -> None:
    """A real process, interrupted after its first episode: exit 130, every episode in the
    folder complete and in the feed, nothing half-written."""
    articles = write_articles(tmp_path / "in", 8)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "newsaudio.cli", "render", *map(str, articles)]
    process = subprocess.Popen(
        [*command, "--out", str(out), "--jobs", "2", "--quiet"],
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's Ctrl-C would reach
        preexec_fn=sigint_as_usual,
    )
    deadline = time.monotonic() + 120
    while not list(out.glob("*.episode.json")) and time.monotonic() < deadline:
        time.sleep(0.1)
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert stderr.strip().splitlines()[-1].startswith("Interrupted: ")
    done = sorted(p.name.removesuffix(".episode.json") for p in out.glob("*.episode.json"))
    assert 1 <= len(done) < 8
    assert sorted(p.stem for p in out.glob("*.mp3")) == done
    assert not [p for p in out.iterdir() if p.name.startswith(".")]
    assert len(feedparser.parse((out / "feed.xml").read_bytes()).entries) == len(done)


def test_a_worker_killed_by_the_system_does_not_hang_the_batch(tmp_path: Path) -> None:
    """The kernel's OOM killer, as a SIGKILL to one worker mid-article: the articles its pool
    had not finished render again in a new pool, and the batch ends with every episode."""
    articles = write_articles(tmp_path / "in", 6)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "newsaudio.cli", "render", *map(str, articles)]
    process = subprocess.Popen(
        [*command, "--out", str(out), "--jobs", "2", "--quiet"], stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 120
    while not list(out.glob("*.episode.json")) and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = _spawned_children(process.pid)
    assert workers, "no worker processes found"
    os.kill(workers[0], signal.SIGKILL)
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert "a worker process died" in stderr
    assert feed_titles(out) == sorted(TITLES + [f"خبر رقم {n}" for n in range(len(TITLES), 6)])
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def _spawned_children(pid: int) -> list[int]:
    """The multiprocessing workers ``pid`` spawned (not its resource tracker)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [
        int(child)
        for child in children
        if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes()
    ]


def test_a_dask_cluster_renders_the_batch_and_only_the_client_writes_the_catalog(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    distributed = pytest.importorskip("distributed")

    class NoSqlite(distributed.WorkerPlugin):  # type: ignore[name-defined,misc]
        """Opening any SQLite database in a worker fails. Workers may be other machines sharing
        the output folder over a network, where SQLite's locks cannot be trusted: only the client
        may write the catalog."""

        def setup(self, worker: object) -> None:
            import sqlite3

            def refuse(*args: object, **kwargs: object) -> None:
                raise AssertionError("a cluster worker opened an SQLite database")

            sqlite3.connect = refuse  # type: ignore[assignment]

    out = tmp_path / "out"
    # An episode already in the folder, re-rendered by the cluster: it keeps its GUID and date.
    earlier = write_articles(tmp_path / "earlier", 1)[0]
    first = newsaudio.pipeline.render_article(earlier, out, load_voice(), Config()).episode
    # Two other articles whose names give the same slug: workers both stage them as "story-0".
    same_name = [write_articles(tmp_path / folder, 3)[2] for folder in ("a", "b")]
    for path, title in zip(same_name, ("خبر من القسم الأول", "خبر من القسم الثاني"), strict=True):
        path.write_text(f"# {title}\n\n{BRIEF}\n", encoding="utf-8")
    sources = [str(earlier), *map(str, same_name)]
    job = Job(out, load_voice(), Config(), use_cache=False)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        client.register_plugin(NoSqlite())
        outcomes = run_cluster(sources, job, cluster.scheduler_address, print)
        # Relative paths, from another folder than the workers': the client resolves them.
        monkeypatch.chdir(tmp_path)
        relative = [str(p.relative_to(tmp_path)) for p in same_name]
        result = run_cli(
            "render", *relative, "--out", "out", "--scheduler", cluster.scheduler_address, "-q"
        )
    assert [o.error for o in outcomes] == [None, None, None]
    # Which of the two same-named articles gets "-2" depends on which worker finishes first.
    assert sorted(o.slug for o in outcomes) == sorted([first.slug, "story-2", "story-2-2"])
    assert result.exit_code == 0, result.stderr  # the same articles again: replaced in place
    with Catalog.open(out) as catalog:
        episodes = {e.slug: e for e in catalog.episodes()}
    assert sorted(episodes) == sorted([first.slug, "story-2", "story-2-2"])
    again = episodes[first.slug]
    assert (again.guid, again.pub_date) == (first.guid, first.pub_date)
    assert again.rendered != first.rendered or again.audio_bytes == first.audio_bytes
    tags = read_tags(out / again.audio_file)
    assert tags.guid == first.guid and len(tags.chapters) == len(first.chapters)
    assert mp3_duration_ms(out / again.audio_file) == round(again.duration_s * 1000)
    assert feed_titles(out) == sorted(["الخبر الأول", "خبر من القسم الأول", "خبر من القسم الثاني"])
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_an_unreachable_scheduler_is_one_line(tmp_path: Path) -> None:
    articles = write_articles(tmp_path / "in", 1)
    result = run_cli("render", *articles, "--scheduler", "tcp://127.0.0.1:9", "--out", tmp_path)
    assert result.exit_code == 3  # the network: try again later
    assert result.stderr.strip().startswith("Error: tcp://127.0.0.1:9: cannot reach the Dask")


def test_debug_renders_in_this_process_and_shows_the_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--debug is for finding a bug: no pool, and the bug's traceback comes through."""
    articles = write_articles(tmp_path / "in", 2)

    def broken(*args: object) -> None:
        raise RuntimeError("injected")

    monkeypatch.setattr(newsaudio.pipeline, "build_script", broken)
    with pytest.raises(RuntimeError, match="injected"):
        run_cli("render", *articles, "--out", tmp_path / "out", "--debug")
