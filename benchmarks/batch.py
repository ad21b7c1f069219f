"""A batch of articles with --jobs 1 and --jobs N: articles per minute and the speed-up.

Each run is the whole process, as a user runs it (`newsaudio render FOLDER --jobs N --no-cache`),
into a fresh output folder. The articles are the sample (headline and its first sections), each with
its own headline so no two are the same episode. Goal (issue 9): speed-up >= 1.8 with 2 jobs.

With ``--cluster`` the same batch also runs on a Dask ``LocalCluster`` of N worker processes
(`render --scheduler`, extra ``dask``): workers stage episodes, the client places them. The cluster
is started before the clock, as a real one would be running already.

    uv run python benchmarks/batch.py [--articles 40] [--jobs 2] [--sections 7] [--cluster]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "kursk-ar.txt"


def make_articles(folder: Path, count: int, sections: int) -> None:
    """``count`` articles: the sample's headline (numbered) and its first ``sections`` sections."""
    lines = [line for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line.strip()]
    headline, body = lines[1], lines[2 : 2 + 2 * sections]
    for number in range(count):
        text = "\n".join([f"{headline} ({number + 1})", *body]) + "\n"
        (folder / f"article-{number:03d}.txt").write_text(text, encoding="utf-8")


def run(folder: Path, out: Path, *options: str) -> float:
    env = {**os.environ, "NEWSAUDIO_CACHE_DIR": str(out.parent / f"cache-{out.name}")}
    command = [sys.executable, "-m", "newsaudio.cli", "render", str(folder), "--out", str(out)]
    start = time.perf_counter()
    subprocess.run([*command, *options, "--no-cache", "--quiet"], check=True, env=env)
    elapsed = time.perf_counter() - start
    episodes = len(list(out.glob("*.mp3")))
    if episodes != len(list(folder.iterdir())):
        sys.exit(f"{out}: {episodes} episodes, expected one per article")
    return elapsed


def run_cluster(folder: Path, out: Path, workers: int) -> float:
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        return run(folder, out, "--scheduler", cluster.scheduler_address)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=40)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument(
        "--sections", type=int, default=7, help="sections of the sample per article"
    )
    parser.add_argument("--cluster", action="store_true", help="also on a Dask LocalCluster")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        make_articles(folder, args.articles, args.sections)
        one = run(folder, Path(tmp) / "out-1", "--jobs", "1")
        many = run(folder, Path(tmp) / f"out-{args.jobs}", "--jobs", str(args.jobs))
        cluster = run_cluster(folder, Path(tmp) / "out-dask", args.jobs) if args.cluster else 0
    print(f"{args.articles} articles, {os.cpu_count()} cores")
    print(f"--jobs 1:          {one:7.1f} s  {args.articles / one * 60:6.1f} articles/min")
    print(
        f"--jobs {args.jobs}:          {many:7.1f} s  {args.articles / many * 60:6.1f} articles/min"
    )
    print(f"speed-up:          {one / many:7.2f}x  (goal >= 1.8 with 2 jobs)")

    if args.cluster:
        print(
            f"Dask, {args.jobs} workers: {cluster:7.1f} s  "
            f"{args.articles / cluster * 60:6.1f} articles/min  ({one / cluster:.2f}x --jobs 1)"
        )


if __name__ == "__main__":
    main()
