"""One proofreader's correction against the article's cold render, whole processes, same run.

A proofreader corrects one word and the episode is rendered again: that must stay quick enough to
keep them in the loop. Each round renders the article into an empty folder with an empty cache
(the cold render: start-up, model loading, diacritization, every sentence synthesized, mastering),
then applies one correction from the command line as a script would — ``newsaudio proof SLUG
--fix N=1``, a word to check spoken as its first alternative, in its sentence — in a fresh
process. The word is the first to check in the longest chapter: the chapter a correction
re-encodes, so the slowest case. Both are whole processes run as a user runs them; the sentences
each synthesized are counted as the sentence entries it added to the cache. Goal: the correction
takes at most 25 % of the cold render (issue 22, point 6).

Python's compiled bytecode is kept between processes, as it is wherever newsaudio is installed
(pip and ``uv sync --compile-bytecode`` compile it; otherwise the first run writes it): a first,
uncounted round makes it, and the children run with PYTHONDONTWRITEBYTECODE emptied. With
``--compile-each-time`` every process compiles every module it imports from source (no bytecode
read or written), which adds about a second of CPU to each: how a machine with
PYTHONDONTWRITEBYTECODE=1 and no ``__pycache__`` runs it.

    uv run python benchmarks/proof.py [ARTICLE] [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import tempfile
from pathlib import Path

from measure import NEWSAUDIO, SAMPLE, Run, run

ENV_DIR = "NEWSAUDIO_CACHE_DIR"  # newsaudio.speech.cache.ENV_DIR, without importing newsaudio here
GOAL = 0.25


def _timed(command: list[str | Path], cache: Path, env: dict[str, str]) -> tuple[Run, int]:
    """The run, and how many sentences it synthesized."""
    before = len(list(cache.rglob("*.pcm")))
    result = run(command, {ENV_DIR: str(cache), **env})
    return result, len(list(cache.rglob("*.pcm"))) - before


def _round(article: Path, env: dict[str, str]) -> tuple[Run, int, Run, int]:
    """A cold render into an empty folder and cache, then one correction."""
    with tempfile.TemporaryDirectory() as tmp:
        out, cache = Path(tmp) / "out", Path(tmp) / "cache"
        cache.mkdir()
        cold, cold_count = _timed([NEWSAUDIO, "render", article, "--out", out, "-q"], cache, env)
        word = _in_longest_chapter(article.stem, out, {ENV_DIR: str(cache), **env})
        fix_command = [NEWSAUDIO, "proof", article.stem, "--out", out, "--fix", f"{word}=1"]
        fix, fix_count = _timed(fix_command, cache, env)
    return cold, cold_count, fix, fix_count


def _in_longest_chapter(slug: str, out: Path, env: dict[str, str]) -> int:
    """The number of the first word to check in the longest chapter that has one: the chapter
    a correction re-encodes, so the slowest case."""
    listed = subprocess.run(
        [NEWSAUDIO, "proof", slug, "--out", out, "--list", "--json"],
        capture_output=True, text=True, check=True, env={**os.environ, **env},
    )  # fmt: skip
    view = json.loads(listed.stdout)
    longest = None
    for segment in view["segments"]:
        numbers = [w["number"] for s in segment["sentences"] for w in s["words"] if w["number"]]
        times = [t for s in segment["sentences"] for t in (s["start_ms"], s["end_ms"]) if t]
        length = max(times) - min(times) if times else 0
        if numbers and (longest is None or length > longest[0]):
            longest = (length, numbers[0])
    if longest is None:
        raise SystemExit(f"{slug}: no word to check")
    return longest[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("article", nargs="?", type=Path, default=SAMPLE)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--compile-each-time", action="store_true", help="no bytecode kept between processes"
    )
    args = parser.parse_args()
    nowhere = tempfile.mkdtemp()  # no bytecode there, and none written
    env = {"PYTHONDONTWRITEBYTECODE": "1", "PYTHONPYCACHEPREFIX": nowhere}
    if not args.compile_each_time:
        env = {"PYTHONDONTWRITEBYTECODE": ""}
        _round(args.article, env)  # writes the bytecode of every module the two commands import
    colds, fixes, spoken = [], [], []
    for round_ in range(args.repeat):
        cold, cold_count, fix, fix_count = _round(args.article, env)
        colds.append(cold)
        fixes.append(fix)
        spoken.append(fix_count)
        print(
            f"round {round_ + 1}: cold render {cold.seconds:5.2f} s (CPU {cold.cpu_seconds:5.2f} s,"
            f" {cold_count} sentences), one correction {fix.seconds:5.2f} s (CPU "
            f"{fix.cpu_seconds:5.2f} s, {fix_count} sentence{'s' * (fix_count != 1)} spoken "
            f"again), ratio {fix.seconds / cold.seconds:.2f}"
        )
    cold_s = statistics.median(r.seconds for r in colds)
    fix_s = statistics.median(r.seconds for r in fixes)
    cold_cpu = statistics.median(r.cpu_seconds for r in colds)
    fix_cpu = statistics.median(r.cpu_seconds for r in fixes)
    kept = "compiled every time" if args.compile_each_time else "kept"
    print(f"article: {args.article} (median of {args.repeat} rounds; bytecode {kept})")
    print(f"cold render:     {cold_s:5.2f} s  (CPU {cold_cpu:5.2f} s)")
    print(f"one correction:  {fix_s:5.2f} s  (CPU {fix_cpu:5.2f} s), sentences spoken again: "
          f"{', '.join(map(str, spoken))}")  # fmt: skip
    print(
        f"ratio: {fix_s / cold_s:.2f} of the cold render (goal <= {GOAL}); CPU time "
        f"{fix_cpu / cold_cpu:.2f}; peak RSS {max(r.peak_mb for r in fixes):.0f} MB"
    )


if __name__ == "__main__":
    main()
