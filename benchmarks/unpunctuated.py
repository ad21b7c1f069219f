"""A real article without punctuation: `newsaudio text` stays linear in time and memory.

Scraped text sometimes arrives without its punctuation (and its line breaks): with no full stop a
whole article used to be one sentence for the diacritizer, whose cost grows with the square of
its input (53,000 characters: 5.6 minutes and 1.2 GB). This takes a real article (default
``tests/data/blind/r3-akhbarona.txt``), removes every punctuation character and line break, repeats
it to ``--chars`` characters (x1; default 53,000, the length of the sentence in issue 24) and to
multiples of that (``--sizes``), and runs ``newsaudio text --json`` on each in a fresh process (as a
user does). Prints wall and CPU seconds, peak RSS, and each size's ratios to x1: linear is a time
ratio near the size and a memory ratio near 1.

    uv run python benchmarks/unpunctuated.py [--article PATH] [--chars 53000] [--sizes 1,4]
"""

from __future__ import annotations

import argparse
import tempfile
import unicodedata
from pathlib import Path

from measure import NEWSAUDIO, ROOT, run

ARTICLE = ROOT / "tests" / "data" / "blind" / "r3-akhbarona.txt"


def unpunctuated(text: str, chars: int) -> str:
    """``text`` without punctuation or line breaks, repeated to ``chars`` characters."""
    bare = " ".join("".join(c for c in text if not unicodedata.category(c).startswith("P")).split())
    copies = -(-chars // (len(bare) + 1))
    return " ".join([bare] * copies)[:chars].rsplit(" ", 1)[0] + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--article", type=Path, default=ARTICLE)
    parser.add_argument("--chars", type=int, default=53_000, help="characters of x1")
    parser.add_argument("--sizes", default="1,4", help="multiples of x1, comma-separated")
    args = parser.parse_args()
    text = args.article.read_text(encoding="utf-8")
    print(f"{args.article.name}, punctuation and line breaks removed; `newsaudio text --json`")
    columns = ("size", 5), ("chars", 8), ("wall", 8), ("cpu", 8), ("peak RSS", 9)
    print(" ".join(f"{name:>{width}}" for name, width in columns), " time/x1  RSS/x1")
    first = None
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "unpunctuated.txt"
            path.write_text(unpunctuated(text, args.chars * size), encoding="utf-8")
            result = run([NEWSAUDIO, "text", path, "--json"])
        first = first or result
        print(
            f"{'x' + str(size):>5} {args.chars * size:>8} {result.seconds:>7.1f}s "
            f"{result.cpu_seconds:>7.1f}s {result.peak_mb:>7.0f}MB "
            f"{result.cpu_seconds / first.cpu_seconds:>8.2f} "
            f"{result.peak_mb / first.peak_mb:>7.2f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
