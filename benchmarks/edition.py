"""An edition of 10 articles against the same 10 articles rendered as 10 episodes.

Both are whole processes as a user runs them, each into a fresh output folder, ``--no-cache``,
with the same ``--jobs`` (default: one per core): `newsaudio render A1 … A10` (a batch, its feed
written once) and `newsaudio edition A1 … A10 --title …` (one MP3 with the spoken opening,
announcements and closing, the EPUB and the DAISY fileset). The articles are the sample and saved
pages from the repository, so it runs in any clone. Goal (issue 18): edition / episodes <= 1.10.

    uv run python benchmarks/edition.py [--rounds 2] [--jobs N]

Rounds alternate the two commands; the best time of each counts (the least disturbed run).
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from measure import NEWSAUDIO, ROOT, run

BLIND = ROOT / "tests" / "data" / "blind"
ARTICLES = [
    ROOT / "examples" / "kursk-ar.txt",
    BLIND / "h-aljazeera.html",
    BLIND / "h-bbc.html",
    BLIND / "h-skynews.html",
    BLIND / "h-alarabiya.html",
    BLIND / "h-independentarabia.html",
    BLIND / "r1-dw.txt",
    BLIND / "r1-france24.txt",
    BLIND / "r1-bbc_arabic.txt",
    BLIND / "r2-aljazeera.txt",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    args = parser.parse_args()
    common = ["--jobs", str(args.jobs), "--no-cache", "--quiet"]
    episodes, edition = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for round_ in range(args.rounds):
            out = Path(tmp) / f"episodes-{round_}"
            episodes.append(run([NEWSAUDIO, "render", *ARTICLES, "--out", out, *common]))
            if len(list(out.glob("*.mp3"))) != len(ARTICLES):
                raise SystemExit(f"{out}: not one episode per article")
            out = Path(tmp) / f"edition-{round_}"
            title = ["--title", "نشرة نيوزأوديو"]
            edition.append(run([NEWSAUDIO, "edition", *ARTICLES, *title, "--out", out, *common]))
            if not list(out.glob("*.epub")) or not list(out.glob("*.daisy.zip")):
                raise SystemExit(f"{out}: no EPUB or DAISY fileset")
    best_episodes = min(r.seconds for r in episodes)
    best_edition = min(r.seconds for r in edition)
    print(f"{len(ARTICLES)} articles, --jobs {args.jobs}, {os.cpu_count()} cores, --no-cache")
    print(
        f"as 10 episodes: {best_episodes:6.1f} s  (runs: {[round(r.seconds, 1) for r in episodes]})"
    )
    print(
        f"as an edition:  {best_edition:6.1f} s  (runs: {[round(r.seconds, 1) for r in edition]})"
    )
    print(f"peak memory:    {max(r.peak_mb for r in episodes):6.0f} MB episodes, "
          f"{max(r.peak_mb for r in edition):.0f} MB edition (the parent process)")  # fmt: skip
    print(f"ratio:          {best_edition / best_episodes:6.2f}  (goal <= 1.10)")
    # CPU seconds (the command and its workers) are steadier than wall time on a busy machine.
    cpu_episodes = min(r.cpu_seconds for r in episodes)
    cpu_edition = min(r.cpu_seconds for r in edition)
    print(f"CPU seconds:    {cpu_episodes:6.1f} episodes, {cpu_edition:.1f} edition, "
          f"ratio {cpu_edition / cpu_episodes:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
