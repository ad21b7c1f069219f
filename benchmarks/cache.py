"""Re-rendering with the sentence cache: an unchanged article, then one edited paragraph.

Whole processes, as a user runs them, with a fresh cache folder: the first render fills the cache,
the second finds every sentence in it (goal: >= 5x faster than the first), the third follows an
edit of one paragraph and must synthesize only that paragraph's sentences (counted as the sentence
entries each render adds to the cache: one per sentence synthesized).

    uv run python benchmarks/cache.py [ARTICLE] [--paragraph N]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from measure import NEWSAUDIO, SAMPLE, run

ENV_DIR = "NEWSAUDIO_CACHE_DIR"  # newsaudio.speech.cache.ENV_DIR, without importing newsaudio here


def render(article: Path, out: Path, cache: Path) -> tuple[float, str]:
    """Seconds, and how many sentences were synthesized."""
    before = len(list(cache.rglob("*.pcm")))
    result = run([NEWSAUDIO, "render", article, "--out", out, "--quiet"], {ENV_DIR: str(cache)})
    return result.seconds, f"{len(list(cache.rglob('*.pcm'))) - before} sentences synthesized"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("article", nargs="?", type=Path, default=SAMPLE)
    parser.add_argument("--paragraph", type=int, default=2, help="which paragraph to edit")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        article = folder / args.article.name
        text = args.article.read_text(encoding="utf-8")
        article.write_text(text, encoding="utf-8")
        cache = folder / "cache"
        cache.mkdir()
        first, first_count = render(article, folder / "out", cache)
        again, again_count = render(article, folder / "out", cache)
        paragraphs = [p for p in text.split("\n\n") if len(p) > 200]
        target = paragraphs[args.paragraph % len(paragraphs)]
        edited = target.replace("، ", "، وقد ", 1) if "، " in target else target + " وهذا جديد."
        article.write_text(text.replace(target, edited), encoding="utf-8")
        edit, edit_count = render(article, folder / "out", cache)
    sentences = target.count(".") + target.count("؟") + target.count("!")
    print(f"article: {args.article}")
    print(f"first render (empty cache):   {first:5.2f} s  {first_count}")
    print(f"unchanged, warm cache:        {again:5.2f} s  {again_count}")
    print(f"speed-up: {first / again:.1f}x (goal >= 5)")
    print(f"one paragraph edited (~{sentences} sentences in it): {edit:5.2f} s  {edit_count}")


if __name__ == "__main__":
    main()
