"""``newsaudio follow`` against a news site played by a local server (tests/news_site.py): new
items rendered, a run with nothing changed costs one request, edits settle and replace their
episode in place, taken-down pages are withdrawn, the feed's own faults end as render's would."""

from __future__ import annotations

import fcntl
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from newsaudio.config import Config
from newsaudio.errors import EXIT_ENGINE, EXIT_FAILED, EXIT_INPUT, EXIT_OK
from newsaudio.follow import Event, FollowJob, RunResult, follow_once
from newsaudio.follow.polite import HostPacer
from newsaudio.follow.read import Reading, read_work
from newsaudio.follow.state import FeedState, ItemState
from newsaudio.publishing.catalog import Catalog
from newsaudio.reading.feeds import FeedItem
from newsaudio.reading.fetch import FetchPolicy
from newsaudio.speech.voices import load_voice

from .conftest import BRIEF, read_feed, run_cli
from .local_server import Reply, local_server, reply
from .news_site import NewsSite

FAST = FetchPolicy(connect_timeout_s=0.5, read_timeout_s=0.5, retries=1, backoff_s=0.01)
NOW = datetime(2026, 6, 2, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def site() -> Iterator[NewsSite]:
    with local_server() as server:
        yield NewsSite(server)


def job(out: Path, **options: object) -> FollowJob:
    settings = {
        "use_cache": True,
        "jobs": 1,
        "delay_s": 0.0,
        "settle_s": 0.0,
        "page_policy": FAST,
        "feed_policy": FAST,
        **options,
    }
    return FollowJob(out, load_voice("ar-espeak"), Config(), **settings)  # type: ignore[arg-type]


def follow(
    sources: list[str], out: Path, now: datetime = NOW, **options: object
) -> tuple[RunResult, list[Event]]:
    events: list[Event] = []
    result = follow_once(
        sources, job(out, **options), events.append, sleep=lambda _s: None, clock=lambda: now
    )
    return result, events


def lines(events: list[Event], kind: str) -> list[str]:
    return [e.text for e in events if e.kind == kind]


def titles(out: Path) -> list[str]:
    return sorted(entry.title for entry in read_feed(out / "feed.xml").entries)


# --- the usual runs -----------------------------------------------------------------------------


def test_first_run_backfills_then_nothing_changed_costs_one_request(
    site: NewsSite, tmp_path: Path
) -> None:
    site.add(2)
    out = tmp_path / "out"
    result, events = follow([site.feed_url], out, backfill=1)
    assert (result.rendered, result.exit_code) == (1, EXIT_OK)
    assert titles(out) == [site.stories[1].title]  # the newest
    assert any("2 items, 1 new, 1 skipped" in line for line in lines(events, "note"))
    before = len(site.server.requests)

    result, events = follow([site.feed_url], out, backfill=1)
    assert (result.rendered, result.exit_code) == (0, EXIT_OK)
    assert [r.path for r in site.server.requests[before:]] == [site.feed_path]  # one request: 304
    assert any("not modified" in line for line in lines(events, "note"))

    site.add(1)  # a new story: its page is read, it is rendered; the backfill was the first run's
    result, _ = follow([site.feed_url], out, backfill=1)
    assert result.rendered == 1 and site.stories[-1].title in titles(out)
    assert site.server.hits[f"/news/{site.stories[0].slug}"] == 0  # skipped for good


def test_a_server_without_304_is_judged_by_its_bytes(site: NewsSite, tmp_path: Path) -> None:
    site.conditional = False
    follow([site.feed_url], tmp_path / "out", backfill=0)
    result, events = follow([site.feed_url], tmp_path / "out", backfill=0)
    assert result.rendered == 0 and any("not modified" in line for line in lines(events, "note"))


def test_full_content_needs_no_page_and_duplicate_guids_render_once(
    site: NewsSite, tmp_path: Path
) -> None:
    first, second = site.add(2, full_content=True)
    second.guid = first.guid = "same-guid"  # a CMS that repeats a GUID
    result, events = follow([site.feed_url], tmp_path / "out")
    assert result.rendered == 1
    assert not any(r.path.startswith("/news/") for r in site.server.requests)
    assert any("1 item repeats a GUID" in line for line in lines(events, "note"))
    with Catalog.open(tmp_path / "out") as catalog:  # what following knows is in the catalog
        rows = catalog.execute("SELECT key, state, renders FROM follow_items").fetchall()
    assert [tuple(row) for row in rows] == [("1 same-guid", "rendered", 1)]


def test_an_item_whose_page_fails_fails_alone(site: NewsSite, tmp_path: Path) -> None:
    _, bad = site.add(2)
    bad.status = 404
    result, events = follow([site.feed_url], tmp_path / "out")
    assert (result.rendered, result.exit_code) == (1, EXIT_FAILED)
    assert lines(events, "error") == [f"{site.url(bad)}: HTTP 404 Not Found"]
    result, _ = follow([site.feed_url], tmp_path / "out")
    assert (result.rendered, result.exit_code) == (0, EXIT_OK)  # input failures wait for a change


def test_an_item_without_a_link_is_read_from_the_feed_alone() -> None:
    """No page to fetch: the item's summary is its article (or it fails as one that is too
    short), with the feed's title as the site's name."""
    feed = FeedState(1, "https://news.test/feed.xml", "https://news.test/feed.xml", "الموقع")

    def read(summary: str) -> Reading:
        entry = FeedItem("خبر بلا رابط", guid="7", guid_scoped=True, summary_html=summary)
        item = ItemState("1 7", 1, entry.title, NOW, "hash", entry)
        return read_work(item, feed, FAST, lambda url: pytest.fail(url), NOW, settle_s=0)

    whole = read(f"<p>{BRIEF}</p><p>{BRIEF}</p>")
    assert whole.article is not None and whole.item.state == "rendering"
    assert (whole.article.headline, whole.article.meta.source) == ("خبر بلا رابط", "الموقع")
    short = read("<p>سطر واحد</p>")
    assert (short.article, short.item.state, short.failed) == (None, "failed", EXIT_INPUT)


# --- updates and withdrawals --------------------------------------------------------------------


def test_an_edit_settles_then_replaces_its_episode_in_place_a_few_times(
    site: NewsSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("newsaudio.follow.read.MAX_RENDERS", 2)  # 4 in use: the same rule
    (story,) = site.add(1)
    out = tmp_path / "out"
    follow([site.feed_url], out, settle_s=600)
    (before,) = read_feed(out / "feed.xml").entries
    story.paragraphs[0] = story.paragraphs[0].replace("صباح اليوم", "مساء أمس")

    result, events = follow([site.feed_url], out, settle_s=600)
    assert result.rendered == result.updated == 0
    assert any(
        "changed; rendered again once unchanged for 10 min" in x for x in lines(events, "note")
    )

    later = NOW + timedelta(minutes=11)
    result, events = follow([site.feed_url], out, later, settle_s=600)
    assert result.updated == 1 and lines(events, "rendered")[0].startswith("updated: ")
    (after,) = read_feed(out / "feed.xml").entries
    assert (after.id, after.enclosures[0].href) == (before.id, before.enclosures[0].href)
    spoken = (out / f"{Path(after.enclosures[0].href).stem}.txt").read_text()
    assert "مساء أمس" in re.sub("[\u064b-\u0652]", "", spoken)

    story.paragraphs[0] += " تحديث آخر."  # changed again: renders are bounded
    result, events = follow([site.feed_url], out, later + timedelta(minutes=11), settle_s=600)
    assert result.updated == 0
    assert any("2 renders at most" in line for line in lines(events, "note"))


def test_a_page_taken_down_is_withdrawn_its_files_kept(site: NewsSite, tmp_path: Path) -> None:
    old, new = site.add(2)
    out = tmp_path / "out"
    follow([site.feed_url], out)
    new.in_feed, new.status = False, 410  # unpublished: out of the feed, its page gone
    result, events = follow([site.feed_url], out)
    (line,) = lines(events, "withdrawn")
    slug = f"127-0-0-1-{new.slug}"
    assert line.startswith(f"withdrawn: {slug} (") and "HTTP 410 Gone" in line
    assert result.withdrawn == 1 and titles(out) == [old.title]
    assert new.title not in (out / "index.html").read_text()
    assert (out / f"{slug}.mp3").exists()  # kept until `episodes remove`
    assert run_cli("episodes", "remove", slug, "--out", out).exit_code == 0
    assert not (out / f"{slug}.mp3").exists() and titles(out) == [old.title]


def test_an_item_pushed_out_at_the_end_stays(site: NewsSite, tmp_path: Path) -> None:
    (old,) = site.add(1)
    out = tmp_path / "out"
    follow([site.feed_url], out)
    old.in_feed = False  # the feed keeps its newest item only: a new one pushed it out
    site.add(1, status=404)
    result, _ = follow([site.feed_url], out)
    assert result.withdrawn == 0 and titles(out) == [old.title]
    assert site.server.hits[f"/news/{old.slug}"] == 1  # not asked about again


def test_one_request_at_a_time_per_host_with_a_delay() -> None:
    now = [0.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    pace = HostPacer(1.0, sleep, lambda: now[0])
    for url in ["https://a.test/feed", "https://a.test/1", "https://b.test/x", "https://A.test/2"]:
        pace(url)
        now[0] += 0.25  # the request itself
    assert waits == [0.75, 0.5]  # a.test waited twice; b.test is another host


# --- the feed's own faults ----------------------------------------------------------------------


def test_a_permanent_move_is_remembered(site: NewsSite, tmp_path: Path) -> None:
    site.server.routes["/old-feed"] = reply(301, headers={"Location": site.feed_url})
    result, events = follow([site.server.url("/old-feed")], tmp_path / "out")
    assert result.exit_code == EXIT_OK
    assert f"moved permanently to {site.feed_url}" in " ".join(lines(events, "note"))
    follow([site.server.url("/old-feed")], tmp_path / "out")
    assert site.server.hits["/old-feed"] == 1  # asked at its new address since
    assert site.server.hits[site.feed_path] == 2


def test_gone_stops_the_feed(site: NewsSite, tmp_path: Path) -> None:
    site.server.routes["/gone"] = reply(410)
    url = site.server.url("/gone")
    result, events = follow([url], tmp_path / "out")
    assert result.exit_code == EXIT_INPUT and "no longer asked" in lines(events, "error")[0]
    result, events = follow([url], tmp_path / "out", NOW + timedelta(days=1))
    assert result.exit_code == EXIT_INPUT and site.server.hits["/gone"] == 1


def test_retry_after_is_kept_across_runs(site: NewsSite, tmp_path: Path) -> None:
    site.server.routes["/busy"] = reply(429, headers={"Retry-After": "3600"})
    url = site.server.url("/busy")
    result, events = follow([url], tmp_path / "out")
    assert result.exit_code == EXIT_ENGINE and "asks to wait 3600 s" in lines(events, "error")[0]
    result, events = follow([url], tmp_path / "out", NOW + timedelta(minutes=30))
    assert result.exit_code == EXIT_OK and site.server.hits["/busy"] == 1  # not asked yet
    assert "not asked before 13:00 UTC" in lines(events, "note")[0]


@pytest.mark.parametrize(
    "answer, code, problem",
    [
        (
            Reply(200, b"<html><body>hello</body></html>", {"Content-Type": "text/html"}),
            2,
            "web page",
        ),
        (Reply(200, b"<rss><channel><item><title>x", {}), 3, "cut short"),
        (
            Reply(200, b'<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss/>', {}),
            2,
            "entities",
        ),
        (Reply(200, b"<rss/>", {}, delay_s=1.0), 3, "timed out"),
        (Reply(503, b"", {}), 3, "HTTP 503"),
    ],
)
def test_a_feed_that_fails_ends_as_render_would(
    site: NewsSite, tmp_path: Path, answer: Reply, code: int, problem: str
) -> None:
    site.server.routes["/bad"] = lambda handler: handler.send(answer)
    result, events = follow([site.server.url("/bad")], tmp_path / "out")
    assert result.exit_code == code and problem in lines(events, "error")[0]
    assert not list((tmp_path / "out").glob("*.mp3"))


def test_one_bad_feed_does_not_stop_the_others(site: NewsSite, tmp_path: Path) -> None:
    result, events = follow(["http://127.0.0.1:9/feed.xml", site.feed_url], tmp_path / "out")
    assert result.exit_code == EXIT_FAILED  # one failed, one did not: as a batch
    assert "cannot connect" in lines(events, "error")[0]
    assert site.server.hits[site.feed_path] == 1


# --- saved files, OPML, the command line --------------------------------------------------------


def test_opml_list_and_a_saved_feed(site: NewsSite, tmp_path: Path) -> None:
    site.add(1)
    saved = tmp_path / "saved.xml"
    saved.write_bytes(site.rss())
    opml = tmp_path / "list.opml"
    opml.write_text(f'<opml version="2.0"><body><outline xmlUrl="{site.feed_url}"/></body></opml>')
    result, _ = follow([str(opml), str(saved)], tmp_path / "out")
    assert result.rendered == 1  # the same item in both: rendered once
    assert result.exit_code == EXIT_OK


def test_command_line_and_status(site: NewsSite, tmp_path: Path) -> None:
    site.add(2)
    out = tmp_path / "out"
    args = ["follow", site.feed_url, "--out", out, "--jobs", "1", "--delay", "0", "--backfill", "1"]
    result = run_cli(*args)
    assert result.exit_code == 0, result.stderr
    assert (
        result.stdout.startswith(str(out / "127-0-0-1-story-1.mp3")) and "chapters" in result.stdout
    )
    status = run_cli("follow", "--status", "--out", out)
    assert status.exit_code == 0
    assert site.feed_url in status.stdout and "1 rendered, 1 skipped" in status.stdout
    assert "not among the newest 1 when followed" in status.stdout
    assert run_cli("follow", "http://127.0.0.1:9/x", "--out", out, "--quiet").exit_code == 3
    assert run_cli("follow", "--out", out).exit_code == 2  # no feed given
    wrong = run_cli("follow", "ftp://news.test/feed", "--out", out)
    assert (wrong.exit_code, wrong.stderr.strip()) == (
        2,
        "Error: ftp://news.test/feed: only http and https URLs can be fetched, not ftp",
    )
    assert "No feeds followed" in run_cli("follow", "--status", "--out", tmp_path).stderr


def test_one_run_at_a_time_in_a_folder(site: NewsSite, tmp_path: Path) -> None:
    """A cron run that starts while the last one still renders stops at once."""
    out = tmp_path / "out"
    out.mkdir()
    with (out / ".follow.lock").open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        result, events = follow([site.feed_url], out)
    assert result.exit_code == EXIT_OK and not site.server.requests
    assert "another follow run is going" in lines(events, "note")[0]


# --- killed in the middle -----------------------------------------------------------------------

KILL_AT = Path(__file__).with_name("kill_at.py")


@pytest.mark.parametrize("point", [pytest.param("before", marks=pytest.mark.slow), "after"])
def test_killed_in_the_middle_then_run_again(site: NewsSite, tmp_path: Path, point: str) -> None:
    """SIGKILL just before or just after the first episode's MP3 is renamed into place (its item
    still "rendering" in the catalog): the next run renders no item twice and loses none."""
    site.add(2)
    out = tmp_path / "out"
    first = f"127-0-0-1-{site.stories[1].slug}.mp3"  # the newest is rendered first
    args = ["follow", site.feed_url, "--out", out, "--jobs", "1", "--delay", "0", "--quiet"]
    killed = subprocess.run(
        [sys.executable, KILL_AT, f"{point}:{first}", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    placed = (out / first).stat().st_mtime_ns if point == "after" else None

    _, events = follow([site.feed_url], out)
    notes = " ".join(lines(events, "note"))
    if point == "after":
        assert "placed before the last run stopped" in notes
        assert (out / first).stat().st_mtime_ns == placed  # not rendered twice
    else:
        assert "its render was cut short; again" in notes
    assert titles(out) == sorted(s.title for s in site.stories)  # none lost, the feed valid
    with Catalog.open(out) as catalog:
        renders = catalog.execute("SELECT state, renders FROM follow_items").fetchall()
    assert sorted(tuple(r) for r in renders) == [("rendered", 1), ("rendered", 1)]


# --- the edition of the day, --every, a cluster ------------------------------------------------


def test_the_day_s_edition_follows_the_day_s_items(site: NewsSite, tmp_path: Path) -> None:
    (story,) = site.add(1)
    story.published = NOW - timedelta(hours=1)
    out = tmp_path / "out"
    result, events = follow([site.feed_url], out, edition=True)
    edition = [e for e in events if e.text.startswith("edition: ")]
    assert result.exit_code == EXIT_OK and len(edition) == 1
    assert edition[0].audio is not None and edition[0].audio.exists()
    assert (out / edition[0].audio.name.replace(".mp3", ".epub")).exists()
    result, events = follow([site.feed_url], out, edition=True)  # nothing new: not made again
    assert not [e for e in events if e.text.startswith("edition: ")]


def test_every_stops_cleanly_on_sigterm(site: NewsSite, tmp_path: Path) -> None:
    command = [sys.executable, "-m", "newsaudio.cli", "follow", site.feed_url, "--every", "1m"]
    options = ["--out", str(tmp_path / "out"), "--backfill", "0", "--delay", "0"]
    with subprocess.Popen([*command, *options], stderr=subprocess.PIPE, text=True) as child:
        assert child.stderr is not None
        for line in child.stderr:  # the first run is done: the loop waits for the next
            if line.startswith("Run done:"):
                break
        child.send_signal(signal.SIGTERM)
        rest = child.stderr.read()
        assert child.wait(timeout=30) == 130
    assert rest.splitlines()[-1].startswith("Stopped: every finished episode is in the feed")
    assert site.server.hits[site.feed_path] == 1


@pytest.mark.slow
def test_a_cluster_renders_while_the_client_fetches(site: NewsSite, tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")

    class ClientOnly(distributed.WorkerPlugin):  # type: ignore[name-defined,misc]
        """A worker may render; fetching and the catalog are the client's."""

        def setup(self, worker: object) -> None:
            import sqlite3

            import httpx

            def refuse(*args: object, **kwargs: object) -> None:
                raise AssertionError("a cluster worker fetched or opened the catalog")

            sqlite3.connect = refuse  # type: ignore[assignment]
            httpx.Client.send = refuse  # type: ignore[method-assign]

    site.add(2)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        client.register_plugin(ClientOnly())
        result, events = follow(
            [site.feed_url], tmp_path / "out", scheduler=cluster.scheduler_address
        )
    assert (result.rendered, result.exit_code) == (2, EXIT_OK), lines(events, "error")
    assert titles(tmp_path / "out") == sorted(s.title for s in site.stories)
