"""Render the sample and, in the same run, a bare baseline; print seconds and the ratio.

Baseline: eSpeak NG speaking the raw, undiacritized article text in one call, then MP3 encoding —
the least a TTS tool can do. newsaudio adds parsing, text preparation (diacritization),
sentence-wise synthesis, loudness normalization, tagging and the feed. Goal: ratio <= 3.

    uv run python benchmarks/render.py [ARTICLE] [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from newsaudio.audio import Track, encode_mp3
from newsaudio.config import Config
from newsaudio.engines import get_engine
from newsaudio.pipeline import render_article
from newsaudio.voices import load_voice

ROOT = Path(__file__).resolve().parents[1]


def baseline(article: Path) -> None:
    """Raw text in one engine call, encoded at the engine's rate with the project's MP3 settings."""
    engine = get_engine(load_voice())
    chunk = engine.synthesize(article.read_text(encoding="utf-8"))
    encode_mp3(Track(chunk.samples / 32768.0, chunk.sample_rate, ()))


def full(article: Path, out: Path) -> None:
    render_article(article, out, load_voice(), Config())


def timed(action) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("article", nargs="?", type=Path, default=ROOT / "examples" / "kursk-ar.txt")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as out:
        # Warm-up: load libespeak-ng and the diacritization model once, outside the timings.
        full(args.article, Path(out))
        base = [timed(lambda: baseline(args.article)) for _ in range(args.repeat)]
        ours = [timed(lambda: full(args.article, Path(out))) for _ in range(args.repeat)]
    b, o = statistics.median(base), statistics.median(ours)
    print(f"article:  {args.article}")
    print(f"baseline: {b:.2f} s (eSpeak NG, raw text, one call + MP3), median of {args.repeat}")
    print(f"newsaudio render: {o:.2f} s, median of {args.repeat}")
    print(f"ratio: {o / b:.2f} (goal <= 3)")


if __name__ == "__main__":
    main()
