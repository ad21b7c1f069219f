"""Score the project's diacritization against diacritized gold text: DER/WER, speed, memory.

Each gold file's marks are stripped (``der.py --make-input``), the bare lines go through the
project's own text preparation — the lexicon's Arabic entries (as the pipeline applies them before
diacritization; ``--no-lexicon`` skips them), then ``newsaudio.textprep.vowelize`` (model + fixes)
— ``newsaudio.textprep.diacritize_plain`` — one list item per gold line, and the
output is scored with the repo's copy of der.py (tests/der.py; lenient unless ``--strict``).
The other preparation steps (numbers and Latin to words, pausal forms) change the letters and are
left out: the gold keeps digits and Latin as written, and scores full case endings.

Default gold files: ../shared/data/wikinews-2014/WikiNewsTruth.txt (when the checkout sits next to
../shared), tests/data/fresh-news-gold.txt (48 sentences of 2025–26 news written for this
project: text no model has been trained on) and tests/data/fresh-news-heldout.txt (155 more, on
politics, economy, sport, health, technology and culture, never looked at while tuning rules or
the lexicon: the honest figure for unseen news; AI-assisted gold, awaiting a native reader's
review).

    uv run python benchmarks/diacritization.py [GOLD_FILE ...] [--predictions FILE] [--errors N]
                                              [--split] [--no-punctuation]

``--split`` cuts each line into sentences as text preparation does before diacritizing
(``textprep.sentences``: at sentence ends, and a sentence over 45 words at its pauses), diacritizes
the pieces and joins them: what those cuts cost. ``--no-punctuation`` removes the punctuation from
the input lines first (scraped text that lost it), so the cuts fall at clause openers and
conjunctions instead of commas.

Speed is input characters per second of the diacritization call alone (the model is loaded and
warmed up first); memory is the process's peak resident set size (ru_maxrss), Python included.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # for tests/der.py, the scorer's one copy in the repo

from tests import der  # noqa: E402

from newsaudio.textprep import diacritize_plain, vowelize  # noqa: E402
from newsaudio.textprep.sentences import split_sentences  # noqa: E402

DEFAULT_GOLD = [
    ROOT.parent / "shared" / "data" / "wikinews-2014" / "WikiNewsTruth.txt",
    ROOT / "tests" / "data" / "fresh-news-gold.txt",
    ROOT / "tests" / "data" / "fresh-news-heldout.txt",
]


Steps = Callable[[list[str]], list[str]]


def project_diacritizer(use_lexicon: bool) -> tuple[str, Steps]:
    """The pipeline's diacritization steps as one function of bare sentences, and their names."""
    if use_lexicon:
        return "lexicon (Arabic entries) + vowelize", diacritize_plain
    return "vowelize", vowelize


def in_sentences(diacritize: Steps) -> Steps:
    """``diacritize`` given each line's sentences as text preparation cuts them, joined again."""

    def steps(lines: list[str]) -> list[str]:
        pieces = [split_sentences(line) or [line] for line in lines]
        voweled = iter(diacritize([piece for line in pieces for piece in line]))
        return [" ".join(next(voweled) for _ in line) for line in pieces]

    return steps


def unpunctuated(line: str) -> str:
    return " ".join("".join(c for c in line if not unicodedata.category(c).startswith("P")).split())


def score(
    golds: list[der.GoldLine], predicted: list[str], lenient: bool
) -> tuple[dict[str, float], Counter[tuple[str, str, str]]]:
    """der.py's scores and word errors for one prediction per gold line (as der.py's main)."""
    stats, errors = der.new_stats(), Counter()
    tokens = 0
    for gold, line in zip(golds, predicted, strict=True):
        stats["lines"] += 1
        tokens += len(gold.input_tokens)
        der.score_line(gold, line, lenient, stats, errors)
    return der.summarise(stats, tokens), errors


def predictions_path(base: Path, gold: Path, several: bool) -> Path:
    """``--predictions out.txt``: out.txt for one gold file, out.<gold stem>.txt for several."""
    return base.with_name(f"{base.stem}.{gold.stem}{base.suffix}") if several else base


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("gold", nargs="*", type=Path, help="fully diacritized gold files")
    parser.add_argument("--predictions", type=Path, help="write the diacritized lines here")
    parser.add_argument("--strict", action="store_true", help="der.py --strict: exact labels")
    parser.add_argument("--errors", type=int, default=0, help="print the N most frequent errors")
    parser.add_argument("--no-lexicon", action="store_true", help="model and fixes only")
    parser.add_argument("--split", action="store_true", help="in sentences, as text preparation")
    parser.add_argument("--no-punctuation", action="store_true", help="inputs without punctuation")
    args = parser.parse_args()
    gold_files = args.gold or [path for path in DEFAULT_GOLD if path.exists()]

    load_start = time.perf_counter()
    name, diacritize = project_diacritizer(not args.no_lexicon)
    if args.split:
        name, diacritize = f"{name}, in sentences", in_sentences(diacritize)
    if args.no_punctuation:
        name = f"{name}, inputs without punctuation"
    diacritize(["تحميل النموذج"])  # load and warm up outside the timings
    print(f"steps: {name} (loaded in {time.perf_counter() - load_start:.1f} s)")
    print(f"scorer: tests/der.py, {'strict' if args.strict else 'lenient'} mode\n")
    print(
        f"{'gold':<28} {'lines':>5} {'words':>6}  {'DER':>5} {'DERnoCE':>7}  {'WER':>5} "
        f"{'WERnoCE':>7}  {'chars/s':>8}"
    )
    report = []
    for path in gold_files:
        golds = [
            der.GoldLine(line, not args.strict)
            for line in der.read_lines(str(path))
            if line.strip()
        ]
        inputs = [unpunctuated(g.input) if args.no_punctuation else g.input for g in golds]
        start = time.perf_counter()
        predicted = diacritize(inputs)
        seconds = time.perf_counter() - start
        if args.predictions:
            out = predictions_path(args.predictions, path, len(gold_files) > 1)
            out.write_text("".join(line + "\n" for line in predicted), encoding="utf-8")
        result, errors = score(golds, predicted, not args.strict)
        chars = sum(len(line) + 1 for line in inputs)  # as der.py counts input_chars
        print(
            f"{path.name:<28} {result['lines']:>5} {result['words']:>6}  "
            f"{result['DER']:>5.2f} {result['DER_noCE']:>7.2f}  {result['WER']:>5.2f} "
            f"{result['WER_noCE']:>7.2f}  {chars / seconds:>8.0f}"
        )
        if result["letters_unaligned"]:
            print(f"  note: {result['letters_unaligned']} gold letters had no predicted letter")
        report.append((path, errors))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(
        f"\n%: DER/WER with and without the case ending (last letter of each word)."
        f"\npeak memory (max RSS of this process): {peak_mb:.0f} MB"
    )
    for path, errors in report if args.errors else []:
        print(f"\nmost frequent word errors in {path.name} (count, kind, gold <- predicted):")
        for (kind, gold_word, predicted_word), count in errors.most_common(args.errors):
            print(f"{count:4d}  {kind:4s}  {gold_word}  <-  {predicted_word}")


if __name__ == "__main__":
    main()
