"""Whole-process `newsaudio render` of the sample against a bare eSpeak NG + LAME script.

Baseline (benchmarks/bare_espeak.py): the raw, undiacritized text through libespeak-ng in one call,
MP3-encoded with the same LAME settings. newsaudio adds parsing, text preparation (diacritization),
sentence-wise synthesis, 44.1 kHz resampling, loudness normalization, limiting, tags and the feed.
Both run as a user runs them: a fresh process each time (imports and model loading included), no
sentence cache. Goals: ratio <= 2.5, peak RSS <= 300 MB. Also times the commands that must
answer at once (goal < 0.3 s).

    uv run python benchmarks/render.py [ARTICLE] [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from measure import NEWSAUDIO, PYTHON, ROOT, SAMPLE, Run, run


def median(runs: list[Run]) -> tuple[float, float]:
    return statistics.median(r.seconds for r in runs), max(r.peak_mb for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("article", nargs="?", type=Path, default=SAMPLE)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        bare_cmd = [PYTHON, ROOT / "benchmarks" / "bare_espeak.py", args.article, out / "bare.mp3"]
        ours_cmd = [NEWSAUDIO, "render", args.article, "--out", out, "--quiet", "--no-cache"]
        bare = [run(bare_cmd) for _ in range(args.repeat)]
        ours = [run(ours_cmd) for _ in range(args.repeat)]
        quick = {
            " ".join(cmd): statistics.median(run([NEWSAUDIO, *cmd]).seconds for _ in range(10))
            for cmd in (["--help"], ["--version"], ["voices"])
        }
    (b, b_mb), (o, o_mb) = median(bare), median(ours)
    print(f"article: {args.article} (median of {args.repeat} fresh processes each)")
    print(f"bare eSpeak NG + LAME:  {b:5.2f} s  peak RSS {b_mb:4.0f} MB")
    print(f"newsaudio render:       {o:5.2f} s  peak RSS {o_mb:4.0f} MB (goal <= 300)")
    print(f"ratio: {o / b:.2f} (goal <= 2.5)")
    for name, seconds in quick.items():
        print(f"newsaudio {name}: {seconds:.2f} s (median of 10; goal < 0.3)")


if __name__ == "__main__":
    main()
