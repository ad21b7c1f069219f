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


def median(runs: list[Run]) -> tuple[float, float, float]:
    """Median wall and CPU seconds, highest peak RSS."""
    return (
        statistics.median(r.seconds for r in runs),
        statistics.median(r.cpu_seconds for r in runs),
        max(r.peak_mb for r in runs),
    )


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
        native = [run([*bare_cmd, "--native"]) for _ in range(args.repeat)]
        ours = [run(ours_cmd) for _ in range(args.repeat)]
        quick = {
            " ".join(cmd): statistics.median(run([NEWSAUDIO, *cmd]).seconds for _ in range(10))
            for cmd in (["--help"], ["--version"], ["voices"])
        }
    (b, b_cpu, b_mb), (n, n_cpu, n_mb), (o, o_cpu, o_mb) = map(median, (bare, native, ours))
    print(f"article: {args.article} (median of {args.repeat} fresh processes each)")
    rows = [
        ("bare eSpeak NG + LAME, 44.1 kHz (our format)", b, b_cpu, b_mb),
        ("bare eSpeak NG + LAME, 22.05 kHz (eSpeak's)", n, n_cpu, n_mb),
        ("newsaudio render", o, o_cpu, o_mb),
    ]
    for label, wall, cpu, mb in rows:
        print(f"{label:45} {wall:5.2f} s  (CPU {cpu:5.2f} s)  {mb:3.0f} MB")
    print(f"peak RSS: {o_mb:.0f} MB (goal <= 300)")
    print(
        f"ratio: {o / b:.2f} against the 44.1 kHz baseline, {o / n:.2f} against 22.05 kHz"
        f" (goal <= 2.5); CPU time {o_cpu / b_cpu:.2f} and {o_cpu / n_cpu:.2f}"
    )
    for name, seconds in quick.items():
        print(f"newsaudio {name}: {seconds:.2f} s (median of 10; goal < 0.3)")


if __name__ == "__main__":
    main()
