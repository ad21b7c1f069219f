"""Following a feed of 50 items against rendering the same 50 pages from a list.

A local HTTP server plays a news site: 50 article pages (the sample's headline, numbered, and its
first sections, as HTML) and an RSS feed whose items link to them with a summary only, so follow
reads each page as `render URL` does. In the same run, each a whole process as a user runs it
(start-up and model loading included, `--no-cache`, the same `--jobs`, a fresh output folder):

1. `newsaudio render --from-list urls.txt`: the baseline;
2. `newsaudio follow FEED --backfill 50 --delay 0`: the feed's handling alone (fetching and
   reading the feed, the state in the catalog, reading the pages here rather than in the workers);
3. `newsaudio follow FEED --backfill 50` with the default delay between two requests to one host
   (1 s: politeness, overlapped with rendering);
4. `newsaudio follow FEED` again, nothing changed: one request (304), nothing rendered.

Goal (issue 25): follow's first run costs at most a few percent more than the baseline.

    uv run python benchmarks/follow.py [--items 50] [--jobs 2] [--sections 3] [--rounds 1]
"""

from __future__ import annotations

import argparse
import hashlib
import html
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "kursk-ar.txt"


class Site(ThreadingHTTPServer):
    """Pages by path; the feed answers 304 to its own ETag."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.pages: dict[str, tuple[bytes, str]] = {}
        self.requests = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"


class _Handler(BaseHTTPRequestHandler):
    server: Site
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self.server.requests += 1
        body, ctype = self.server.pages.get(self.path, (b"", ""))
        etag = f'"{hashlib.sha256(body).hexdigest()[:16]}"'
        if not ctype:
            self.send_response(404)
            body = b""
        elif self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            body = b""
        else:
            self.send_response(200)
            self.send_header("Content-Type", ctype)
        self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def make_site(site: Site, items: int, sections: int) -> list[str]:
    """``items`` pages and their feed; returns the pages' URLs."""
    lines = [line for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line.strip()]
    headline, body = lines[1], lines[2 : 2 + 2 * sections]
    urls, entries = [], []
    start = datetime(2026, 6, 1, tzinfo=timezone.utc)
    for number in range(items):
        title = f"{headline} ({number + 1})"
        blocks = "".join(
            f"<h2>{html.escape(line)}</h2>" if n % 2 == 0 else f"<p>{html.escape(line)}</p>"
            for n, line in enumerate(body)
        )
        page = (
            f'<!doctype html><html lang="ar"><head><meta charset="utf-8"><title>{title}</title>'
            f"</head><body><article><h1>{html.escape(title)}</h1>{blocks}</article></body></html>"
        )
        path = f"/news/{number + 1}"
        site.pages[path] = (page.encode(), "text/html; charset=utf-8")
        url = site.url(path)
        urls.append(url)
        published = format_datetime(start + timedelta(minutes=number))
        entries.append(
            f"<item><title>{html.escape(title)}</title><link>{url}</link><guid>{url}</guid>"
            f"<pubDate>{published}</pubDate><description>{html.escape(body[1][:80])}…"
            "</description></item>"
        )
    feed = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>موقع</title>'
        f"<link>{site.url('/')}</link>{''.join(reversed(entries))}</channel></rss>"
    )
    site.pages["/feed.xml"] = (feed.encode(), "application/rss+xml; charset=utf-8")
    return urls


def run(args: list[str], out: Path) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + system, the process and its workers) of one command.
    Python's bytecode is cached (in the run's own folder), as an installed newsaudio has it:
    without it every run compiles every module it imports again (a second of CPU)."""
    env = {
        **os.environ,
        "NEWSAUDIO_CACHE_DIR": str(out.parent / f"cache-{out.name}"),
        "PYTHONPYCACHEPREFIX": str(out.parent.parent / "pycache"),
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    command = [sys.executable, "-m", "newsaudio.cli", *args, "--out", str(out), "--quiet"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--sections", type=int, default=3, help="sections of the sample a page")
    parser.add_argument("--rounds", type=int, default=1, help="best of N for each")
    options = parser.parse_args()
    site = Site()
    threading.Thread(target=site.serve_forever, daemon=True).start()
    urls = make_site(site, options.items, options.sections)
    feed = site.url("/feed.xml")
    jobs = ["--jobs", str(options.jobs), "--no-cache"]
    times: dict[str, list[tuple[float, float]]] = {
        "render": [],
        "follow0": [],
        "follow": [],
        "again": [],
    }
    requests = 0
    with tempfile.TemporaryDirectory() as tmp:
        listed = Path(tmp) / "urls.txt"
        listed.write_text("\n".join(urls) + "\n", encoding="utf-8")
        follow = ["follow", feed, "--backfill", str(options.items), *jobs]
        commands = {
            "render": ["render", "--from-list", str(listed), *jobs],
            "follow0": [*follow, "--delay", "0"],
            "follow": follow,
        }
        # Warm-up, not measured: every module both commands import is compiled once.
        run(["render", urls[0], *jobs], Path(tmp) / "warm" / "render")
        run(["follow", feed, "--backfill", "1", *jobs], Path(tmp) / "warm" / "follow")
        for round_ in range(options.rounds):
            base = Path(tmp) / f"round-{round_}"
            base.mkdir()
            # Alternate the order, so a machine that gets busier does not favour one.
            order = list(commands) if round_ % 2 == 0 else list(reversed(commands))
            for name in order:
                times[name].append(run(commands[name], base / name))
            before = site.requests
            times["again"].append(run(follow, base / "follow"))
            requests = site.requests - before
            for name in commands:
                episodes = len(list((base / name).glob("*.mp3")))
                if episodes != options.items:
                    sys.exit(f"{base / name}: {episodes} episodes, expected {options.items}")
    best = {name: min(values) for name, values in times.items()}
    cpu = {name: min(cpu for _, cpu in values) for name, values in times.items()}
    print(
        f"{options.items} items, {options.sections} sections each, --jobs {options.jobs}, "
        f"{os.cpu_count()} cores, best of {options.rounds} (wall clock; CPU: user + system)"
    )
    render, follow0, follow1 = best["render"][0], best["follow0"][0], best["follow"][0]
    print(f"render --from-list:          {render:7.1f} s   CPU {cpu['render']:7.1f} s")
    print(
        f"follow, --delay 0:           {follow0:7.1f} s   CPU {cpu['follow0']:7.1f} s   "
        f"{follow0 / render:.3f}x wall, {cpu['follow0'] / cpu['render']:.3f}x CPU "
        "(goal: a few percent)"
    )
    print(
        f"follow, default 1 s delay:   {follow1:7.1f} s   CPU {cpu['follow']:7.1f} s   "
        f"{follow1 / render:.3f}x wall"
    )
    print(f"follow again, nothing new:   {best['again'][0]:7.2f} s   ({requests} request)")
    site.shutdown()


if __name__ == "__main__":
    main()
