"""How much of a talking book's text is the article as written: on every real article we have,
the sentences shown as spoken instead (voweled number words where the article has figures) —
the *fallbacks* of textprep/written.py — and the blocks that aligning words divided otherwise
than splitting the written block would (their sentences did not line up).

    uv run python benchmarks/book_text.py [ARTICLE ...]

Default articles: the sample, tests/data/blind and, when present, the Arabic pages of
../shared/data/pages-dev (read there, never copied). Text preparation only: nothing is spoken.
"""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

from measure import ROOT, SAMPLE

from newsaudio.config import Config
from newsaudio.errors import NewsaudioError
from newsaudio.pipeline import prepare_article
from newsaudio.publishing import bookmaker
from newsaudio.speech.voices import load_voice
from newsaudio.textprep.normalize import normalize
from newsaudio.textprep.sentences import split_sentences

BLIND = ROOT / "tests" / "data" / "blind"
PAGES = ROOT.parent / "shared" / "data" / "pages-dev"


def _articles() -> list[Path]:
    found = [SAMPLE, *sorted(BLIND.glob("*.txt")), *sorted(BLIND.glob("*.html"))]
    return found + (sorted(PAGES.glob("*.html")) if PAGES.is_dir() else [])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("articles", nargs="*", type=Path)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    profile, config = load_voice(), Config()
    # The blocks whose sentences did not line up as written, divided by aligning words instead.
    by_word = 0
    real = bookmaker.written_sentences

    def counting(block: str, spoken: tuple[str, ...], lexicon: object = None) -> object:
        nonlocal by_word
        shown = real(block, spoken, lexicon)
        by_word += len(spoken) > 1 and list(shown.sentences) != split_sentences(normalize(block))
        return shown

    bookmaker.written_sentences = counting
    totals = [0, 0, 0]
    started = time.perf_counter()
    print(f"{'article':40} {'sentences':>9} {'fallbacks':>9} {'blocks by word':>14}")
    for path in args.articles or _articles():
        try:
            prepared = prepare_article(path, profile, config)
        except NewsaudioError:
            continue  # refused (a Persian or Urdu page): no book
        before = by_word
        shown = bookmaker.shown_sentences(prepared)
        sentences = sum(len(block) for segment in shown.blocks for block in segment)
        row = [sentences, shown.fallbacks, by_word - before]
        totals = [t + r for t, r in zip(totals, row, strict=True)]
        print(f"{path.name:40} {row[0]:9} {row[1]:9} {row[2]:14}")
    print(f"{'total':40} {totals[0]:9} {totals[1]:9} {totals[2]:14}")
    print(f"({time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
