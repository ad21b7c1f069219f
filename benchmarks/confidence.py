"""How well the words' confidence finds the diacritizer's errors, and how often the right form is
among the alternatives: the curve the flag threshold (``textprep.words.FLAG_BELOW``) is read from.

GOLD is a fully diacritized file, one sentence per line, '/' between the accepted readings of a
word (the QCRI WikiNews format; default ../shared/data/wikinews-2014/WikiNewsTruth.txt). Its
marks are stripped and the lines go through the preparation ``newsaudio text`` uses (voice and
lexicon from the current folder's configuration, as ``text`` reads them), all lines as one
article; the spoken words are aligned with the gold words and scored as tests/der.py scores them
(lenient, multi-reference):

* a **stem error**: a letter other than the last is wrong (der.py's WER without case ending);
* a **heard error**: a stem error, or a wrong case ending where the listener hears it — not on a
  word the voice reads in pause (der.py's pause-aware mode, with the pauses where the pipeline
  makes them);
* **right form offered**: of the flagged words that are wrong as heard, the share with an
  alternative that is right as heard.

Words are flagged least confident first; lexicon, rule and author words are never flagged. The
last line is the figure the issue's targets are stated for.

    uv run python benchmarks/confidence.py [GOLD] [--part K/N]

``--part 1/2`` scores the first half of the lines only, ``2/2`` the second: develop on one part,
check on the other.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # for tests/der.py, the scorer's one copy in the repo

from tests import der  # noqa: E402

from newsaudio.config import load_config  # noqa: E402
from newsaudio.pipeline import text_options  # noqa: E402
from newsaudio.reading.article import Article  # noqa: E402
from newsaudio.reading.script import Script, Segment  # noqa: E402
from newsaudio.speech.voices import load_voice  # noqa: E402
from newsaudio.textprep import prepare_script  # noqa: E402
from newsaudio.textprep.pausal import before_pause  # noqa: E402
from newsaudio.textprep.words import FLAG_BELOW, WORD, SpokenWord  # noqa: E402

DEFAULT_GOLD = ROOT.parent / "shared" / "data" / "wikinews-2014" / "WikiNewsTruth.txt"
SHARES = (0.02, 0.05, 0.10, 0.15, 0.20, 0.30)
Label = tuple[bool, str]  # der.py's (shadda, vowel) of a letter


@dataclass(frozen=True)
class Spoken:
    """A spoken word where the scorer needs it: its letters' labels and whether it is paused."""

    word: SpokenWord
    paused: bool


@dataclass(frozen=True)
class Scored:
    """One gold word: its errors as spoken, and the spoken word it was aligned with."""

    stem_error: bool
    heard_error: bool
    spoken: Spoken | None
    offered: int  # the rank of the first alternative that is right as heard, 0 for none
    gold: str = ""

    @property
    def confidence(self) -> float:
        return 1.0 if self.spoken is None else self.spoken.word.confidence


def labels(form: str) -> list[Label]:
    return [label for _, label in der.normalise(der.parse_letters(form), True)]


def score_line(
    gold: der.GoldLine, sentences: list[tuple[str, tuple[SpokenWord, ...]]]
) -> list[Scored]:
    """The gold line's words against the spoken sentences of its block."""
    spoken: list[Spoken] = []
    letters: list[tuple[str, int, int]] = []  # (letter, spoken word, index in the word)
    for sentence, words in sentences:
        for match, word in zip(WORD.finditer(sentence), words, strict=True):
            spoken.append(Spoken(word, before_pause(sentence, match.end())))
            for index, (letter, _) in enumerate(
                der.normalise(der.parse_letters(word.spoken), True)
            ):
                letters.append((letter, len(spoken) - 1, index))
    gold_letters = gold.letters()
    gold_keys = "".join(ch for _, ch in gold_letters).translate(der.ALIGN_KEY)
    spoken_keys = "".join(ch for ch, _, _ in letters).translate(der.ALIGN_KEY)
    aligned = der.align(gold_keys, spoken_keys)
    spoken_labels = {i: labels(s.word.spoken) for i, s in enumerate(spoken)}
    result = []
    position = 0
    for word in gold.words:
        size = len(word["alts"][0])
        places = [
            letters[j][1:] if j is not None else None for j in aligned[position : position + size]
        ]
        position += size
        owner = next((p[0] for p in places if p is not None), None)
        ok = _best(word["alts"], [_label(spoken_labels, p) for p in places])
        stem_error = not all(ok[:-1])
        if owner is None:
            result.append(Scored(stem_error, not all(ok), None, 0))
            continue
        paused = spoken[owner].paused
        if paused:  # the gold word as the voice reads it in pause, as the spoken word is
            alts = [_in_pause(alt) for alt in word["alts"]]
            ok = _best(alts, [_label(spoken_labels, p) for p in places])
            stem_error = not all(ok[:-1])
        heard_error = stem_error if paused else not all(ok)
        offered = next(
            (
                rank
                for rank, alternative in enumerate(spoken[owner].word.alternatives, start=1)
                if _heard_right(
                    alts if paused else word["alts"], alternative, places, owner, paused
                )
            ),
            0,
        )
        result.append(Scored(stem_error, heard_error, spoken[owner], offered, word["text"]))
    return result


