"""The words of a prepared sentence as a proofreader sees them: what is spoken, how sure text
preparation is of it, and the other forms it could have been.

A word decided by a rule (numbers, dates, pausal forms), by the lexicon or by the author's own
vowel marks is certain; a word voweled by the model carries the model's confidence and its next
best forms. The proofing loop (``newsaudio proof``) and ``text --json`` / ``--explain`` read these.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

# Who decided a word's vowels: a word from the lexicon, a rule or the author is certain.
Decider = Literal["model", "lexicon", "rule", "author"]

# A word of prepared text: Arabic letters and their marks.
WORD_PATTERN = "[\u0621-\u064a\u0671][\u0621-\u0652\u0670\u0671]*"
WORD = re.compile(WORD_PATTERN)
# A model word whose confidence is below this is flagged for proofing. Read from the curve of
# benchmarks/confidence.py on the first half of WikiNews: about one word in ten there (fewer on
# cleaner text), the point past which more flags catch few more errors (README, Diacritization).
FLAG_BELOW = 0.6


@dataclass(frozen=True)
class SpokenWord:
    """One word of a prepared sentence.

    ``written`` is the word without vowel marks, as the sentence had it before diacritization;
    ``spoken`` is the form the engine is given (voweled, case ending by the voice's policy).
    ``confidence`` is in [0, 1]; 1.0 for a word not decided by the model.
    ``alternatives`` are up to three other spoken forms, the likeliest first.
    """

    written: str
    spoken: str
    confidence: float = 1.0
    alternatives: tuple[str, ...] = ()
    decided_by: Decider = "model"

    @property
    def certain(self) -> bool:
        """Decided by the lexicon, a rule or the author: never flagged for proofing."""
        return self.decided_by != "model"

    @property
    def flagged(self) -> bool:
        """A model word that a proofreader should check (confidence below :data:`FLAG_BELOW`)."""
        return not self.certain and self.confidence < FLAG_BELOW


def word_spans(sentence: str) -> list[tuple[int, int]]:
    """Where the words of a prepared sentence are in it: ``words[b][s][i]`` of a
    :class:`~newsaudio.textprep.PreparedSegment` is ``blocks[b][s][start:end]`` at the i-th span.

    >>> word_spans("قَالَ، ثُمَّ غَادَرَ.")
    [(0, 5), (7, 12), (13, 20)]
    """
    return [match.span() for match in WORD.finditer(sentence)]
