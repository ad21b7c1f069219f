"""Long articles: memory stays flat and time grows linearly with length.

Each article is the sample's paragraphs repeated, each round under a numbered subheading, up to
the size asked for (the input cap is 2 MB). Two shapes: a subheading every ~8 kB (``--section-kb
8``, ~125 chapters in 1 MB: ID3 chapter tables hold at most 255 entries) and sections as long as the
article (``--section-kb 0``: one section, e.g. 1 MB, ~19 h of speech; 50 kB is about an hour).
Rendered as a user runs it (a fresh process, no cache). Prints seconds per minute of audio (flat =
linear) and peak RSS, which must not depend on the shape (goal <= 300 MB at 1 MB).

    uv run python benchmarks/long_article.py [--sizes 50,200,1000] [--section-kb 8,0]
"""

from __future__ import annotations

import argparse
import itertools
import json
import tempfile
from pathlib import Path

from measure import NEWSAUDIO, SAMPLE, run


def long_article(size_kb: int, section_kb: int = 8) -> str:
    """The sample's headline, then its paragraphs repeated under numbered subheadings, one every
    ``section_kb`` kB (0: a single section as long as the article)."""
    blocks = [b.strip() for b in SAMPLE.read_text(encoding="utf-8").split("\n\n") if b.strip()]
    headline = blocks[1]  # after the breadcrumb
    paragraphs = [b for b in blocks[2:] if len(b) > 200]  # no subheadings, no boilerplate
    section_bytes = (section_kb or size_kb) * 1000
    parts = [headline]
    size, n = len(headline.encode()), 0
    while size < size_kb * 1000:
        n += 1
        subheading = f"{blocks[2]} ({n})"
        parts.append(subheading)
        size += len(subheading.encode()) + 2
        section = 0
        for paragraph in itertools.cycle(paragraphs):
            if section >= section_bytes or size >= size_kb * 1000:
                break
            parts.append(paragraph)
            section += len(paragraph.encode()) + 2
            size += len(paragraph.encode()) + 2
    return "\n\n".join(parts) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="50,200", help="article sizes in kB, comma-separated")
    parser.add_argument(
        "--section-kb",
        default="8,0",
        help="kB between subheadings, comma-separated; 0 = one section the article's length",
    )
    args = parser.parse_args()
    print(
        f"{'size':>8} {'shape':>6} {'chapters':>8} {'longest':>8} {'render':>9} {'audio':>9} "
        f"{'s/min':>7} {'peak RSS':>9}"
    )
    shapes = [int(s) for s in args.section_kb.split(",")]
    sizes = [int(s) for s in args.sizes.split(",")]
    for size_kb, section_kb in itertools.product(sizes, shapes):
        with tempfile.TemporaryDirectory() as tmp:
            article = Path(tmp) / f"long-{size_kb}k.txt"
            article.write_text(long_article(size_kb, section_kb), encoding="utf-8")
            size = article.stat().st_size
            out = Path(tmp) / "out"
            result = run([NEWSAUDIO, "render", article, "--out", out, "--quiet", "--no-cache"])
            record = json.loads(next(out.glob("*.episode.json")).read_text(encoding="utf-8"))
        minutes = record["duration_s"] / 60
        longest = max(c["end_ms"] - c["start_ms"] for c in record["chapters"]) / 60_000
        shape = f"{section_kb}kB" if section_kb else "one"
        print(
            f"{size:>8} {shape:>6} {len(record['chapters']):>8} {longest:>6.0f}min "
            f"{result.seconds:>8.1f}s {minutes:>7.1f}min {result.seconds / minutes:>7.2f} "
            f"{result.peak_mb:>7.0f}MB",
            flush=True,
        )


if __name__ == "__main__":
    main()