def _in_pause(letters: list[tuple[str, Label]]) -> list[tuple[str, Label]]:
    """A gold word read in pause: tanween fatha before a final alef is a long a (عَامًا → عَامَا),
    as the pausal form writes it — a fatha before an alef, which der.py's lenient labels leave
    unmarked; the last letter is not scored in pause."""
    if len(letters) > 1 and letters[-1][0] in "اى" and letters[-2][1][1] == "F":
        (letter, (shadda, _)) = letters[-2]
        return [*letters[:-2], (letter, (shadda, "")), letters[-1]]
    return letters


def _label(
    spoken_labels: dict[int, list[Label]], place: tuple[int, int] | None
) -> Label | tuple[str, str]:
    if place is None:
        return der.MISSING
    word, index = place
    return spoken_labels[word][index]


def _best(alternatives: list[list[tuple[str, Label]]], predicted: list) -> list[bool]:  # type: ignore[type-arg]
    """der.py's choice among a gold word's readings: the fewest wrong letters, stem first."""
    best: tuple[tuple[int, bool], list[bool]] | None = None
    for alternative in alternatives:
        if len(alternative) != len(predicted):
            continue
        ok = [der.label_ok(g, p, True) for (_, g), p in zip(alternative, predicted, strict=True)]
        key = (ok.count(False), not all(ok[:-1]))
        if best is None or key < best[0]:
            best = (key, ok)
    assert best is not None
    return best[1]


def _heard_right(
    alternatives: list[list[tuple[str, Label]]],
    form: str,
    places: list[tuple[int, int] | None],
    owner: int,
    paused: bool,
) -> bool:
    """Whether ``form`` in place of the spoken word makes the gold word right as heard."""
    form_labels = labels(form)
    predicted = [
        form_labels[p[1]] if p is not None and p[0] == owner else der.MISSING for p in places
    ]
    ok = _best(alternatives, predicted)
    return all(ok[:-1]) if paused else all(ok)


def prepare(lines: list[str], name: str) -> list[list[tuple[str, tuple[SpokenWord, ...]]]]:
    """Each line's spoken sentences and words, prepared as ``newsaudio text`` prepares an article
    (one block per line)."""
    config = load_config(None)
    options = text_options(load_voice(config.voice), config)
    script = Script(Article(name, name), (Segment("section", name, tuple(lines)),))
    (segment,) = prepare_script(script, options).segments
    return [
        list(zip(block, words, strict=True))
        for block, words in zip(segment.blocks, segment.words, strict=True)
    ]


def row(scored: list[Scored], flagged: int) -> tuple[float, float, float, float]:
    """For the ``flagged`` least confident words: (confidence below, stem caught %, heard caught %,
    right form offered %)."""
    ranked = sorted(scored, key=lambda s: s.confidence)
    chosen = ranked[:flagged]
    stem = sum(s.stem_error for s in scored)
    heard = sum(s.heard_error for s in scored)
    wrong = [s for s in chosen if s.heard_error]
    below = ranked[flagged].confidence if flagged < len(ranked) else 1.0
    return (
        below,
        100 * sum(s.stem_error for s in chosen) / max(stem, 1),
        100 * len(wrong) / max(heard, 1),
        100 * sum(s.offered > 0 for s in wrong) / max(len(wrong), 1),
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("gold", nargs="?", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--part", default="1/1", help="K/N: score the K-th of N equal parts")
    args = parser.parse_args()
    part, parts = (int(n) for n in args.part.split("/"))
    golds = [der.GoldLine(line, True) for line in der.read_lines(str(args.gold)) if line.strip()]
    first, last = (part - 1) * len(golds) // parts, part * len(golds) // parts
    golds = golds[first:last]
    prepared = prepare([g.input for g in golds], args.gold.stem)
    scored = [s for gold, line in zip(golds, prepared, strict=True) for s in score_line(gold, line)]
    stem = sum(s.stem_error for s in scored)
    heard = sum(s.heard_error for s in scored)
    total = len(scored)
    print(
        f"gold: {args.gold.name}, lines {first + 1}-{last} of {part}/{parts}: {total} words, "
        f"{stem} with a stem error ({100 * stem / total:.1f} %), {heard} wrong as heard "
        f"({100 * heard / total:.1f} %)"
    )
    print(f"\n{'flagged':>7}  {'conf. below':>11}  {'stem caught':>11}  {'heard caught':>12}  "
          f"{'right form offered':>18}")  # fmt: skip
    for share in SHARES:
        below, s, h, a = row(scored, round(share * total))
        print(f"{share:7.0%}  {below:11.3f}  {s:10.1f}%  {h:11.1f}%  {a:17.1f}%")
    at_threshold = sum(s.confidence < FLAG_BELOW for s in scored)
    _, s, h, a = row(scored, at_threshold)
    print(
        f"\nat FLAG_BELOW = {FLAG_BELOW}: {100 * at_threshold / total:.1f}% flagged, stem errors "
        f"caught {s:.1f}%, heard errors caught {h:.1f}%, right form offered {a:.1f}%"
    )
    _, s, h, a = row(scored, round(0.10 * total))
    print(
        f"at 10% flagged: stem errors caught {s:.0f}%, heard errors caught {h:.0f}%, "
        f"right form offered {a:.0f}%"
    )


if __name__ == "__main__":
    main()
