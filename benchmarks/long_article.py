"""Long articles: memory stays flat and time grows linearly with length.

Each article is the sample's paragraphs repeated, each round under a numbered subheading (one
chapter per ~8 kB: ID3 chapter tables hold at most 255 entries), up to the size asked for (the
input cap is 2 MB). Rendered as a user runs it (a fresh process, no cache).
Prints seconds per minute of audio (flat = linear) and peak RSS (goal <= 400 MB at 1 MB).

    uv run python benchmarks/long_article.py [--sizes 50,200,1000]   # kB; 1000 takes minutes
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from measure import NEWSAUDIO, SAMPLE, run


def long_article(size_kb: int) -> str:
    """The sample's headline, then its paragraphs repeated under numbered subheadings."""
    blocks = [b.strip() for b in SAMPLE.read_text(encoding="utf-8").split("\n\n") if b.strip()]
    headline = blocks[1]  # after the breadcrumb
    paragraphs = [b for b in blocks[2:] if len(b) > 200]  # no subheadings, no boilerplate
    while sum(len(p.encode()) for p in paragraphs) < 8000:  # ~125 chapters in 1 MB
        paragraphs += paragraphs
    parts = [headline]
    size, n = len(headline.encode()), 0
    while size < size_kb * 1000:
        n += 1
        parts += [f"{blocks[2]} ({n})", *paragraphs]
        size += sum(len(p.encode()) + 2 for p in parts[-len(paragraphs) - 1 :])
    return "\n\n".join(parts) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="50,200", help="article sizes in kB, comma-separated")
    args = parser.parse_args()
    print(f"{'size':>8} {'render':>9} {'audio':>9} {'s/min':>7} {'peak RSS':>9}")
    for size_kb in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            article = Path(tmp) / f"long-{size_kb}k.txt"
            article.write_text(long_article(size_kb), encoding="utf-8")
            size = article.stat().st_size
            out = Path(tmp) / "out"
            result = run([NEWSAUDIO, "render", article, "--out", out, "--quiet", "--no-cache"])
            record = json.loads(next(out.glob("*.episode.json")).read_text(encoding="utf-8"))
        minutes = record["duration_s"] / 60
        print(
            f"{size:>8} "
            f"{result.seconds:>8.1f}s {minutes:>7.1f}min {result.seconds / minutes:>7.2f} "
            f"{result.peak_mb:>7.0f}MB",
            flush=True,
        )


if __name__ == "__main__":
    main()
